"""Deterministic students, enrollments and transcripts, generated one student at a time.

Student ``index`` (0-based) of seed ``seed`` is the same whatever the number of students served:
every value below derives only from ``(seed, index)``, so a server with 100,000 students keeps
nothing per student in memory.

Functions the Django side uses to create demo youth that match mock students:

- ``student_identity(seed, index) -> dict`` with ``student_unique_id``, ``first_name``,
  ``middle_name`` (or None), ``last_surname``, ``birth_date`` (``datetime.date``), ``sex``
  ("Female"/"Male", the Ed-Fi SexDescriptor code value), ``preferred_first_name`` (or None),
  ``profile`` (see PROFILES) and ``ab167_216_basis`` (a tuple, empty for most students).
- ``student_index_for_id(seed, student_unique_id, students=None) -> int | None``, the inverse.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from . import catalog as cat
from . import names

# The last completed term is fall 2025 (Ed-Fi school year 2026); spring 2026 is in progress.
LAST_FALL = 2025
BIRTH_FIRST = dt.date(2001, 7, 1)  # 24 on 2026-06-30
BIRTH_LAST = dt.date(2010, 6, 30)  # 16 on 2026-06-30
BIRTH_DAYS = (BIRTH_LAST - BIRTH_FIRST).days + 1

PROFILES = ("on_track", "off_track", "near_completion")
AB167_BASES = ("foster", "homeless", "juvenile_court_school", "military_family", "migrant")
EXT_FLAG_NAMES = {
    "foster": "fosterYouth",
    "homeless": "homelessYouth",
    "juvenile_court_school": "formerJuvenileCourtSchool",
    "military_family": "militaryFamily",
    "migrant": "migratoryChild",
}

# Pre-2017 IDs (mmddyy + sex letter + 3 digits) are spread over every (birth day, sex, suffix)
# slot by an affine permutation of the index, which keeps them unique and invertible.
_DOB_SLOTS = BIRTH_DAYS * 2 * 1000
# Post-2017 IDs run in sequence: 6 digits + "X" + 3 digits.
_SEQ_FIRST = 200_000_000


def _mix(seed: int, index: int, salt: int) -> int:
    """A cheap 32-bit hash of (seed, index, salt), for per-student yes/no decisions."""
    h = (index + 1) * 0x9E3779B1 ^ (seed * 0x85EBCA77 + salt * 0xC2B2AE3D)
    h &= 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x7FEB352D) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 0x846CA68B) & 0xFFFFFFFF
    return h ^ (h >> 16)


def _rng(seed: int, index: int, stream: int = 0) -> random.Random:
    # Not for security: reproducible test data.
    return random.Random(((seed * 1_000_003 + stream) << 32) + index)  # noqa: S311


def has_sequence_id(seed: int, index: int) -> bool:
    """About a quarter of the students first enrolled in LAUSD in 2017 or later."""
    return _mix(seed, index, 1) % 100 < 25


def is_edited(seed: int, index: int) -> bool:
    """The students whose records changed after the initial load (see dataset.change_version)."""
    return _mix(seed, index, 2) % 100 < 5


def edit_kind(seed: int, index: int) -> str:
    """What the edit of an edited student left in the change log: a delete or a key change."""
    return "delete" if _mix(seed, index, 3) % 2 else "key_change"


@functools.cache
def _dob_permutation(seed: int) -> tuple[int, int]:
    # A multiplier near N/phi spreads consecutive indices over the whole range of birth days.
    a = int(_DOB_SLOTS * 0.6180339887) + seed % 997
    while math.gcd(a, _DOB_SLOTS) != 1:
        a += 1
    return a, (seed * 7_919) % _DOB_SLOTS


def _seq_offset(seed: int) -> int:
    return (seed * 104_729) % 50_000_000


def _dob_id(seed: int, index: int) -> tuple[str, dt.date, str]:
    a, b = _dob_permutation(seed)
    slot, suffix = divmod((a * index + b) % _DOB_SLOTS, 1000)
    day, sex_bit = divmod(slot, 2)
    birth = BIRTH_FIRST + dt.timedelta(days=day)
    letter = "F" if sex_bit else "M"
    return f"{birth:%m%d%y}{letter}{suffix:03d}", birth, "Female" if sex_bit else "Male"


def _seq_id(seed: int, index: int) -> str:
    number = _SEQ_FIRST + _seq_offset(seed) + index
    return f"{number // 1000:06d}X{number % 1000:03d}"


def student_index_for_id(
    seed: int, student_unique_id: str, students: int | None = None
) -> int | None:
    """The index of the student with this LAUSD ID for this seed, or None."""
    uid = student_unique_id
    if len(uid) != 10 or not (uid[:6].isdigit() and uid[7:].isdigit() and "A" <= uid[6] <= "Z"):
        return None
    if uid[6] == "X":
        index = int(uid[:6]) * 1000 + int(uid[7:]) - _SEQ_FIRST - _seq_offset(seed)
    elif uid[6] in "FM":
        try:
            birth = dt.date(2000 + int(uid[4:6]), int(uid[:2]), int(uid[2:4]))
        except ValueError:
            return None
        day = (birth - BIRTH_FIRST).days
        if not 0 <= day < BIRTH_DAYS:
            return None
        y = ((day * 2 + (uid[6] == "F")) * 1000) + int(uid[7:])
        a, b = _dob_permutation(seed)
        index = (pow(a, -1, _DOB_SLOTS) * (y - b)) % _DOB_SLOTS
    else:
        return None
    if index < 0 or (students is not None and index >= students):
        return None
    if has_sequence_id(seed, index) != (uid[6] == "X"):
        return None
    return index


def _strip_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@dataclass(slots=True)
class Identity:
    index: int
    student_unique_id: str
    first_name: str
    middle_name: str | None
    last_surname: str
    preferred_first_name: str | None
    birth_date: dt.date
    sex: str
    profile: str
    ab167_216_basis: tuple[str, ...]
    lausd_entry_year: int | None  # None: enrolled before high school, with a pre-2017 ID


def _hispanic_surname(rng: random.Random) -> str:
    roll = rng.random()
    first = rng.choice(names.HISPANIC_SURNAMES)
    if roll < 0.55:
        return first
    if roll < 0.75:
        return f"{first} {rng.choice(names.HISPANIC_SURNAMES)}"
    if roll < 0.90:
        return f"{first}-{rng.choice(names.HISPANIC_SURNAMES)}"
    return rng.choice(names.HISPANIC_PARTICLE_SURNAMES)


def _names(rng: random.Random, sex: str) -> tuple[str, str | None, str, str | None]:
    female = sex == "Female"
    roll = rng.random()
    if roll < 0.74:
        first = rng.choice(names.HISPANIC_FEMALE if female else names.HISPANIC_MALE)
        last = _hispanic_surname(rng)
    elif roll < 0.86:
        first = rng.choice(names.BLACK_FEMALE if female else names.BLACK_MALE)
        last = rng.choice(names.BLACK_SURNAMES)
    elif roll < 0.93:
        first = rng.choice(names.ASIAN_FEMALE if female else names.ASIAN_MALE)
        last = rng.choice(names.ASIAN_SURNAMES)
    else:
        first = rng.choice(names.OTHER_FEMALE if female else names.OTHER_MALE)
        last = rng.choice(names.OTHER_SURNAMES)
    middle = None
    if " " not in first and rng.random() < 0.4:
        middle = rng.choice(names.MIDDLE_NAMES_FEMALE if female else names.MIDDLE_NAMES_MALE)
        middle = None if middle == first else middle
    if rng.random() < 0.35:
        first, last = _strip_accents(first), _strip_accents(last)
        middle = _strip_accents(middle) if middle else None
    nickname = names.NICKNAMES.get(first)
    preferred = nickname if nickname and rng.random() < 0.4 else None
    return first, middle, last, preferred


def _first_fall(birth: dt.date) -> int:
    # California kindergarten cut-off: children born after 1 September start a year later.
    return birth.year + 14 + (1 if (birth.month, birth.day) > (9, 1) else 0)


def _terms_available(birth: dt.date) -> int:
    """Semesters from the fall of 9th grade to the last completed one (fall 2025)."""
    return 2 * (LAST_FALL - _first_fall(birth)) + 1


def _high_school_terms(birth: dt.date) -> int:
    """The semesters a student can have spent in high school: four years and a fifth-year fall."""
    return min(_terms_available(birth), 9)


@functools.lru_cache(maxsize=4096)
def identity(seed: int, index: int) -> Identity:
    # Stream 0 decides what the academic history depends on; names come from stream 2, so the
    # history can be counted without drawing names.
    rng = _rng(seed, index)
    entry_year = None
    if has_sequence_id(seed, index):
        uid = _seq_id(seed, index)
        birth = BIRTH_FIRST + dt.timedelta(days=rng.randrange(BIRTH_DAYS))
        sex = "Female" if rng.random() < 0.52 else "Male"
        first_fall = _first_fall(birth)
        entry_year = rng.randint(
            max(2017, first_fall - 4), max(2017, min(first_fall + 3, LAST_FALL))
        )
    else:
        uid, birth, sex = _dob_id(seed, index)
    first_term = max(0, 2 * (entry_year - _first_fall(birth))) if entry_year else 0
    in_lausd = _high_school_terms(birth) - first_term
    roll = rng.random()
    # Youth of high-school age may be on track; older ones left school, near completion or not.
    if _terms_available(birth) <= 8:
        profile = "on_track" if roll < 0.45 else "off_track"
        if in_lausd >= 7 and roll > 0.85:
            profile = "near_completion"
    else:
        profile = "near_completion" if roll < 0.2 and in_lausd >= 8 else "off_track"
    basis: tuple[str, ...] = ()
    if rng.random() < 0.14:
        basis = (rng.choice(AB167_BASES),)
        if rng.random() < 0.2:
            basis = tuple(sorted({*basis, rng.choice(AB167_BASES)}))
    first, middle, last, preferred = _names(_rng(seed, index, stream=2), sex)
    return Identity(
        index, uid, first, middle, last, preferred, birth, sex, profile, basis, entry_year
    )


def student_identity(seed: int, index: int) -> dict[str, Any]:
    """The person behind mock student ``index``: what intake would record for the same youth."""
    person = identity(seed, index)
    return {
        "student_unique_id": person.student_unique_id,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "last_surname": person.last_surname,
        "preferred_first_name": person.preferred_first_name,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "profile": person.profile,
        "ab167_216_basis": person.ab167_216_basis,
    }


# --- academic history -------------------------------------------------------------------------


@dataclass(slots=True)
class Attempt:
    course: cat.Course
    letter: str | None  # None when withdrawn
    result: str  # CourseAttemptResultDescriptor URI
    earned: float
    repeat: bool


@dataclass(slots=True)
class Term:
    fall_year: int  # calendar year the school year starts
    spring: bool
    grade: int
    school_id: int
    attempts: tuple[Attempt, ...]

    @property
    def school_year(self) -> int:
        return self.fall_year + 1

    @property
    def descriptor(self) -> str:
        return cat.SPRING if self.spring else cat.FALL


@dataclass(slots=True)
class Enrollment:
    school_id: int
    entry_date: dt.date
    entry_grade: int
    entry_type: str
    class_of: int
    exit_date: dt.date | None
    exit_type: str | None


@dataclass(slots=True)
class History:
    person: Identity
    terms: tuple[Term, ...]
    enrollments: tuple[Enrollment, ...]


@dataclass(slots=True)
class PlannedTerm:
    fall_year: int
    spring: bool
    grade: int
    school_id: int
    courses: tuple[cat.Course, ...]
    credit_recovery: bool  # one credit-recovery section on top of the regular load
    withdrawn: bool  # the student stopped attending during this term


@dataclass(slots=True)
class Plan:
    """What a student took and where, before any grade is drawn; it fixes the record counts."""

    person: Identity
    terms: tuple[PlannedTerm, ...]
    leaves: str
    no_show_school_id: int | None

    def counts(self) -> tuple[int, int, int]:
        """(studentSchoolAssociations, studentAcademicRecords, courseTranscripts)."""
        spans = sum(
            1
            for i, term in enumerate(self.terms)
            if i == 0 or self.terms[i - 1].school_id != term.school_id
        )
        transcripts = sum(len(t.courses) + t.credit_recovery for t in self.terms)
        return spans + (self.no_show_school_id is not None), len(self.terms), transcripts


_PASS_LETTERS = {
    "on_track": (("A", 0.25), ("B", 0.60), ("C", 0.90), ("D", 1.0)),
    "near_completion": (("A", 0.10), ("B", 0.40), ("C", 0.80), ("D", 1.0)),
    "off_track": (("A", 0.05), ("B", 0.25), ("C", 0.65), ("D", 1.0)),
}
_FAIL_RATE = {"on_track": 0.04, "near_completion": 0.1, "off_track": 0.3}
GRADE_POINTS = {"A": 4, "B": 3, "C": 2, "D": 1, "F": 0}
_CALENDAR: dict[tuple[int, bool], tuple[dt.date, dt.date]] = {}


def term_dates(fall_year: int, spring: bool) -> tuple[dt.date, dt.date]:
    """First and last day of a semester: LAUSD starts mid-August and ends early June."""
    key = (fall_year, spring)
    if key not in _CALENDAR:
        if spring:
            start = _next_monday(dt.date(fall_year + 1, 1, 8))
            end = dt.date(fall_year + 1, 6, 10)
        else:
            start = _next_monday(dt.date(fall_year, 8, 12))
            end = dt.date(fall_year, 12, 18)
        _CALENDAR[key] = (start, end)
    return _CALENDAR[key]


def _next_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def on_track_credits(terms: int) -> float:
    """LAUSD on-track benchmark after this many semesters: 50 after 9th grade, then 55 a year."""
    if terms <= 2:
        return 25.0 * terms
    return 50.0 + 27.5 * (terms - 2)


def plan(seed: int, index: int) -> Plan:
    """The structure of a student's history (terms, schools, courses), without grades."""
    return _planned(seed, index)[0]


# Paging counts every student's records (plan) before it serves them (history): keep the plan
# and where its random stream stood, so history goes on from there instead of planning again.
# A full sync reads the four resources about a thousand students apart.
@functools.lru_cache(maxsize=4096)
def _planned(seed: int, index: int) -> tuple[Plan, tuple]:
    planned, rng = _plan(seed, index)
    return planned, rng.getstate()


def _plan(seed: int, index: int) -> tuple[Plan, random.Random]:
    # Grades are drawn after the structure from the same random stream (see history), so
    # counting a student's records never draws them.
    person = identity(seed, index)
    rng = _rng(seed, index, stream=1)
    first_fall = _first_fall(person.birth_date)
    first_term = 0
    if person.lausd_entry_year is not None:
        first_term = max(0, 2 * (person.lausd_entry_year - first_fall))
    in_lausd = _high_school_terms(person.birth_date) - first_term
    profile = person.profile
    if profile == "on_track":
        count = in_lausd
    elif profile == "near_completion":
        count = min(in_lausd, 9 if rng.random() < 0.3 else 8)
    else:
        count = min(in_lausd, rng.choice((1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8)))
    current = first_term + count == _terms_available(person.birth_date)
    leaves = _leaving(rng, profile, current)
    schools = _school_sequence(rng, person, profile, first_term, count)
    taken: set[str] = set()
    terms = []
    for offset in range(count):
        t = first_term + offset
        grade = min(9 + t // 2, 12)
        spring = t % 2 == 1
        size = 6 if profile != "off_track" or rng.random() < 0.6 else 5
        courses = _schedule(rng, grade, spring, taken, size)
        recovery = profile == "off_track" and offset > 0 and rng.random() < 0.45
        withdrawn = leaves == "withdrew" and offset == count - 1
        terms.append(
            PlannedTerm(
                first_fall + t // 2, spring, grade, schools[offset], courses, recovery, withdrawn
            )
        )
    no_show = None
    if leaves == "no_show":
        no_show = rng.choice([s for s in cat.COMPREHENSIVE_SCHOOL_IDS if s != schools[-1]])
    return Plan(person, tuple(terms), leaves, no_show), rng


def _schedule(
    rng: random.Random, grade: int, spring: bool, taken: set[str], size: int
) -> tuple[cat.Course, ...]:
    chosen: list[cat.Course] = []
    by_code = cat.course_by_code()
    for slot in cat.CURRICULUM[grade][:size]:
        # Start at a random alternative, then fall back to the next ones in order.
        start = int(rng.random() * len(slot)) if len(slot) > 1 else 0
        for k in range(len(slot)):
            fall_code, spring_code = slot[(start + k) % len(slot)]
            code = spring_code if spring else fall_code
            if code not in taken:
                chosen.append(by_code[code])
                taken.add(code)
                break
    return tuple(chosen)


def _leaving(rng: random.Random, profile: str, current: bool) -> str:
    """How the last enrollment ended: still enrolled, dropped out, withdrew mid-term..."""
    if current and rng.random() < {"on_track": 0.85, "near_completion": 0.3}.get(profile, 0.15):
        return "enrolled"
    roll = rng.random()
    if profile == "on_track":
        return "transferred"
    if profile == "near_completion":
        return "dropout" if roll < 0.8 else "transferred"
    if roll < 0.45:
        return "dropout"
    if roll < 0.65:
        return "withdrew"
    if roll < 0.80:
        return "no_show"
    if roll < 0.95:
        return "transferred"
    return "expelled"


def _school_sequence(
    rng: random.Random, person: Identity, profile: str, first_term: int, count: int
) -> list[int]:
    home = rng.choice(cat.COMPREHENSIVE_SCHOOL_IDS)
    sequence = [home] * count
    # AB 167/216 students mostly change schools after 10th grade (the condition of the law).
    if person.ab167_216_basis and rng.random() < 0.75:
        move_at = 4 - first_term
    elif rng.random() < 0.2:
        move_at = rng.choice((2, 4, 6)) - first_term
    else:
        move_at = None
    if move_at is not None and 0 < move_at < count:
        other = rng.choice([s for s in cat.COMPREHENSIVE_SCHOOL_IDS if s != home])
        sequence[move_at:] = [other] * (count - move_at)
    if profile == "off_track" and count >= 5 and rng.random() < 0.35:
        sequence[4:] = [cat.CONTINUATION_SCHOOL_ID] * (count - 4)
    return sequence


def _pass_letter(rng: random.Random, profile: str) -> str:
    roll = rng.random()
    for letter, limit in _PASS_LETTERS[profile]:
        if roll < limit:
            return letter
    return "D"


def _attempt(course: cat.Course, letter: str | None, repeat: bool = False) -> Attempt:
    if letter is None:
        return Attempt(course, None, cat.RESULT_WITHDRAWN, 0.0, repeat)
    if letter == "INC":
        return Attempt(course, letter, cat.RESULT_INCOMPLETE, 0.0, repeat)
    if letter == "F":
        return Attempt(course, letter, cat.RESULT_FAIL, 0.0, repeat)
    return Attempt(course, letter, cat.RESULT_PASS, cat.CREDITS_PER_SEMESTER_COURSE, repeat)


# A sync asks for one student's enrollments, records and transcripts in a row (one student at
# a time), or page by page in three lists that run up to about a thousand students apart.
@functools.lru_cache(maxsize=4096)
def history(seed: int, index: int) -> History:
    """Every term, course attempt and enrollment of one student."""
    planned, state = _planned(seed, index)
    rng = random.Random(0)  # noqa: S311 - reproducible test data
    rng.setstate(state)
    profile = planned.person.profile
    grid: list[list[Attempt]] = []
    for term in planned.terms:
        row = []
        for course in term.courses:
            if term.withdrawn:
                letter = None
            elif rng.random() < _FAIL_RATE[profile]:
                letter = "INC" if rng.random() < 0.05 else "F"
            else:
                letter = _pass_letter(rng, profile)
            row.append(_attempt(course, letter))
        if term.credit_recovery:
            recovered = _course_to_recover(grid)
            letter = None if term.withdrawn else ("F" if rng.random() < 0.2 else "C")
            row.append(_attempt(recovered, letter, repeat=True))
        grid.append(row)
    _settle_credits(rng, profile, grid)
    terms = tuple(
        Term(p.fall_year, p.spring, p.grade, p.school_id, tuple(row))
        for p, row in zip(planned.terms, grid, strict=True)
    )
    return History(planned.person, terms, _enrollments(rng, planned, terms))


def _course_to_recover(grid: list[list[Attempt]]) -> cat.Course:
    """The credit-recovery twin of the earliest failed course not yet recovered.

    When no earlier failure is left, the earliest recoverable pass becomes an F: a CR section
    always answers a failure on the transcript.
    """
    recovered = {a.course.code for row in grid for a in row if a.repeat}
    twins = cat.recovery_twins()
    for row in grid:
        for attempt in row:
            twin = twins.get(attempt.course.code)
            if twin and not attempt.earned and attempt.letter and twin.code not in recovered:
                return twin
    for row in grid:
        for j, attempt in enumerate(row):
            twin = twins.get(attempt.course.code)
            if twin and attempt.earned and twin.code not in recovered:
                row[j] = _attempt(attempt.course, "F")
                return twin
    return cat.course_by_code()["9105A-CR"]


def _settle_credits(rng: random.Random, profile: str, grid: list[list[Attempt]]) -> None:
    """Flip grades so the total matches the profile: on track, well behind, or 190-205 credits."""
    earned = sum(a.earned for row in grid for a in row)
    step = cat.CREDITS_PER_SEMESTER_COURSE
    benchmark = on_track_credits(len(grid))
    if profile == "near_completion":
        target = rng.choice((38, 39, 40, 41)) * step
    elif profile == "on_track":
        target = max(earned, step * math.ceil(benchmark / step))
    else:
        target = min(earned, step * math.floor(0.6 * benchmark / step))
    if target == earned:
        return
    cells = [(i, j) for i, row in enumerate(grid) for j in range(len(row))]
    start = int(rng.random() * len(cells))
    for i, j in cells[start:] + cells[:start]:
        attempt = grid[i][j]
        if attempt.letter is None:
            continue
        if earned > target and attempt.earned:
            grid[i][j] = _attempt(attempt.course, "F", attempt.repeat)
            earned -= step
        elif earned < target and not attempt.earned:
            grid[i][j] = _attempt(attempt.course, "C", attempt.repeat)
            earned += step


def _enrollments(
    rng: random.Random, planned: Plan, terms: tuple[Term, ...]
) -> tuple[Enrollment, ...]:
    person = planned.person
    first_fall = _first_fall(person.birth_date)
    class_of = first_fall + 4
    spans: list[list[Term]] = []
    for term in terms:
        if spans and spans[-1][0].school_id == term.school_id:
            spans[-1].append(term)
        else:
            spans.append([term])
    result: list[Enrollment] = []
    for number, span in enumerate(spans):
        first, last = span[0], span[-1]
        entry = term_dates(first.fall_year, first.spring)[0]
        if number:
            entry_type = cat.ENTRY_TRANSFER
        elif person.lausd_entry_year is not None and person.lausd_entry_year > first_fall:
            entry_type = cat.ENTRY_NEW
        else:
            entry_type = cat.ENTRY_NEXT_YEAR_SCHOOL
        exit_date, exit_type = None, None
        if number < len(spans) - 1:
            exit_date, exit_type = term_dates(last.fall_year, last.spring)[1], cat.EXIT_TRANSFERRED
        elif planned.leaves != "enrolled":
            exit_date, exit_type = _final_exit(rng, last, planned.leaves)
        result.append(
            Enrollment(
                first.school_id, entry, first.grade, entry_type, class_of, exit_date, exit_type
            )
        )
    if planned.no_show_school_id is not None:
        last = terms[-1]
        fall_year, spring = (last.fall_year + 1, False) if last.spring else (last.fall_year, True)
        start = term_dates(fall_year, spring)[0]
        grade = min(last.grade + (0 if spring else 1), 12)
        result.append(
            Enrollment(
                planned.no_show_school_id,
                start,
                grade,
                cat.ENTRY_TRANSFER,
                class_of,
                start,
                cat.EXIT_NO_SHOW,
            )
        )
    return tuple(result)


def _final_exit(rng: random.Random, last: Term, leaves: str) -> tuple[dt.date, str]:
    start, end = term_dates(last.fall_year, last.spring)
    if leaves == "withdrew":
        return start + dt.timedelta(days=rng.randint(30, 90)), cat.EXIT_WITHDRAWN
    if leaves == "expelled":
        return start + dt.timedelta(days=rng.randint(40, 110)), cat.EXIT_EXPELLED
    # A no-show ends the home enrollment as a transfer; the next school records the no-show.
    if leaves in {"transferred", "no_show"}:
        return end, cat.EXIT_TRANSFERRED
    # Dropout: did not come back next term; the exit follows the truancy intervention period.
    return end + dt.timedelta(days=rng.randint(45, 75)), cat.EXIT_DROPOUT
