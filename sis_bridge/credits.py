"""LAUSD graduation-requirement math: dataclasses in, a CreditSummary out, no database.

Sources: DESIGN.md section 2 (LAUSD 210-credit diploma, A-G with D or better, on-track
benchmarks 50/105/160/210, the 130-credit state minimum of Ed Code 51225.3 for AB 167/216).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

LAUSD_DIPLOMA_CREDITS = 210.0
STATE_MINIMUM_CREDITS = 130.0
CREDITS_PER_CARNEGIE_UNIT = 10.0  # a year course: 10 LAUSD credits, one Carnegie unit

# Requirement areas in the order a transcript review reads them; the rest are electives.
REQUIREMENTS: tuple[tuple[str, str, float], ...] = (
    ("A", _("History / social science"), 20.0),
    ("B", _("English"), 40.0),
    ("C", _("Mathematics"), 30.0),
    ("D", _("Laboratory science"), 20.0),
    ("E", _("Language other than English"), 20.0),
    ("F", _("Visual and performing arts"), 10.0),
    ("G", _("College-prep elective"), 10.0),
    ("PAD", _("Principles of American Democracy"), 5.0),
    ("ECON", _("Economics"), 5.0),
    ("PE", _("Physical education"), 20.0),
    ("HEALTH", _("Health"), 5.0),
)
ELECTIVE = "ELECTIVE"
AREA_LABELS = {code: label for code, label, _ in REQUIREMENTS} | {ELECTIVE: _("Electives")}
AG_REQUIREMENTS: tuple[tuple[str, float], ...] = (
    ("a", 20.0),
    ("b", 40.0),
    ("c", 30.0),
    ("d", 20.0),
    ("e", 20.0),
    ("f", 10.0),
    ("g", 10.0),
)
# Cumulative credits expected at the end of each semester of high school (fall 9th first).
SEMESTER_BENCHMARKS = (25.0, 50.0, 77.5, 105.0, 132.5, 160.0, 185.0, 210.0)
PASSING_LETTERS = frozenset("ABCD")

# CALPADS state course codes that carry their own LAUSD requirement whatever their A-G letter.
STATE_CODE_AREAS = {"9174": "PAD", "9175": "ECON"}
GROUP_AREAS = (
    ("English", "B"),
    ("Math", "C"),
    ("Life science", "D"),
    ("Physical science", "D"),
    ("LOTE", "E"),
    ("VAPA", "F"),
    ("PE", "PE"),
    ("Health", "HEALTH"),
    ("Social science", "A"),
)
SUBJECT_AREAS = {
    "English": "B",
    "English Language Arts": "B",
    "Mathematics": "C",
    "Science": "D",
    "Life and Physical Sciences": "D",
    "Social Sciences and History": "A",
    "Social Studies": "A",
    "Foreign Language and Literature": "E",
    "Fine and Performing Arts": "F",
    "Physical, Health, and Safety Education": "PE",
}


def requirement_area(
    *, state_code: str = "", requirement_group: str = "", ag_letter: str = "", subject: str = ""
) -> str:
    """The LAUSD requirement a course counts toward.

    LAUSD's own grouping (the ``_ext.lausd.requirementGroup`` of a course) wins; a plain Ed-Fi
    host without it falls back to the A-G letter, then to the academic subject.
    """
    if state_code[:4] in STATE_CODE_AREAS:
        return STATE_CODE_AREAS[state_code[:4]]
    for prefix, area in GROUP_AREAS:
        if requirement_group.startswith(prefix):
            return area
    if requirement_group:
        return "G" if ag_letter else ELECTIVE
    if ag_letter:
        return ag_letter.upper()
    return SUBJECT_AREAS.get(subject, ELECTIVE)


def lausd_credits(earned: float | None, credit_type: str, conversion: float | None) -> float:
    """LAUSD credits (5 per semester course) from an Ed-Fi earned-credit value."""
    if not earned:
        return 0.0
    code = credit_type.rpartition("#")[2]
    if code == "Carnegie unit":
        return round(earned * CREDITS_PER_CARNEGIE_UNIT, 2)
    if conversion:
        return round(earned * conversion * CREDITS_PER_CARNEGIE_UNIT, 2)
    return round(earned, 2)


@dataclass(frozen=True, slots=True)
class CourseCredit:
    area: str  # a REQUIREMENTS code or ELECTIVE
    lausd_credits: float
    ag_letter: str = ""  # a-g, or empty for a course that is not college-prep
    letter_grade: str = ""
    counted: bool = True  # False for a repeat the SIS marks as not counted
    credit_recovery: bool = False


@dataclass(frozen=True, slots=True)
class TermRecord:
    school_year: int  # Ed-Fi school year: the spring's calendar year
    spring: bool
    grade_level: int | None


@dataclass(frozen=True, slots=True)
class EnrollmentSpan:
    school_name: str
    entry_date: dt.date
    entry_grade: int | None
    exit_date: dt.date | None
    exit_code: str = ""
    school_id: int | None = None


@dataclass(frozen=True, slots=True)
class StudentRecord:
    birth_date: dt.date | None
    courses: Sequence[CourseCredit]
    terms: Sequence[TermRecord] = ()
    enrollments: Sequence[EnrollmentSpan] = ()
    special_status: frozenset[str] = frozenset()  # foster, homeless, ... (AB 167/216 bases)


@dataclass(frozen=True, slots=True)
class AreaProgress:
    code: str
    label: str
    required: float
    earned: float

    @property
    def needed(self) -> float:
        return max(self.required - self.earned, 0.0)

    @property
    def met(self) -> bool:
        return self.earned >= self.required


@dataclass(frozen=True, slots=True)
class CreditSummary:
    earned: float
    areas: tuple[AreaProgress, ...]
    electives: float
    ag: tuple[AreaProgress, ...]
    credit_recovery_credits: float
    expected_for_grade: float | None
    expected_for_age: float | None
    possibly_state_minimum: bool  # may qualify for the 130-credit diploma (AB 167/216)
    last_school: str
    last_school_exit_date: dt.date | None
    last_exit_code: str
    required: float = LAUSD_DIPLOMA_CREDITS
    state_minimum: float = STATE_MINIMUM_CREDITS

    @property
    def needed(self) -> float:
        return max(self.required - self.earned, 0.0)

    @property
    def needed_for_state_minimum(self) -> float:
        return max(self.state_minimum - self.earned, 0.0)

    @property
    def needed_by_area(self) -> dict[str, float]:
        needed = {a.code: a.needed for a in self.areas if a.needed}
        elective_room = self.required - sum(r for _, _, r in REQUIREMENTS)
        if self.electives < elective_room:
            needed[ELECTIVE] = elective_room - self.electives
        return needed

    @property
    def ag_complete(self) -> bool:
        return all(a.met for a in self.ag)

    @property
    def on_track_for_grade(self) -> bool | None:
        return None if self.expected_for_grade is None else self.earned >= self.expected_for_grade

    @property
    def on_track_for_age(self) -> bool | None:
        return None if self.expected_for_age is None else self.earned >= self.expected_for_age


def _counts(course: CourseCredit) -> bool:
    if not course.counted or course.lausd_credits <= 0:
        return False
    # A-G courses need D or better; a plain elective counts whenever the SIS granted credit.
    return not course.ag_letter or course.letter_grade[:1].upper() in PASSING_LETTERS


def _allocate(courses: Iterable[CourseCredit]) -> tuple[tuple[AreaProgress, ...], float]:
    earned = dict.fromkeys(AREA_LABELS, 0.0)
    for course in courses:
        earned[course.area if course.area in earned else ELECTIVE] += course.lausd_credits
    areas, spill = [], 0.0
    for code, label, required in REQUIREMENTS:
        if code == "G":
            continue
        areas.append(AreaProgress(code, label, required, min(earned[code], required)))
        overflow = max(earned[code] - required, 0.0)
        # Extra college-prep work in A-F fills the G elective first, like UC's "g" rule.
        if code in "ABCDEF":
            spill += overflow
        else:
            earned[ELECTIVE] += overflow
    g_total = earned["G"] + spill
    g_required = dict((c, r) for c, _, r in REQUIREMENTS)["G"]
    areas.insert(6, AreaProgress("G", AREA_LABELS["G"], g_required, min(g_total, g_required)))
    electives = earned[ELECTIVE] + max(g_total - g_required, 0.0)
    return tuple(areas), electives


def _ag_progress(courses: Iterable[CourseCredit]) -> tuple[AreaProgress, ...]:
    done = dict.fromkeys((letter for letter, _ in AG_REQUIREMENTS), 0.0)
    for course in courses:
        if course.ag_letter in done:
            done[course.ag_letter] += course.lausd_credits
    spill = 0.0
    progress = []
    for letter, required in AG_REQUIREMENTS:
        total = done[letter] + (spill if letter == "g" else 0.0)
        spill += max(done[letter] - required, 0.0)
        progress.append(AreaProgress(letter, letter.upper(), required, min(total, required)))
    return tuple(progress)


def _benchmark(semesters: int) -> float:
    if semesters <= 0:
        return 0.0
    return SEMESTER_BENCHMARKS[min(semesters, len(SEMESTER_BENCHMARKS)) - 1]


def first_fall_of_high_school(birth_date: dt.date) -> int:
    # California kindergarten cut-off: children born after 1 September start a year later.
    return birth_date.year + 14 + (1 if (birth_date.month, birth_date.day) > (9, 1) else 0)


def semesters_for_age(birth_date: dt.date, as_of: dt.date) -> int:
    """High-school semesters the youth's age cohort has finished by ``as_of``."""
    first_fall = first_fall_of_high_school(birth_date)
    years = as_of.year - first_fall
    if as_of.month >= 7:
        return 2 * years
    return max(2 * years - 1, 0)


def semesters_for_grade(terms: Sequence[TermRecord]) -> int | None:
    """Semesters a student at the grade of their latest term would have finished."""
    graded = [t for t in terms if t.grade_level is not None]
    if not graded:
        return None
    last = max(graded, key=lambda t: (t.school_year, t.spring))
    return max((last.grade_level - 9) * 2 + (2 if last.spring else 1), 0)


def possibly_state_minimum(student: StudentRecord) -> bool:
    """Flag for AB 167/216: a qualifying status and a school change after 10th grade."""
    if not student.special_status:
        return False
    spans = sorted(student.enrollments, key=lambda e: e.entry_date)
    return any(
        (later.entry_grade or 0) >= 11 and later.school_name != earlier.school_name
        for earlier, later in itertools.pairwise(spans)
    )


def credit_summary(student: StudentRecord, *, as_of: dt.date) -> CreditSummary:
    counted = [c for c in student.courses if _counts(c)]
    areas, electives = _allocate(counted)
    grade_semesters = semesters_for_grade(student.terms)
    last = max(student.enrollments, key=lambda e: e.entry_date, default=None)
    return CreditSummary(
        earned=round(sum(c.lausd_credits for c in counted), 2),
        areas=areas,
        electives=electives,
        ag=_ag_progress(counted),
        credit_recovery_credits=sum(c.lausd_credits for c in counted if c.credit_recovery),
        expected_for_grade=None if grade_semesters is None else _benchmark(grade_semesters),
        expected_for_age=(
            None
            if student.birth_date is None
            else _benchmark(semesters_for_age(student.birth_date, as_of))
        ),
        possibly_state_minimum=possibly_state_minimum(student),
        last_school=last.school_name if last else "",
        last_school_exit_date=last.exit_date if last else None,
        last_exit_code=last.exit_code if last else "",
    )
