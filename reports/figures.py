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
from django.db import connection, models
from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reengage.dates import local_day_start
from referrals.models import ENROLLED_STATUSES, WIOA_KINDS, ProgramKind, Referral, ReferralStatus
from sis_bridge.models import AcademicTerm
from youth.choices import CONTACT_KINDS
from youth.models import Assessment, Case, CaseNote, FollowUp

YouthIds = QuerySet  # a `values("youth_id")` queryset of distinct youth ids


def _case_scope(prefix: str, center_ids: Iterable[int], counselor_ids: Iterable[int] | None) -> Q:
    """The rows whose case is at the centers (and, when given, assigned to the counselors)."""
    scope = Q(**{f"{prefix}center_id__in": list(center_ids)})
    if counselor_ids is not None:
        scope &= Q(**{f"{prefix}counselor_id__in": list(counselor_ids)})
    return scope


def _distinct_youth(
    queryset: QuerySet, by_center: bool, center: str = "case__center_id"
) -> YouthIds:
    """The distinct youth ids of the rows or, `by_center`, the distinct (youth id, center id)
    pairs, the center (`at_center`) being that of the case the row belongs to."""
    # order_by() drops the model's default ordering, which would otherwise join the DISTINCT.
    queryset = queryset.order_by()
    if by_center:
        return queryset.values("youth_id", at_center=F(center)).distinct()
    return queryset.values("youth_id").distinct()


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """From the start of `start` to the start of the day after `end`, Los Angeles time."""
    return local_day_start(start), local_day_start(end, days_after=1)


def reached(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    contact = CaseNote.objects.filter(
        case=OuterRef("pk"), kind__in=CONTACT_KINDS, contact_on__range=(start, end)
    )
    cases = Case.objects.filter(_case_scope("", center_ids, counselor_ids)).filter(
        Q(intake_date__range=(start, end)) | Exists(contact)
    )
    return _distinct_youth(cases, by_center, center="center_id")


def intake(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    cases = Case.objects.filter(
        _case_scope("", center_ids, counselor_ids), intake_date__range=(start, end)
    )
    return _distinct_youth(cases, by_center, center="center_id")


def assessed(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    assessments = Assessment.objects.filter(
        _case_scope("case__", center_ids, counselor_ids), assessed_on__range=(start, end)
    )
    return _distinct_youth(assessments, by_center)


def referred(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    first, after = _day_bounds(start, end)
    referrals = Referral.objects.filter(
        _case_scope("case__", center_ids, counselor_ids), sent_at__gte=first, sent_at__lt=after
    )
    return _distinct_youth(referrals, by_center)


def _enrollments(start, end, center_ids, counselor_ids) -> QuerySet[Referral]:
    # Completed and exited referrals were enrolled first and keep their enrollment date.
    return Referral.objects.filter(
        _case_scope("case__", center_ids, counselor_ids),
        status__in=ENROLLED_STATUSES,
        enrolled_on__range=(start, end),
    )


def enrolled(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    return _distinct_youth(_enrollments(start, end, center_ids, counselor_ids), by_center)


def returned_to_school(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    referrals = _enrollments(start, end, center_ids, counselor_ids).returned_to_school()
    return _distinct_youth(referrals, by_center)


def enrolled_in_wioa(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    referrals = _enrollments(start, end, center_ids, counselor_ids).enrolled_in_wioa()
    return _distinct_youth(referrals, by_center)


# Diplomas and equivalents: the counselor records the diploma or equivalent by completing a
# referral to one of these programs.
CREDENTIAL_KINDS = frozenset({ProgramKind.SCHOOL, ProgramKind.EQUIVALENCY})
# A referral that ended: the youth finished the program or left it.
ENDED_STATUSES = frozenset({ReferralStatus.COMPLETED, ReferralStatus.EXITED})
# Ed-Fi term names (sis_bridge): a fall term ends on January 31 and a spring term on June 30 of
# the school year (Ed-Fi school year 2026 is 2025-26).
FALL_TERMS = ("Fall Semester", "First Semester")
SPRING_TERMS = ("Spring Semester", "Second Semester")


class MakeDate(Func):
    function = "make_date"
    output_field = DateField()


def credential_attained(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    first, after = _day_bounds(start, end)
    referrals = Referral.objects.filter(
        _case_scope("case__", center_ids, counselor_ids),
        program__kind__in=CREDENTIAL_KINDS,
        status=ReferralStatus.COMPLETED,
        status_changed_at__gte=first,
        status_changed_at__lt=after,
    )
    return _distinct_youth(referrals, by_center)


def skill_gain_transcript(
    start, end, center_ids, counselor_ids=None, *, by_center=False
) -> YouthIds:
    term_end = models.Case(
        When(term__in=FALL_TERMS, then=MakeDate(F("school_year"), Value(1), Value(31))),
        When(term__in=SPRING_TERMS, then=MakeDate(F("school_year"), Value(6), Value(30))),
        output_field=DateField(),
    )
    terms_with_credits = AcademicTerm.objects.alias(term_end=term_end).filter(
        youth=OuterRef("youth_id"), term_end__range=(start, end), earned_credits__gt=0
    )
    # The participant's WIOA referrals, with a term of earned credits ending in the period.
    participations = Referral.objects.filter(
        _case_scope("case__", center_ids, counselor_ids),
        program__kind__in=WIOA_KINDS,
        status__in=ENROLLED_STATUSES,
        enrolled_on__lte=end,
    ).filter(Exists(terms_with_credits))
    return _distinct_youth(participations, by_center)


def _wioa_ends(start, end, center_ids, counselor_ids) -> QuerySet[Referral]:
    first, after = _day_bounds(start, end)
    return Referral.objects.filter(
        _case_scope("case__", center_ids, counselor_ids),
        program__kind__in=WIOA_KINDS,
        status__in=ENDED_STATUSES,
        status_changed_at__gte=first,
        status_changed_at__lt=after,
    )


def exited(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    return _distinct_youth(_wioa_ends(start, end, center_ids, counselor_ids), by_center)


def follow_up_done(start, end, center_ids, counselor_ids=None, *, by_center=False) -> YouthIds:
    first, after = _day_bounds(start, end)
    wioa_exit = Referral.objects.filter(
        case=OuterRef("case_id"),
        program__kind__in=WIOA_KINDS,
        status__in=ENDED_STATUSES,
        status_changed_at__lte=OuterRef("done_at"),
    )
    follow_ups = FollowUp.objects.filter(
        _case_scope("case__", center_ids, counselor_ids),
        done_at__gte=first,
        done_at__lt=after,
    ).filter(Exists(wioa_exit))
    return _distinct_youth(follow_ups.annotate(youth_id=F("case__youth_id")), by_center)


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
        Figure(
            "credential_attained",
            _("Diplomas and equivalents attained"),
            _(
                "Youth with a referral from a case at the centers to a high-school completion "
                "or high-school equivalency program that was marked completed in the period "
                "(the date of the change, Los Angeles time). The counselor records the diploma "
                "or equivalent by marking such a referral completed."
            ),
            credential_attained,
        ),
        Figure(
            "skill_gain_transcript",
            _("Measurable skill gain: transcript"),
            _(
                "WIOA participants (a referral from a case at the centers to a WIOA youth "
                "program or service with enrollment on or before the end of the period) with a "
                "school term ending in the period in which they earned more than zero credits "
                "(PIRL 1808, secondary transcript). A fall semester ends on January 31 and a "
                "spring semester on June 30 of the school year (school year 2026 is 2025-26)."
            ),
            skill_gain_transcript,
        ),
        Figure(
            "exited",
            _("Exited WIOA youth services"),
            _(
                "Youth with a referral from a case at the centers to a WIOA youth program or "
                "service that was marked completed or exited in the period (the date of the "
                "change, Los Angeles time)."
            ),
            exited,
        ),
        Figure(
            "follow_up_done",
            _("WIOA follow-up contacts"),
            _(
                "Youth with a follow-up on a case at the centers marked done in the period "
                "(Los Angeles date), when that case has a referral to a WIOA youth program or "
                "service that had been marked completed or exited by the time the follow-up "
                "was done."
            ),
            follow_up_done,
        ),
    )
}
# The supervisor pipeline's funnel: the first seven figures, in order.
FUNNEL = (
    "reached",
    "intake",
    "assessed",
    "referred",
    "enrolled",
    "returned_to_school",
    "enrolled_in_wioa",
)
# The WIOA youth outcomes after the funnel, shown in a table of their own by center.
WIOA_OUTCOMES = ("credential_attained", "skill_gain_transcript", "exited", "follow_up_done")
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
    codes: Iterable[str] | None = None,
) -> list[FigureCount]:
    """The figures' counts (every figure, or those of `codes`, which start with "reached"), in
    one query: each definition's own SQL, counted side by side."""
    figures = [FIGURES[code] for code in codes] if codes is not None else list(FIGURES.values())
    parts, params = [], []
    for figure in figures:
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
        for figure, count in zip(figures, counts, strict=True)
    ]
