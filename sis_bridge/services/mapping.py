"""Ed-Fi records (already checked against the contract) to our snapshot rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sis_bridge import credits
from sis_bridge.client import Fetched, SisClient
from sis_bridge.models import AcademicTerm, Enrollment, TranscriptCourse

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


def code_value(descriptor: str | None) -> str:
    """`uri://any-namespace/TermDescriptor#Fall Semester` -> `Fall Semester`."""
    return (descriptor or "").rpartition("#")[2]


def _grade(descriptor: str | None) -> int | None:
    return GRADE_LEVELS.get(code_value(descriptor))


@dataclass
class Catalogue:
    """Courses and schools, fetched once per run: transcripts name a course, not its A-G area."""

    courses: dict[str, dict[str, Any]] = field(default_factory=dict)
    schools: dict[int, str] = field(default_factory=dict)
    invalid: list = field(default_factory=list)

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
        bad = {r.raw.get("courseCode") for r in self.invalid if isinstance(r.raw, dict)} - {None}
        codes = (t["courseReference"]["courseCode"] for t in transcripts)
        return next((code for code in codes if code in bad), "")


def _course_facts(course: dict[str, Any] | None) -> dict[str, Any]:
    if course is None:
        return {}
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
    return {
        "title": course.get("courseTitle", ""),
        "ag": ag if isinstance(ag, str) and ag in "abcdefg" else "",
        "group": lausd.get("requirementGroup") or "",
        "recovery": lausd.get("creditRecovery") is True,
        "state_code": state_code,
    }


def transcript_row(youth_id: int, record: dict[str, Any], catalogue: Catalogue) -> TranscriptCourse:
    reference = record["studentAcademicRecordReference"]
    code = record["courseReference"]["courseCode"]
    facts = _course_facts(catalogue.courses.get(code))
    subjects = record.get("academicSubjects") or []
    subject = code_value(subjects[0]["academicSubjectDescriptor"]) if subjects else ""
    ag = facts.get("ag", "")
    credit_type = record.get("earnedCreditTypeDescriptor") or ""
    conversion = record.get("earnedCreditConversion")
    method = code_value(record.get("methodCreditEarnedDescriptor"))
    return TranscriptCourse(
        youth_id=youth_id,
        sis_id=record["id"],
        school_id=reference["educationOrganizationId"],
        school_year=reference["schoolYear"],
        term=code_value(reference["termDescriptor"]),
        grade_level=_grade(record.get("whenTakenGradeLevelDescriptor")),
        course_code=code,
        title=(record.get("courseTitle") or facts.get("title") or code)[:60],
        subject_area=credits.requirement_area(
            state_code=facts.get("state_code", ""),
            requirement_group=facts.get("group", ""),
            ag_letter=ag,
            subject=subject,
        ),
        academic_subject=subject[:120],
        ag_letter=ag,
        letter_grade=(record.get("finalLetterGradeEarned") or "")[:20],
        result=code_value(record["courseAttemptResultDescriptor"])[:40],
        attempted_credits=record.get("attemptedCredits"),
        earned_credits=record.get("earnedCredits"),
        credit_type=credit_type,
        credit_conversion=conversion,
        lausd_credits=credits.lausd_credits(record.get("earnedCredits"), credit_type, conversion),
        counted=code_value(record.get("courseRepeatCodeDescriptor")) not in NOT_COUNTED_REPEATS,
        credit_recovery=method == "Credit recovery" or facts.get("recovery", False),
    )


def term_row(
    youth_id: int, record: dict[str, Any], grades: dict[tuple, int | None]
) -> AcademicTerm:
    gpas = record.get("gradePointAverages") or []
    cumulative = next((g for g in gpas if g.get("isCumulative") is True), None)
    session = next((g for g in gpas if g.get("isCumulative") is not True), None)
    term = code_value(record["termDescriptor"])
    year = record["schoolYearTypeReference"]["schoolYear"]
    school_id = record["educationOrganizationReference"]["educationOrganizationId"]
    credit_type = record.get("sessionEarnedCreditTypeDescriptor") or ""
    return AcademicTerm(
        youth_id=youth_id,
        sis_id=record["id"],
        school_id=school_id,
        school_year=year,
        term=term,
        grade_level=grades.get((school_id, year, term)),
        attempted_credits=record.get("sessionAttemptedCredits"),
        earned_credits=record.get("sessionEarnedCredits"),
        cumulative_earned_credits=record.get("cumulativeEarnedCredits"),
        credit_type=credit_type,
        lausd_credits_earned=credits.lausd_credits(
            record.get("sessionEarnedCredits"),
            credit_type,
            record.get("sessionEarnedCreditConversion"),
        ),
        gpa=session["gradePointAverageValue"] if session else None,
        cumulative_gpa=cumulative["gradePointAverageValue"] if cumulative else None,
    )


def enrollment_row(youth_id: int, record: dict[str, Any], catalogue: Catalogue) -> Enrollment:
    school_id = record["schoolReference"]["schoolId"]
    exit_type = code_value(record.get("exitWithdrawTypeDescriptor"))
    exit_date = record.get("exitWithdrawDate")
    return Enrollment(
        youth_id=youth_id,
        sis_id=record["id"],
        school_id=school_id,
        school_name=catalogue.schools.get(school_id, f"School {school_id}")[:75],
        entry_date=dt.date.fromisoformat(record["entryDate"]),
        entry_grade=_grade(record.get("entryGradeLevelDescriptor")),
        exit_date=dt.date.fromisoformat(exit_date) if exit_date else None,
        exit_descriptor=exit_type[:80],
        exit_code=EXIT_CODES.get(exit_type, ""),
    )


@dataclass
class Snapshot:
    terms: list[AcademicTerm]
    courses: list[TranscriptCourse]
    enrollments: list[Enrollment]
    special_status: list[str]

    def fingerprint(self) -> str:
        """A hash of the content, so a re-sent but unchanged student is not rewritten."""
        skip = {"_state", "id"}
        rows = [
            [{k: str(v) for k, v in vars(row).items() if k not in skip} for row in group]
            for group in (self.terms, self.courses, self.enrollments)
        ]
        text = json.dumps([rows, sorted(self.special_status)], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def snapshot(
    youth_id: int, records: dict[str, list[dict[str, Any]]], catalogue: Catalogue
) -> Snapshot:
    courses = [transcript_row(youth_id, r, catalogue) for r in records["courseTranscripts"]]
    grades = {(c.school_id, c.school_year, c.term): c.grade_level for c in courses}
    terms = [term_row(youth_id, r, grades) for r in records["studentAcademicRecords"]]
    enrollments = [
        enrollment_row(youth_id, r, catalogue) for r in records["studentSchoolAssociations"]
    ]
    flags = (records["students"][0].get("_ext") or {}).get("lausd") or {}
    special = sorted(name for name, value in flags.items() if value is True)
    return Snapshot(
        sorted(terms, key=lambda t: (t.school_year, t.term, t.sis_id)),
        sorted(courses, key=lambda c: (c.school_year, c.term, c.course_code, c.sis_id)),
        sorted(enrollments, key=lambda e: (e.entry_date, e.sis_id)),
        special,
    )
