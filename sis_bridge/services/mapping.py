"""Ed-Fi records (already checked against the contract) to our snapshot rows.

Rows are plain tuples in the column order of TERM_COLUMNS, TRANSCRIPT_COLUMNS and
ENROLLMENT_COLUMNS: the nightly sync maps millions of them and loads them with COPY, so no
model instance is made per row. Text is cut to its column's width, as a row the database
refuses would fail its whole block.

The sync itself goes one step further for transcripts (27 of a student's 33 records): it
writes each record straight to its COPY line (copy_rows), from parts remembered per catalogue,
since the field groups of a line (a term at a school, a course, a result, the repeat and
credit-recovery flags) repeat across millions of records. The line is the one csv_line makes
of transcript_row's tuple: both are built from the same parts, and a test holds them equal.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
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
        self.parts = TranscriptParts()
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


def csv_text(value: Any) -> str:
    """A value as a field of a COPY line (CSV): None empty (NULL, except in text columns,
    which COPY keeps as ''), text quoted when it holds a comma, a quote or a line break (a
    carriage return included, which csv.writer leaves bare on "\n" lines and COPY refuses),
    numbers and booleans as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, str):
        if '"' in value:
            return '"' + value.replace('"', '""') + '"'
        if "," in value or "\n" in value or "\r" in value:
            return '"' + value + '"'
        return value
    return str(value)


def csv_line(row: tuple) -> str:
    return ",".join(map(csv_text, row)) + "\n"


def _part(values: tuple) -> tuple[tuple, str]:
    """Values of some adjacent columns, and their text in a COPY line."""
    return values, ",".join(map(csv_text, values))


@dataclass
class TranscriptParts:
    """The column groups of transcript rows made so far, by what they are made of (values
    and text), for one catalogue: a few thousand distinct ones cover millions of records.
    Emptied when it grows past LIMIT, should a SIS send a new string each time."""

    LIMIT = 50_000
    when: dict[tuple, tuple[tuple, str]] = field(default_factory=dict)
    course: dict[tuple, tuple[tuple, str]] = field(default_factory=dict)
    result: dict[tuple, tuple[tuple, str]] = field(default_factory=dict)
    credit: dict[tuple, tuple[tuple, str]] = field(default_factory=dict)
    flags: dict[tuple, tuple[tuple, str]] = field(default_factory=dict)

    def trim(self) -> None:
        for made in (self.when, self.course, self.result, self.credit, self.flags):
            if len(made) > self.LIMIT:
                made.clear()


def _transcript_parts(record: dict[str, Any], catalogue: Catalogue) -> tuple:
    """(sis id, then the (values, text) of: the term, the course, the result, the credits,
    the flags) of a courseTranscripts record: TRANSCRIPT_COLUMNS after youth_id."""
    parts = catalogue.parts
    reference = record["studentAcademicRecordReference"]
    grade = record.get("whenTakenGradeLevelDescriptor")
    key = (
        reference["educationOrganizationId"],
        reference["schoolYear"],
        reference["termDescriptor"],
        grade,
    )
    when = parts.when.get(key)
    if when is None:
        when = parts.when[key] = _part((key[0], key[1], code_value(key[2])[:60], _grade(grade)))

    code = record["courseReference"]["courseCode"]
    subjects = record.get("academicSubjects")
    subject_descriptor = subjects[0]["academicSubjectDescriptor"] if subjects else ""
    title = record.get("courseTitle")
    key = (code, title, subject_descriptor)
    course = parts.course.get(key)
    if course is None:
        facts = catalogue.facts.get(code, NO_FACTS)
        subject = code_value(subject_descriptor)
        course = parts.course[key] = _part(
            (
                code[:60],
                (title or facts.title or code)[:60],
                catalogue.area(code, subject),
                subject[:120],
                facts.ag,
            )
        )

    key = (record.get("finalLetterGradeEarned"), record["courseAttemptResultDescriptor"])
    result = parts.result.get(key)
    if result is None:
        result = parts.result[key] = _part(((key[0] or "")[:20], code_value(key[1])[:40]))

    attempted = record.get("attemptedCredits")
    earned = record.get("earnedCredits")
    credit_type = record.get("earnedCreditTypeDescriptor")
    conversion = record.get("earnedCreditConversion")
    # 5 and 5.0 are one key, but not one text: the types are part of it.
    key = (
        attempted,
        earned,
        credit_type,
        conversion,
        type(attempted),
        type(earned),
        type(conversion),
    )
    credit = parts.credit.get(key)
    if credit is None:
        credit_type = credit_type or ""
        credit = parts.credit[key] = _part(
            (
                _no_negative_zero(attempted),
                _no_negative_zero(earned),
                credit_type[:306],
                _no_negative_zero(conversion),
                credits.lausd_credits(earned, credit_type, conversion),
            )
        )

    key = (
        record.get("courseRepeatCodeDescriptor"),
        record.get("methodCreditEarnedDescriptor"),
        code,
    )
    flags = parts.flags.get(key)
    if flags is None:
        flags = parts.flags[key] = _part(
            (
                code_value(key[0]) not in NOT_COUNTED_REPEATS,
                code_value(key[1]) == "Credit recovery"
                or catalogue.facts.get(code, NO_FACTS).recovery,
            )
        )
    return record["id"][:32], when, course, result, credit, flags


def _no_negative_zero(number: float | None) -> float | None:
    """-0.0 as 0.0: remembered credits are found by value, and -0.0 == 0.0, so the two must
    have one text, or a student's lines would depend on which was mapped first."""
    return 0.0 if number == 0 and isinstance(number, float) else number


def transcript_row(youth_id: int, record: dict[str, Any], catalogue: Catalogue) -> tuple:
    """A TRANSCRIPT_COLUMNS row."""
    sis_id, when, course, result, credit, flags = _transcript_parts(record, catalogue)
    return (youth_id, sis_id, *when[0], *course[0], *result[0], *credit[0], *flags[0])


def term_row(youth_id: int, record: dict[str, Any], grades: dict[tuple, int | None]) -> tuple:
    """A TERM_COLUMNS row."""
    return (youth_id, *_term_values(record, grades))


def _term_values(record: dict[str, Any], grades: dict[tuple, int | None]) -> tuple:
    """A TERM_COLUMNS row after youth_id."""
    gpas = record.get("gradePointAverages") or []
    cumulative = next((g for g in gpas if g.get("isCumulative") is True), None)
    session = next((g for g in gpas if g.get("isCumulative") is not True), None)
    term = code_value(record["termDescriptor"])[:60]
    year = record["schoolYearTypeReference"]["schoolYear"]
    school_id = record["educationOrganizationReference"]["educationOrganizationId"]
    credit_type = record.get("sessionEarnedCreditTypeDescriptor") or ""
    return (
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
    return (youth_id, *_enrollment_values(record, catalogue))


def _enrollment_values(record: dict[str, Any], catalogue: Catalogue) -> tuple:
    """An ENROLLMENT_COLUMNS row after youth_id."""
    school_id = record["schoolReference"]["schoolId"]
    exit_type = code_value(record.get("exitWithdrawTypeDescriptor"))
    exit_date = record.get("exitWithdrawDate")
    return (
        record["id"][:32],
        school_id,
        catalogue.schools.get(school_id, f"School {school_id}")[:75],
        dt.date.fromisoformat(record["entryDate"]),
        _grade(record.get("entryGradeLevelDescriptor")),
        dt.date.fromisoformat(exit_date) if exit_date else None,
        exit_type[:80],
        EXIT_CODES.get(exit_type, ""),
    )


@dataclass(frozen=True)
class CopyRows:
    """A student's snapshot as COPY text (CSV) of the three tables, rows in SIS id order, so
    the order records came in does not matter: what the sync writes and fingerprints."""

    terms: str
    courses: str
    enrollments: str
    special_status: list[str]

    def texts(self) -> tuple[str, str, str]:
        return self.terms, self.courses, self.enrollments

    def fingerprint(self) -> str:
        """A hash of the rows, so a re-sent but unchanged student is not rewritten. Rows hold
        the youth and what the catalogue and the mapping made of the records, so a change to
        any of these changes it too."""
        text = "\x1e".join((*self.texts(), ",".join(self.special_status)))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Snapshot:
    """A student's rows for the three snapshot tables, as tuples in their *_COLUMNS order."""

    terms: list[tuple]
    courses: list[tuple]
    enrollments: list[tuple]
    special_status: list[str]

    def copy_rows(self) -> CopyRows:
        return CopyRows(
            *(
                "".join(map(csv_line, sorted(rows, key=_second)))
                for rows in (self.terms, self.courses, self.enrollments)
            ),
            special_status=self.special_status,
        )

    def csv(self) -> tuple[str, str, str]:
        return self.copy_rows().texts()

    def fingerprint(self) -> str:
        return self.copy_rows().fingerprint()


# Rows with the youth hold the SIS id second; rows without it, and (sis id, line) pairs, first.
_first, _second = operator.itemgetter(0), operator.itemgetter(1)


def special_status(records: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The AB 167/216 bases the SIS flags on the student (_ext.lausd)."""
    flags = (records["students"][0].get("_ext") or {}).get("lausd") or {}
    return sorted(name for name, value in flags.items() if value is True)


def snapshot(
    youth_id: int, records: dict[str, list[dict[str, Any]]], catalogue: Catalogue
) -> Snapshot:
    catalogue.parts.trim()
    courses = [transcript_row(youth_id, r, catalogue) for r in records["courseTranscripts"]]
    # (school_id, school_year, term) -> grade level, from the transcripts of that term.
    grades = {(c[2], c[3], c[4]): c[5] for c in courses}
    terms = [term_row(youth_id, r, grades) for r in records["studentAcademicRecords"]]
    enrollments = [
        enrollment_row(youth_id, r, catalogue) for r in records["studentSchoolAssociations"]
    ]
    return Snapshot(terms, courses, enrollments, special_status(records))


@dataclass(frozen=True, slots=True)
class StudentRows:
    """A student's COPY lines for the three tables without their first column, the youth's
    id, in SIS id order: the nightly sync maps a block before knowing whose the students are
    now (its background writer reads that, with their consents, while the next block is
    mapped)."""

    terms: list[str]
    courses: list[str]
    enrollments: list[str]
    special_status: list[str]

    def for_youth(self, youth_id: int) -> CopyRows:
        head = f"{youth_id},"
        texts = (
            head + head.join(lines) if lines else ""
            for lines in (self.terms, self.courses, self.enrollments)
        )
        return CopyRows(*texts, special_status=self.special_status)


def student_rows(records: dict[str, list[dict[str, Any]]], catalogue: Catalogue) -> StudentRows:
    """The lines of snapshot(...).copy_rows() without the youth, made without the transcripts'
    tuples (the sync's way)."""
    catalogue.parts.trim()
    courses = []  # (sis id, line)
    grades = {}  # as in snapshot()
    for record in records["courseTranscripts"]:
        sis_id, when, course, result, credit, flags = _transcript_parts(record, catalogue)
        grades[when[0][:3]] = when[0][3]
        sis_text = sis_id if sis_id.isalnum() else csv_text(sis_id)  # ids are hex digits
        line = f"{sis_text},{when[1]},{course[1]},{result[1]},{credit[1]},{flags[1]}\n"
        courses.append((sis_id, line))
    courses.sort(key=_first)
    terms = [_term_values(r, grades) for r in records["studentAcademicRecords"]]
    enrollments = [_enrollment_values(r, catalogue) for r in records["studentSchoolAssociations"]]
    return StudentRows(
        list(map(csv_line, sorted(terms, key=_first))),
        list(map(_second, courses)),
        list(map(csv_line, sorted(enrollments, key=_first))),
        special_status(records),
    )


def copy_rows(
    youth_id: int, records: dict[str, list[dict[str, Any]]], catalogue: Catalogue
) -> CopyRows:
    """snapshot(...).copy_rows(), the sync's way."""
    return student_rows(records, catalogue).for_youth(youth_id)
