"""One definition of every counted figure, shared by the supervisor pipeline and the grant reports
so their numbers always agree.

Every figure is a set of unduplicated youth for a period (start and end dates, both included), a
set of centers and, optionally, a set of counselors. A figure belongs to a center through the
case the event happened in: an intake, a contact, an assessment or a referral made in a case at
that center. A youth who moved centers counts at each center for what happened there. The
counselor filter is the case's counselor.

Each definition is one query returning the youth ids (`values("youth_id")`, distinct), so a
report can count them, list them or combine them with other conditions.
"""

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from referrals.models import ENROLLED_STATUSES, Referral
from youth.choices import CONTACT_KINDS
from youth.models import Assessment, Case, CaseNote

YouthIds = QuerySet  # a `values("youth_id")` queryset of distinct youth ids


def _case_scope(prefix: str, center_ids: Iterable[int], counselor_ids: Iterable[int] | None) -> Q:
    """The rows whose case is at the centers (and, when given, assigned to the counselors)."""
    scope = Q(**{f"{prefix}center_id__in": list(center_ids)})
    if counselor_ids is not None:
        scope &= Q(**{f"{prefix}counselor_id__in": list(counselor_ids)})
    return scope


def _distinct_youth(queryset: QuerySet) -> YouthIds:
    # order_by() drops the model's default ordering, which would otherwise join the DISTINCT.
    return queryset.order_by().values("youth_id").distinct()


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """Aware datetimes from the start of `start` to the start of the day after `end`, local
    time: a timestamp's date in Los Angeles, with the index on the column still usable."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    return first, after.replace(tzinfo=zone)


def reached(start, end, center_ids, counselor_ids=None) -> YouthIds:
    contact = CaseNote.objects.filter(
        case=OuterRef("pk"), kind__in=CONTACT_KINDS, contact_on__range=(start, end)
    )
    cases = Case.objects.filter(_case_scope("", center_ids, counselor_ids)).filter(
        Q(intake_date__range=(start, end)) | Exists(contact)
    )
    return _distinct_youth(cases)


def intake(start, end, center_ids, counselor_ids=None) -> YouthIds:
    cases = Case.objects.filter(
        _case_scope("", center_ids, counselor_ids), intake_date__range=(start, end)
    )
    return _distinct_youth(cases)


def assessed(start, end, center_ids, counselor_ids=None) -> YouthIds:
    assessments = Assessment.objects.filter(
        _case_scope("case__", center_ids, counselor_ids), assessed_on__range=(start, end)
    )
    return _distinct_youth(assessments)


def referred(start, end, center_ids, counselor_ids=None) -> YouthIds:
    first, after = _day_bounds(start, end)
    referrals = Referral.objects.filter(
        _case_scope("case__", center_ids, counselor_ids), sent_at__gte=first, sent_at__lt=after
    )
    return _distinct_youth(referrals)


def _enrollments(start, end, center_ids, counselor_ids) -> QuerySet[Referral]:
    # Completed and exited referrals were enrolled first and keep their enrollment date.
    return Referral.objects.filter(
        _case_scope("case__", center_ids, counselor_ids),
        status__in=ENROLLED_STATUSES,
        enrolled_on__range=(start, end),
    )


def enrolled(start, end, center_ids, counselor_ids=None) -> YouthIds:
    return _distinct_youth(_enrollments(start, end, center_ids, counselor_ids))


def returned_to_school(start, end, center_ids, counselor_ids=None) -> YouthIds:
    referrals = _enrollments(start, end, center_ids, counselor_ids).returned_to_school()
    return _distinct_youth(referrals)


def enrolled_in_wioa(start, end, center_ids, counselor_ids=None) -> YouthIds:
    referrals = _enrollments(start, end, center_ids, counselor_ids).enrolled_in_wioa()
    return _distinct_youth(referrals)


@dataclass(frozen=True)
class Figure:
    code: str
    label: Promise
    rule: Promise  # the exact counting rule, shown next to the number
    youth_ids: Callable[..., YouthIds]


# In funnel order; the codes appear in URLs and exports, so they do not change.
FIGURES: dict[str, Figure] = {
    figure.code: figure
    for figure in (
        Figure(
            "reached",
            _("Youth reached"),
            _(
                "Youth with an intake in the period, or a case note of a contact that reached "
                "them (meeting, phone call, home visit, text or email; not an unanswered "
                "attempt) dated in the period, in a case at the centers."
            ),
            reached,
        ),
        Figure(
            "intake",
            _("Intake"),
            _(
                "Youth with a case at the centers whose intake date is in the period. A youth "
                "with two intakes in the period counts once."
            ),
            intake,
        ),
        Figure(
            "assessed",
            _("Assessed"),
            _("Youth with an assessment dated in the period, made in a case at the centers."),
            assessed,
        ),
        Figure(
            "referred",
            _("Referred"),
            _(
                "Youth with a referral sent in the period (the date it was sent, Los Angeles "
                "time), made in a case at the centers. Drafts never sent do not count."
            ),
            referred,
        ),
        Figure(
            "enrolled",
            _("Enrolled in a program"),
            _(
                "Youth with a referral from a case at the centers whose confirmed enrollment "
                "date is in the period, whether still enrolled, completed or exited since. An "
                "enrollment dated after the end of the period does not count."
            ),
            enrolled,
        ),
        Figure(
            "returned_to_school",
            _("Returned to school"),
            _(
                "Youth enrolled in the period, as above, in a high-school completion program "
                "(a return to school)."
            ),
            returned_to_school,
        ),
        Figure(
            "enrolled_in_wioa",
            _("Enrolled in WIOA youth services"),
            _("Youth enrolled in the period, as above, in a WIOA youth program or service."),
            enrolled_in_wioa,
        ),
    )
}
COUNSELOR_RULE = _("When counselors are chosen, only cases now assigned to them count.")
UNDUPLICATED_RULE = _("Each youth counts once in a figure, however many cases or events.")


@dataclass(frozen=True)
class FigureCount:
    figure: Figure
    count: int
    share: float | None  # of youth reached; None when no youth was reached

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)


def funnel(
    start: datetime.date,
    end: datetime.date,
    center_ids: Collection[int],
    counselor_ids: Collection[int] | None = None,
) -> list[FigureCount]:
    """Every figure's count, in one query: each definition's own SQL, counted side by side."""
    parts, params = [], []
    for figure in FIGURES.values():
        youth_ids = figure.youth_ids(start, end, center_ids, counselor_ids)
        try:
            sql, figure_params = youth_ids.query.sql_with_params()
        except EmptyResultSet:  # no center or no counselor chosen: nobody to count
            parts.append("0")
            continue
        # Only Django's compiled SQL and our own codes go into the text; values stay parameters.
        alias = connection.ops.quote_name(figure.code)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {alias})")  # noqa: S608
        params.extend(figure_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    reached_count = counts[0]
    return [
        FigureCount(figure, count, count / reached_count if reached_count else None)
        for figure, count in zip(FIGURES.values(), counts, strict=True)
    ]
