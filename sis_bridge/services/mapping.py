"""Ed-Fi records (already checked against the contract) to our snapshot rows.

Rows are plain tuples in the column order of TERM_COLUMNS, TRANSCRIPT_COLUMNS and
ENROLLMENT_COLUMNS: the nightly sync maps millions of them and loads them with COPY, so no
model instance is made per row. Text is cut to its column's width, as a row the database
refuses would fail its whole block.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import operator
from dataclasses import dataclass, field
from typing import Any

from sis_bridge import credits
from sis_bridge.client import Fetched, SisClient

STUDENT_RESOURCES = (
    "students",
    "studentSchoolAssociations",
    "studentAcademicRecords",
    "courseTranscripts",
)
GRADE_LEVELS = {
    "Ninth grade": 9,
    "Tenth grade": 10,
    "Eleventh grade": 11,
    "Twelfth grade": 12,
    "Grade 13": 12,
}
# CALPADS exit codes for the Ed-Fi exit types a California SIS reports (DESIGN.md section 2).
EXIT_CODES = {
    "Dropout": "E140",
    "Expelled": "E300",
    "Graduated": "E230",
    "Completed": "E230",
    "No show": "N470",
    "Transferred": "T160",
    "Died or is permanently incapacitated": "E130",
    "Withdrawn": "E400",
}
NOT_COUNTED_REPEATS = frozenset({"Repeat NotCounted", "Replaced NotCounted", "Not Counted Other"})
AG_LETTERS = frozenset("abcdefg")  # one letter: "ab" is in "abcdefg" too


# Millions of records name a few dozen descriptors and credit values: what is made of them is
# remembered (bounded, should a SIS send a new string each time).
_remembered = functools.lru_cache(maxsize=4096, typed=True)  # 5 and 5.0 apart: both are sent


@_remembered
def code_value(descriptor: str | None) -> str:
    """`uri://any-namespace/TermDescriptor#Fall Semester` -> `Fall Semester`."""
    return (descriptor or "").rpartition("#")[2]


@_remembered
def _grade(descriptor: str | None) -> int | None:
    return GRADE_LEVELS.get(code_value(descriptor))


_lausd_credits = _remembered(credits.lausd_credits)


# The snapshot tables' columns (all but the primary key), in the order the row tuples hold them.
TERM_COLUMNS = (
    "youth_id",
    "sis_id",
    "school_id",
    "school_year",
    "term",
    "grade_level",
    "attempted_credits",
    "earned_credits",
    "cumulative_earned_credits",
    "credit_type",
    "lausd_credits_earned",
    "gpa",
    "cumulative_gpa",
)
TRANSCRIPT_COLUMNS = (
    "youth_id",
    "sis_id",
    "school_id",
    "school_year",
    "term",
    "grade_level",
    "course_code",
    "title",
    "subject_area",
    "academic_subject",
    "ag_letter",
    "letter_grade",
    "result",
    "attempted_credits",
    "earned_credits",
    "credit_type",
    "credit_conversion",
    "lausd_credits",
    "counted",
    "credit_recovery",
)
ENROLLMENT_COLUMNS = (
    "youth_id",
    "sis_id",
    "school_id",
    "school_name",
    "entry_date",
    "entry_grade",
    "exit_date",
    "exit_descriptor",
    "exit_code",
)


@dataclass(frozen=True, slots=True)
class CourseFacts:
    title: str = ""
    ag: str = ""
    group: str = ""
    recovery: bool = False
    state_code: str = ""


NO_FACTS = CourseFacts()


@dataclass
class Catalogue:
    """Courses and schools, fetched once per run: transcripts name a course, not its A-G area."""

    courses: dict[str, dict[str, Any]] = field(default_factory=dict)
    schools: dict[int, str] = field(default_factory=dict)
    invalid: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.facts = {code: _course_facts(course) for code, course in self.courses.items()}
        self._areas: dict[tuple[str, str], str] = {}
        # A quarantined course's code, when it is one (it may be what broke the contract).
        self._bad_codes = {
            r.raw["courseCode"]
            for r in self.invalid
            if isinstance(r.raw, dict) and isinstance(r.raw.get("courseCode"), str)
        }

    @classmethod
    def fetch(cls, client: SisClient) -> Catalogue:
        courses: Fetched = client.fetch_all("courses")
        schools: Fetched = client.fetch_all("schools")
        return cls(
            courses={c["courseCode"]: c for c in courses.records},
            schools={s["schoolId"]: s["nameOfInstitution"] for s in schools.records},
            invalid=courses.invalid + schools.invalid,
        )

    def unusable_courses(self, transcripts: list[dict[str, Any]]) -> str:
        """The first course code of these transcripts whose catalogue record was quarantined."""
        if not self._bad_codes:
            return ""
        codes = (t["courseReference"]["courseCode"] for t in transcripts)
        return next((code for code in codes if code in self._bad_codes), "")

    def area(self, code: str, subject: str) -> str:
        """The LAUSD requirement area of a course (and the subject its transcript names)."""
        key = (code, subject)
        area = self._areas.get(key)
        if area is None:
            facts = self.facts.get(code, NO_FACTS)
            area = self._areas[key] = credits.requirement_area(
                state_code=facts.state_code,
                requirement_group=facts.group,
                ag_letter=facts.ag,
                subject=subject,
            )
        return area


def _course_facts(course: dict[str, Any]) -> CourseFacts:
    lausd = (course.get("_ext") or {}).get("lausd") or {}
    state_code = next(
        (
            code.get("identificationCode", "")
            for code in course.get("identificationCodes", [])
            if code_value(code.get("courseIdentificationSystemDescriptor")) == "State course code"
        ),
        "",
    )
    ag = lausd.get("agSubjectArea")
    return CourseFacts(
        title=course.get("courseTitle", ""),
        ag=ag if ag in AG_LETTERS else "",
        group=lausd.get("requirementGroup") or "",
        recovery=lausd.get("creditRecovery") is True,
        state_code=state_code,
    )


def transcript_row(youth_id: int, record: dict[str, Any], catalogue: Catalogue) -> tuple:
    """A TRANSCRIPT_COLUMNS row."""
    reference = record["studentAcademicRecordReference"]
    code = record["courseReference"]["courseCode"]
    facts = catalogue.facts.get(code, NO_FACTS)
    subjects = record.get("academicSubjects") or []
    subject = code_value(subjects[0]["academicSubjectDescriptor"]) if subjects else ""
    credit_type = record.get("earnedCreditTypeDescriptor") or ""
    conversion = record.get("earnedCreditConversion")
    earned = record.get("earnedCredits")
    return (
        youth_id,
        record["id"][:32],
        reference["educationOrganizationId"],
        reference["schoolYear"],
        code_value(reference["termDescriptor"])[:60],
        _grade(record.get("whenTakenGradeLevelDescriptor")),
        code[:60],
        (record.get("courseTitle") or facts.title or code)[:60],
        catalogue.area(code, subject),
        subject[:120],
        facts.ag,
        (record.get("finalLetterGradeEarned") or "")[:20],
        code_value(record["courseAttemptResultDescriptor"])[:40],
        record.get("attemptedCredits"),
        earned,
        credit_type[:306],
        conversion,
        _lausd_credits(earned, credit_type, conversion),
        code_value(record.get("courseRepeatCodeDescriptor")) not in NOT_COUNTED_REPEATS,
        code_value(record.get("methodCreditEarnedDescriptor")) == "Credit recovery"
        or facts.recovery,
    )


def term_row(youth_id: int, record: dict[str, Any], grades: dict[tuple, int | None]) -> tuple:
    """A TERM_COLUMNS row."""
    gpas = record.get("gradePointAverages") or []
    cumulative = next((g for g in gpas if g.get("isCumulative") is True), None)
    session = next((g for g in gpas if g.get("isCumulative") is not True), None)
    term = code_value(record["termDescriptor"])[:60]
    year = record["schoolYearTypeReference"]["schoolYear"]
    school_id = record["educationOrganizationReference"]["educationOrganizationId"]
    credit_type = record.get("sessionEarnedCreditTypeDescriptor") or ""
    return (
        youth_id,
        record["id"][:32],
        school_id,
        year,
        term,
        grades.get((school_id, year, term)),
        record.get("sessionAttemptedCredits"),
        record.get("sessionEarnedCredits"),
        record.get("cumulativeEarnedCredits"),
        credit_type[:306],
        _lausd_credits(
            record.get("sessionEarnedCredits"),
            credit_type,
            record.get("sessionEarnedCreditConversion"),
        ),
        session["gradePointAverageValue"] if session else None,
        cumulative["gradePointAverageValue"] if cumulative else None,
    )


def enrollment_row(youth_id: int, record: dict[str, Any], catalogue: Catalogue) -> tuple:
    """An ENROLLMENT_COLUMNS row."""
    school_id = record["schoolReference"]["schoolId"]
    exit_type = code_value(record.get("exitWithdrawTypeDescriptor"))
    exit_date = record.get("exitWithdrawDate")
    return (
        youth_id,
        record["id"][:32],
        school_id,
        catalogue.schools.get(school_id, f"School {school_id}")[:75],
        dt.date.fromisoformat(record["entryDate"]),
        _grade(record.get("entryGradeLevelDescriptor")),
        dt.date.fromisoformat(exit_date) if exit_date else None,
        exit_type[:80],
        EXIT_CODES.get(exit_type, ""),
    )


@dataclass
class Snapshot:
    """A student's rows for the three snapshot tables, as tuples in their *_COLUMNS order."""

    terms: list[tuple]
    courses: list[tuple]
    enrollments: list[tuple]
    special_status: list[str]
    _csv: tuple[str, str, str] | None = field(default=None, repr=False)

    def csv(self) -> tuple[str, str, str]:
        """The terms, courses and enrollments as CSV text: what COPY loads, and what the
        fingerprint hashes. Rows are in SIS id order, so the order records came in does not
        matter."""
        if self._csv is None:
            texts = []
            for rows in (self.terms, self.courses, self.enrollments):
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(sorted(rows, key=_sis_id))
                texts.append(buffer.getvalue())
            self._csv = (texts[0], texts[1], texts[2])
        return self._csv

    def fingerprint(self) -> str:
        """A hash of the rows, so a re-sent but unchanged student is not rewritten. Rows hold
        the youth and what the catalogue and the mapping made of the records, so a change to
        any of these changes it too."""
        text = "\x1e".join((*self.csv(), ",".join(self.special_status)))
        return hashlib.sha256(text.encode()).hexdigest()


_sis_id = operator.itemgetter(1)


def special_status(records: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The AB 167/216 bases the SIS flags on the student (_ext.lausd)."""
    flags = (records["students"][0].get("_ext") or {}).get("lausd") or {}
    return sorted(name for name, value in flags.items() if value is True)


def snapshot(
    youth_id: int, records: dict[str, list[dict[str, Any]]], catalogue: Catalogue
) -> Snapshot:
    courses = [transcript_row(youth_id, r, catalogue) for r in records["courseTranscripts"]]
    # (school_id, school_year, term) -> grade level, from the transcripts of that term.
    grades = {(c[2], c[3], c[4]): c[5] for c in courses}
    terms = [term_row(youth_id, r, grades) for r in records["studentAcademicRecords"]]
    enrollments = [
        enrollment_row(youth_id, r, catalogue) for r in records["studentSchoolAssociations"]
    ]
    return Snapshot(terms, courses, enrollments, special_status(records))
