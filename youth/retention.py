"""Archiving the records of youth served long ago (the retention rule).

A youth whose every case closed more than `settings.RETENTION_YEARS` years ago, and who has no
open case, is archived: their personal fields, contact details, free texts and district
records are removed, while every row the reports count stays (cases, referrals and their
status changes, assessments, skills scores, consents as dates), so a grant report on any past
period gives the same numbers after archiving as before.

What is kept of a person is what the reports derive from: sex, ethnicity, race, barriers,
school status, highest grade and, instead of the date of birth, the earliest date of birth that
gives the same age on every dated event of theirs (intakes, assessments, enrollments): the
"age at entry" of the reports and the PIRL extract, and nothing finer.

The same is done to the copies of those fields in the history tables (django-pghistory), which
are append-only for everyone else: this module is the one place allowed past that trigger. The
access log is not touched: it holds ids, never personal data. Nothing is deleted except the
district snapshot (SIS link, transcript courses, school enrollments), which the SIS still holds;
per-term credits stay, reduced to what the transcript skill-gain figure counts.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pghistory
import pghistory.models
import pgtrigger
from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from referrals.models import Referral, ReferralEvent

from .choices import CaseStatus
from .eligibility import age_on
from .merges import merged_record_ids
from .models import Assessment, Case, CaseNote, Consent, FollowUp, Transfer, Youth, YouthMerge

logger = logging.getLogger(__name__)

ARCHIVED_TEXT = "[archived]"

# The personal fields of a youth's record and the value each takes once archived; birth_date
# is generalised separately (see generalised_birth_date).
YOUTH_CLEARED = {
    "legal_first_name": "",
    "legal_middle_name": "",
    "legal_last_name": "",
    "preferred_name": "",
    "gender_identity": "",
    "phone": "",
    "email": "",
    "street_address": "",
    "city": "",
    "zip_code": "",
    "lausd_id": None,
    "last_school_attended": "",
    "search_first": "",
    "search_last": "",
}


def _text_replaced(field: str) -> models.Case:
    """A free text becomes ARCHIVED_TEXT; a blank one stays blank (nothing was written)."""
    return models.Case(When(**{field: ""}, then=Value("")), default=Value(ARCHIVED_TEXT))


@dataclass(frozen=True)
class Scrub:
    """A youth-linked model, how its rows are found from youth ids, and what its free texts
    become. Applied to the live rows and to every history event of them."""

    model: type[models.Model]
    youth_path: str  # the lookup from the model to the youth's id
    texts: tuple[str, ...] = ()
    values: tuple[tuple[str, object], ...] = ()

    def rows(self, youth_ids: list[int]) -> QuerySet:
        return self.model.objects.filter(**{f"{self.youth_path}__in": youth_ids})

    def changes(self) -> dict:
        return {
            **{field: _text_replaced(field) for field in self.texts},
            **dict(self.values),
        }


SCRUBS = (
    Scrub(Case, "youth_id", texts=("closed_note",)),
    Scrub(CaseNote, "case__youth_id", texts=("body",)),
    Scrub(FollowUp, "case__youth_id", texts=("description",)),
    Scrub(Transfer, "case__youth_id", texts=("reason", "decision_note")),
    # A consent is kept as its dates, who signed (by role) and what it covers.
    Scrub(Consent, "youth_id", texts=("signer_name", "withdrawn_note")),
    Scrub(
        Assessment,
        "youth_id",
        texts=("goals", "pathway_reasoning"),
        # The credit snapshot is an education record; the plan is free text per area.
        values=(("academic_plan", []), ("credit_snapshot", None)),
    ),
    Scrub(Referral, "youth_id", texts=("notes", "status_reason", "fit_override_reason")),
    Scrub(ReferralEvent, "referral__youth_id", texts=("reason",)),
)


@cache
def _event_models() -> dict[type[models.Model], list[type[models.Model]]]:
    """Each tracked model's history (event) models."""
    found: dict = {}
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and not model._meta.abstract:
            found.setdefault(model.pgh_tracked_model, []).append(model)
    return found


def _append_only_triggers() -> list[str]:
    """The append-only triggers the archive passes: every history table's and the referral
    status changes'. Never the access log's."""
    events = [model for models_ in _event_models().values() for model in models_]
    return [f"{model._meta.label}:append_only" for model in [*events, ReferralEvent]]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def generalised_birth_date(birth_date: datetime.date, event_days: Iterable[datetime.date]):
    """The earliest date of birth giving the same age as `birth_date` on every one of the
    event days: the stored date then says only how old the youth was at each event. Without
    events, 1 January of the birth year."""
    days = sorted(set(event_days))
    if not days:
        return datetime.date(birth_date.year, 1, 1)

    def same_ages(ordinal: int) -> bool:
        candidate = datetime.date.fromordinal(ordinal)
        return all(age_on(candidate, day) == age_on(birth_date, day) for day in days)

    # Moving the birth date earlier can only raise an age, so the dates that keep every age
    # form one run ending at the true date, at most a year long: bisect for its start, with
    # `low` always outside the run and `high` inside it.
    low, high = birth_date.toordinal() - 367, birth_date.toordinal()
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if same_ages(middle) else (middle, high)
    return datetime.date.fromordinal(high)


def youth_due_for_archiving(*, years: int, today: datetime.date | None = None) -> QuerySet[Youth]:
    """Active records with at least one case, none open, and every case closed before the
    cutoff (`years` before today)."""
    cutoff = _years_before(today or timezone.localdate(), years)
    cases = Case.objects.filter(youth=OuterRef("pk"))
    return (
        Youth.objects.active()
        .filter(Exists(cases))
        .exclude(Exists(cases.filter(status=CaseStatus.OPEN)))
        .exclude(Exists(cases.filter(closed_on__gte=cutoff)))
        .order_by("pk")
    )


def _event_days(youth_pk: int) -> list[datetime.date]:
    """The days the reports compute an age on: intakes, assessments and enrollments."""
    days = list(Case.objects.filter(youth_id=youth_pk).values_list("intake_date", flat=True))
    days += Assessment.objects.filter(youth_id=youth_pk).values_list("assessed_on", flat=True)
    days += Referral.objects.filter(youth_id=youth_pk, enrolled_on__isnull=False).values_list(
        "enrolled_on", flat=True
    )
    return days


def _scrub_with_history(model, rows: QuerySet, changes: dict, **live_only) -> None:
    """Apply the changes to the rows (with `live_only` changes), then to every history event
    of them. pghistory records the rows' update itself with the archived values only."""
    row_ids = list(rows.values_list("pk", flat=True))
    if not row_ids:
        return
    model.objects.filter(pk__in=row_ids).update(**changes, **live_only)
    for event_model in _event_models().get(model, []):
        event_model.objects.filter(pgh_obj_id__in=row_ids).update(**changes)


def _remove_district_records(youth_ids: list[int]) -> None:
    from sis_bridge.models import (
        AcademicTerm,
        Enrollment,
        QuarantinedRecord,
        SisLink,
        SyncRun,
        TranscriptCourse,
    )

    # The link goes first, so no sync pulls the records back.
    for model in (SisLink, TranscriptCourse, Enrollment):
        model.objects.filter(youth_id__in=youth_ids).delete()
    # Per-term earned credits stay for the transcript skill-gain figure (PIRL 1808).
    AcademicTerm.objects.filter(youth_id__in=youth_ids).update(
        sis_id="",
        school_id=0,
        grade_level=None,
        attempted_credits=None,
        cumulative_earned_credits=None,
        credit_type="",
        lausd_credits_earned=0,
        gpa=None,
        cumulative_gpa=None,
    )
    QuarantinedRecord.objects.filter(youth_id__in=youth_ids).update(raw={}, record_id="")
    # A pull's error may quote a record's id (the student's LAUSD ID).
    SyncRun.objects.filter(youth_id__in=youth_ids).update(error=_text_replaced("error"))


@transaction.atomic
def youth_archive(*, youth: Youth, years: int) -> list[int]:
    """Archive the youth and the records merged into them; return the ids archived (none when
    the youth no longer qualifies, e.g. a case was opened since it was selected).

    Side effects: one access log entry per archived record (action "changed", no user).
    """
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if not youth_due_for_archiving(years=years).filter(pk=youth.pk).exists():
        return []
    youth_ids = [youth.pk, *merged_record_ids(youth.pk)]
    with (
        pghistory.context(retention="archive_closed_cases"),
        pgtrigger.ignore(*_append_only_triggers()),
    ):
        for record in Youth.objects.filter(pk__in=youth_ids):
            birth_date = generalised_birth_date(record.birth_date, _event_days(record.pk))
            _scrub_with_history(
                Youth,
                Youth.objects.filter(pk=record.pk),
                {**YOUTH_CLEARED, "birth_date": birth_date},
                archived_at=timezone.now(),
                version=F("version") + 1,
            )
        for scrub in SCRUBS:
            _scrub_with_history(scrub.model, scrub.rows(youth_ids), scrub.changes())
        merges = YouthMerge.objects.filter(
            Q(survivor_id__in=youth_ids) | Q(merged_id__in=youth_ids)
        )
        # What a merge filled in holds profile values: only the names of the fields stay.
        _scrub_with_history(
            YouthMerge,
            merges,
            {
                "reason": _text_replaced("reason"),
                "moved": RawSQL("jsonb_set(moved, '{filled}', '{}'::jsonb)", []),
            },
        )
        _remove_district_records(youth_ids)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            youth_id=pk,
            action=Action.CHANGED,
            detail={"archived": True, "retention_years": years},
        )
        for pk in youth_ids
    )
    return youth_ids


@dataclass
class ArchiveRun:
    youth: int = 0  # records archived because their cases closed long ago
    merged: int = 0  # records merged into those, archived with them
    skipped: int = 0  # selected, but no longer due when their turn came

    def summary(self, *, years: int, dry_run: bool) -> str:
        verb = "would archive" if dry_run else "archived"
        return (
            f"archive_closed_cases: {verb} {self.youth} youth record(s) and {self.merged} "
            f"merged record(s) with every case closed more than {years} year(s) ago; "
            f"{self.skipped} skipped"
        )


def archive_closed_cases(*, years: int, dry_run: bool = False) -> ArchiveRun:
    """Archive every youth due; each in its own transaction, so an interruption leaves the
    ones done archived and the rest for the next run. Logs counts only."""
    run = ArchiveRun()
    due = list(youth_due_for_archiving(years=years).values_list("pk", flat=True))
    if dry_run:
        run.youth = len(due)
        run.merged = sum(len(merged_record_ids(pk)) for pk in due)
    else:
        for pk in due:
            archived = youth_archive(youth=Youth(pk=pk), years=years)
            if archived:
                run.youth += 1
                run.merged += len(archived) - 1
            else:
                run.skipped += 1
    logger.info(run.summary(years=years, dry_run=dry_run))
    return run
