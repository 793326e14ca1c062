"""The fixed part of the mock district: descriptors, high schools and the course catalogue.

Everything here is the same for every seed and is built once per process.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

# LAUSD's county-district code (19-64733), used as its Ed-Fi LocalEducationAgencyId.
LEA_ID = 1964733
LEA_NAME = "Los Angeles Unified School District"

# A semester course earns 5 LAUSD credits; Ed-Fi carries the number with a credit type and a
# conversion factor to Carnegie units (one year course = 10 credits = 1 Carnegie unit).
CREDITS_PER_SEMESTER_COURSE = 5.0
CREDIT_CONVERSION = 0.1


def descriptor(name: str, code_value: str) -> str:
    return f"uri://ed-fi.org/{name}#{code_value}"


CREDIT_TYPE = descriptor("CreditTypeDescriptor", "Semester hour credit")
FALL = descriptor("TermDescriptor", "Fall Semester")
SPRING = descriptor("TermDescriptor", "Spring Semester")
RESULT_PASS = descriptor("CourseAttemptResultDescriptor", "Pass")
RESULT_FAIL = descriptor("CourseAttemptResultDescriptor", "Fail")
RESULT_INCOMPLETE = descriptor("CourseAttemptResultDescriptor", "Incomplete")
RESULT_WITHDRAWN = descriptor("CourseAttemptResultDescriptor", "Withdrawn")
METHOD_CLASSROOM = descriptor("MethodCreditEarnedDescriptor", "Classroom credit")
METHOD_CREDIT_RECOVERY = descriptor("MethodCreditEarnedDescriptor", "Credit recovery")
REPEAT_REPLACEMENT = descriptor("CourseRepeatCodeDescriptor", "Replacement Counted")
CATEGORY_COLLEGE_PREP = descriptor("CreditCategoryDescriptor", "College Preparatory")
CATEGORY_REMEDIAL = descriptor("CreditCategoryDescriptor", "Remedial")
GPA_UNWEIGHTED = descriptor("GradePointAverageTypeDescriptor", "Unweighted")
SEX = {"Female": descriptor("SexDescriptor", "Female"), "Male": descriptor("SexDescriptor", "Male")}
GRADE_LEVEL = {
    9: descriptor("GradeLevelDescriptor", "Ninth grade"),
    10: descriptor("GradeLevelDescriptor", "Tenth grade"),
    11: descriptor("GradeLevelDescriptor", "Eleventh grade"),
    12: descriptor("GradeLevelDescriptor", "Twelfth grade"),
}
ENTRY_NEXT_YEAR_SCHOOL = descriptor("EntryTypeDescriptor", "Next year school")
ENTRY_TRANSFER = descriptor("EntryTypeDescriptor", "Transfer")
ENTRY_NEW = descriptor("EntryTypeDescriptor", "New to education system")

# Ed-Fi exit/withdraw types and the CALPADS exit codes a California SIS would report for them:
#   Dropout     <- E140 (no known enrollment after truancy intervention; the dropout code)
#   No show     <- N470 (enrolled, never attended)
#   Transferred <- T160 (transferred to another California public school)
#   Expelled    <- E300 (expelled, no known enrollment)
#   Withdrawn   <- E400 (other or unknown non-completer)
#   Graduated   <- E230 (completer, never emitted: no generated student has a diploma)
EXIT_DROPOUT = descriptor("ExitWithdrawTypeDescriptor", "Dropout")
EXIT_NO_SHOW = descriptor("ExitWithdrawTypeDescriptor", "No show")
EXIT_TRANSFERRED = descriptor("ExitWithdrawTypeDescriptor", "Transferred")
EXIT_EXPELLED = descriptor("ExitWithdrawTypeDescriptor", "Expelled")
EXIT_WITHDRAWN = descriptor("ExitWithdrawTypeDescriptor", "Withdrawn")

SUBJECT_BY_CONTENT_AREA = {
    "English": "English Language Arts",
    "Mathematics": "Mathematics",
    "Science": "Life and Physical Sciences",
    "History-Social Science": "Social Sciences and History",
    "World Languages": "Foreign Language and Literature",
    "Art": "Fine and Performing Arts",
    "Drama/Theatre": "Fine and Performing Arts",
    "Music": "Fine and Performing Arts",
    "Physical Education": "Physical, Health, and Safety Education",
    "Health Education": "Physical, Health, and Safety Education",
    "Computer Education": "Career and Technical Education",
    "Interdisciplinary Content": "Other",
}


@dataclass(frozen=True, slots=True)
class School:
    school_id: int
    name: str
    short_name: str
    continuation: bool = False


# Comprehensive LAUSD high schools near the YouthSource centers, plus one continuation school.
# The ids are made up (six digits), not LAUSD location codes.
SCHOOLS: tuple[School, ...] = (
    School(884001, "Theodore Roosevelt Senior High School", "Roosevelt HS"),
    School(873601, "Abraham Lincoln Senior High School", "Lincoln HS"),
    School(877501, "Manual Arts Senior High School", "Manual Arts HS"),
    School(865001, "John C. Fremont Senior High School", "Fremont HS"),
    School(871401, "Thomas Jefferson Senior High School", "Jefferson HS"),
    School(860001, "Crenshaw Senior High School", "Crenshaw HS"),
    School(862701, "Susan Miller Dorsey Senior High School", "Dorsey HS"),
    School(871901, "David Starr Jordan Senior High School", "Jordan HS"),
    School(857101, "Belmont Senior High School", "Belmont HS"),
    School(855701, "Phineas Banning Senior High School", "Banning HS"),
    School(889601, "San Pedro Senior High School", "San Pedro HS"),
    School(888401, "San Fernando Senior High School", "San Fernando HS"),
    School(884701, "John H. Francis Polytechnic Senior High School", "Polytechnic HS"),
    School(859001, "Canoga Park Senior High School", "Canoga Park HS"),
    School(856301, "Boyle Heights Continuation High School", "Boyle Heights CHS", True),
)
COMPREHENSIVE_SCHOOL_IDS = tuple(s.school_id for s in SCHOOLS if not s.continuation)
CONTINUATION_SCHOOL_ID = next(s.school_id for s in SCHOOLS if s.continuation)
SCHOOL_IDS = frozenset(s.school_id for s in SCHOOLS)


@dataclass(frozen=True, slots=True)
class Course:
    ordinal: int
    code: str
    title: str
    transcript_title: str
    state_code: str
    state_name: str
    subject: str
    ag: str | None
    requirement_group: str
    grades: tuple[int, ...]
    credit_recovery: bool

    @property
    def college_prep(self) -> bool:
        return self.ag is not None


def _grades(typical: str) -> tuple[int, ...]:
    numbers = [int(n) for n in re.findall(r"\d+", typical)]
    return tuple(range(numbers[0], numbers[-1] + 1))


def _semester_titles(local_title: str, semesters: int) -> list[str]:
    title = re.sub(r"\s*\([^)]*\)", "", local_title).strip()
    if semesters == 1:
        return [title]
    first, second = (part.strip() for part in title.split(" / "))
    first_words = first.split()
    # "Integrated Math 1A / 1B": the second half only repeats the part that changes.
    if len(second.split()) < len(first_words):
        second = " ".join([*first_words[: -len(second.split())], second])
    return [first, second]


def _may_be_recovered(title: str, ag: str | None, group: str) -> bool:
    if title.startswith(("AP ", "Honors")):
        return False
    return ag in {"a", "b", "c", "d"} or group.startswith(("Health", "Social science"))


@functools.cache
def courses() -> tuple[Course, ...]:
    """Every semester course of the catalogue, with its credit-recovery twin where one exists."""
    with (DATA_DIR / "ca_state_course_codes.csv").open(encoding="utf-8") as f:
        state_codes = {row["code"]: row for row in csv.DictReader(f)}
    built: list[Course] = []
    with (DATA_DIR / "lausd_style_course_seed.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            state_code = re.match(r"\d{4}", row["state_code"]).group(0)
            state = state_codes[state_code]
            ag_match = re.match(r"[a-g]\b", row["ag_letter"])
            ag = ag_match.group(0) if ag_match else None
            semesters = int(row["semesters"])
            for part, title in zip(
                "AB", _semester_titles(row["local_title"], semesters), strict=False
            ):
                code = f"{state_code}{part if semesters == 2 else 'S'}"
                variants = [(code, title, False)]
                if _may_be_recovered(title, ag, row["lausd_bucket"]):
                    variants.append((f"{code}-CR", f"{title} CR", True))
                for course_code, course_title, recovery in variants:
                    built.append(
                        Course(
                            ordinal=len(built),
                            code=course_code,
                            title=course_title,
                            transcript_title=course_title.upper(),
                            state_code=state_code,
                            state_name=state["name"],
                            subject=descriptor(
                                "AcademicSubjectDescriptor",
                                SUBJECT_BY_CONTENT_AREA[state["content_area"]],
                            ),
                            ag=ag,
                            requirement_group=row["lausd_bucket"],
                            grades=_grades(row["typical_grade"]),
                            credit_recovery=recovery,
                        )
                    )
    return tuple(built)


@functools.cache
def course_by_code() -> dict[str, Course]:
    return {c.code: c for c in courses()}


@functools.cache
def recovery_twins() -> dict[str, Course]:
    """Regular course code -> its credit-recovery section."""
    by_code = course_by_code()
    return {c.code.removesuffix("-CR"): c for c in by_code.values() if c.credit_recovery}


def _pair(state_code: str) -> tuple[str, str]:
    return (f"{state_code}A", f"{state_code}B")


# What a student takes each year: one entry per period, each a list of (fall, spring) course
# alternatives; the generator takes the first alternative the student has not passed yet.
CURRICULUM: dict[int, tuple[tuple[tuple[str, str], ...], ...]] = {
    9: (
        (_pair("9105"),),
        (_pair("9249"), _pair("9241")),
        (_pair("9323"), _pair("9324")),
        (_pair("9314"),),
        (("9160S", "9179S"),),
        (_pair("9130"), _pair("9134"), _pair("9000"), _pair("9211")),
    ),
    10: (
        (_pair("9106"),),
        (_pair("9255"), _pair("9242")),
        (_pair("9172"), _pair("9191")),
        (_pair("9324"), _pair("9325")),
        (_pair("9315"),),
        (_pair("9131"), _pair("9000"), _pair("9090"), _pair("9291")),
    ),
    11: (
        (_pair("9107"), _pair("9119")),
        (_pair("9252"), _pair("9243")),
        (_pair("9173"), _pair("9194")),
        (_pair("9325"), _pair("9326")),
        (_pair("9131"), _pair("9150"), _pair("9000"), _pair("9090")),
        (_pair("9211"), _pair("9104"), _pair("9266")),
    ),
    12: (
        (_pair("9102"), _pair("9118")),
        (("9174S", "9175S"),),
        (_pair("9247"), _pair("9266"), _pair("9268")),
        (_pair("9326"), _pair("9324")),
        (_pair("9000"), _pair("9090"), _pair("9291"), _pair("9066")),
        (_pair("9211"), ("9179S", "9160S"), _pair("9104")),
    ),
}
