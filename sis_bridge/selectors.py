"""Reads of SIS data for pages: the credit summary and the refresh status of one youth."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy

from youth.models import Youth

from . import credits
from .client import (
    SisAuthError,
    SisError,
    SisPartialResponse,
    SisResponseError,
    SisUnavailable,
    failure_class,
)
from .models import AcademicTerm, Enrollment, SisLink, SyncKind, SyncRun, TranscriptCourse

TERM_IS_SPRING = ("Spring Semester", "Second Semester")
# The columns holding credits.CourseCredit's and credits.EnrollmentSpan's fields, in their order.
COURSE_COLUMNS = (
    "subject_area",
    "lausd_credits",
    "ag_letter",
    "letter_grade",
    "counted",
    "credit_recovery",
)
ENROLLMENT_COLUMNS = (
    "school_name",
    "entry_date",
    "entry_grade",
    "exit_date",
    "exit_code",
    "school_id",
)


def credit_summary_for(
    youth: Youth, *, as_of: dt.date | None = None
) -> credits.CreditSummary | None:
    """The youth's credit summary from the last good snapshot, or None before the first one.

    Four queries whatever the transcript's length: link, courses, terms, enrollments. The
    caller checks role and consent and records the view in the access log.
    """
    link = SisLink.objects.filter(youth=youth, last_refreshed_at__isnull=False).first()
    if link is None:
        return None
    return credit_summary_from(youth, link, as_of=as_of)


def credit_summary_from(
    youth: Youth, link: SisLink, *, as_of: dt.date | None = None
) -> credits.CreditSummary:
    """The credit summary of the snapshot of a refreshed link the caller has loaded: three
    queries, reading plain rows (no model instances)."""
    courses = [
        credits.CourseCredit(*row)
        for row in TranscriptCourse.objects.filter(youth=youth).values_list(*COURSE_COLUMNS)
    ]
    terms = [
        credits.TermRecord(school_year, term in TERM_IS_SPRING, grade_level)
        for school_year, term, grade_level in AcademicTerm.objects.filter(youth=youth).values_list(
            "school_year", "term", "grade_level"
        )
    ]
    enrollments = [
        credits.EnrollmentSpan(*row)
        for row in Enrollment.objects.filter(youth=youth).values_list(*ENROLLMENT_COLUMNS)
    ]
    student = credits.StudentRecord(
        birth_date=youth.birth_date,
        courses=courses,
        terms=terms,
        enrollments=enrollments,
        special_status=frozenset(link.special_status),
    )
    return credits.credit_summary(student, as_of=as_of or timezone.localdate())


# What a failed pull means to a counselor, by the client's error class: the stored error
# (client.failure_text: "SisUnavailable: HTTP 503 after 4 attempts") is technical and
# English, for the help desk.
FAILURE_REASONS = {
    SisUnavailable: gettext_lazy("the district system did not answer"),
    SisAuthError: gettext_lazy("the district system refused our sign-in"),
    SisPartialResponse: gettext_lazy("the district system sent an incomplete answer"),
    SisResponseError: gettext_lazy("the district system sent an answer we could not read"),
    SisError: gettext_lazy("the district system could not be reached"),
}


@dataclass(frozen=True, slots=True)
class SisStatus:
    linked: bool
    last_refreshed_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_error: str
    pull_running: bool
    last_run: SyncRun | None
    link: SisLink | None

    @property
    def last_attempt_failed(self) -> bool:
        return bool(self.last_error)

    @property
    def failure_reason(self) -> str:
        """Why the last pull failed, in the reader's language when the SIS failed; our own
        reasons (a birth date that differs, a record that broke the contract) were translated
        when they were stored."""
        reason = FAILURE_REASONS.get(failure_class(self.last_error))
        return str(reason) if reason is not None else self.last_error

    @property
    def failure_detail(self) -> str:
        """The stored error, when failure_reason put it in other words."""
        return self.last_error if self.failure_reason != self.last_error else ""


def sis_status_for(youth: Youth) -> SisStatus:
    """Whether the youth is linked, when the snapshot was refreshed and whether a pull runs.

    Two queries: the link and the latest on-demand run.
    """
    link = SisLink.objects.filter(youth=youth).first()
    run = SyncRun.objects.filter(kind=SyncKind.STUDENT, youth=youth).order_by("-started_at").first()
    return SisStatus(
        linked=link is not None,
        last_refreshed_at=link.last_refreshed_at if link else None,
        last_attempt_at=link.last_attempt_at if link else None,
        last_error=link.last_error if link else "",
        pull_running=run is not None and run.status == "running",
        last_run=run,
        link=link,
    )
