"""The COPY text of a student's snapshot as the mapping made it before it remembered parts
(sessions up to 2026-11-23): each transcript mapped on its own, nothing remembered, written by
the csv module. The tests hold the sync's lines to it, so a remembered part that two records
share wrongly, or a part that depends on something outside its key, shows.

Two differences are intended and made here too: a carriage return is quoted (csv.writer left it
bare on "\\n" lines, which COPY refuses), and a negative zero credit is written as 0.0.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sis_bridge import credits
from sis_bridge.services.mapping import (
    GRADE_LEVELS,
    NO_FACTS,
    NOT_COUNTED_REPEATS,
    Catalogue,
    enrollment_row,
    special_status,
    term_row,
)


def _code(descriptor: str | None) -> str:
    return (descriptor or "").rpartition("#")[2]


def _zero(number):
    return 0.0 if number == 0 and isinstance(number, float) else number


def transcript_row(youth_id: int, record: dict[str, Any], catalogue: Catalogue) -> tuple:
    reference = record["studentAcademicRecordReference"]
    code = record["courseReference"]["courseCode"]
    facts = catalogue.facts.get(code, NO_FACTS)
    subjects = record.get("academicSubjects") or []
    subject = _code(subjects[0]["academicSubjectDescriptor"]) if subjects else ""
    credit_type = record.get("earnedCreditTypeDescriptor") or ""
    conversion = record.get("earnedCreditConversion")
    earned = record.get("earnedCredits")
    area = credits.requirement_area(
        state_code=facts.state_code,
        requirement_group=facts.group,
        ag_letter=facts.ag,
        subject=subject,
    )
    return (
        youth_id,
        record["id"][:32],
        reference["educationOrganizationId"],
        reference["schoolYear"],
        _code(reference["termDescriptor"])[:60],
        GRADE_LEVELS.get(_code(record.get("whenTakenGradeLevelDescriptor"))),
        code[:60],
        (record.get("courseTitle") or facts.title or code)[:60],
        area,
        subject[:120],
        facts.ag,
        (record.get("finalLetterGradeEarned") or "")[:20],
        _code(record["courseAttemptResultDescriptor"])[:40],
        _zero(record.get("attemptedCredits")),
        _zero(earned),
        credit_type[:306],
        _zero(conversion),
        credits.lausd_credits(earned, credit_type, conversion),
        _code(record.get("courseRepeatCodeDescriptor")) not in NOT_COUNTED_REPEATS,
        _code(record.get("methodCreditEarnedDescriptor")) == "Credit recovery" or facts.recovery,
    )


def _text(rows: list[tuple]) -> str:
    lines = []
    for row in sorted(rows, key=lambda r: r[1]):
        buffer = io.StringIO()
        # "\r\n" as the terminator makes csv quote a carriage return; each line then ends "\n".
        csv.writer(buffer, lineterminator="\r\n").writerow(row)
        lines.append(buffer.getvalue()[:-2] + "\n")
    return "".join(lines)


def copy_texts(
    youth_id: int, records: dict[str, list[dict[str, Any]]], catalogue: Catalogue
) -> tuple[tuple[str, str, str], list[str]]:
    """(terms, courses, enrollments) COPY text and the special status, the old way."""
    courses = [transcript_row(youth_id, r, catalogue) for r in records["courseTranscripts"]]
    grades = {(c[2], c[3], c[4]): c[5] for c in courses}
    terms = [term_row(youth_id, r, grades) for r in records["studentAcademicRecords"]]
    enrollments = [
        enrollment_row(youth_id, r, catalogue) for r in records["studentSchoolAssociations"]
    ]
    return (_text(terms), _text(courses), _text(enrollments)), special_status(records)
