"""NRS educational functioning levels from standardized-test scale scores, no database.

Source: DESIGN.md section 2, "Basic-skills levels" (NRS levels with the older TABE 9/10 and CASAS
cuts). WIOA counts a youth as basic-skills deficient at or below the 8th grade, that is TABE 8.9
or below, NRS level 4 or below (20 CFR 681.290).
"""

from collections.abc import Iterable
from dataclasses import dataclass

TABE = "TABE"
CASAS = "CASAS"
SUBJECTS = ("reading", "math", "language")

# The highest NRS level that is still basic-skills deficient (grade 6-8.9).
DEFICIENT_AT_OR_BELOW = 4


@dataclass(frozen=True)
class Band:
    """One row of a cut table: scale scores low..high (both inclusive; None is an open end)."""

    test: str
    subject: str
    level: int
    low: int | None
    high: int | None
    grade_range: str

    def holds(self, scale_score: int) -> bool:
        above_low = self.low is None or scale_score >= self.low
        below_high = self.high is None or scale_score <= self.high
        return above_low and below_high


# NRS level: (grade range, TABE cuts, CASAS cuts).
_CUTS: dict[int, tuple[str, tuple[int | None, int | None], tuple[int | None, int | None]]] = {
    1: ("0-1.9", (None, 367), (None, 200)),
    2: ("2-3.9", (368, 460), (201, 210)),
    3: ("4-5.9", (461, 517), (211, 220)),
    4: ("6-8.9", (518, 566), (221, 235)),
    5: ("9-10.9", (567, 595), (236, 245)),
    6: ("11-12.9", (596, None), (246, None)),
}

GRADE_RANGES: dict[int, str] = {level: grades for level, (grades, _, _) in _CUTS.items()}


# DESIGN.md publishes the reading cuts only; until an administrator edits the table, math and
# language use the same cuts as reading.
def _bands(test: str, column: int) -> tuple[Band, ...]:
    return tuple(
        Band(test, subject, level, *row[column], grade_range=row[0])
        for subject in SUBJECTS
        for level, row in _CUTS.items()
    )


DEFAULT_BANDS: tuple[Band, ...] = _bands(TABE, 1) + _bands(CASAS, 2)


def nrs_level(
    test: str, subject: str, scale_score: int, bands: Iterable[Band] = DEFAULT_BANDS
) -> int | None:
    """The NRS level of a score, or None when the table has no band for the test and subject."""
    for band in bands:
        same_test = band.test.casefold() == test.casefold()
        same_subject = band.subject.casefold() == subject.casefold()
        if same_test and same_subject and band.holds(scale_score):
            return band.level
    return None


def grade_equivalent(level: int) -> str:
    """The school grades an NRS level stands for, e.g. "6-8.9" for level 4."""
    try:
        return GRADE_RANGES[level]
    except KeyError:
        raise ValueError(f"NRS levels run from 1 to 6, not {level}") from None


def basic_skills_deficient(levels: Iterable[int]) -> bool | None:
    """Deficient when any tested subject is at NRS level 4 or below; None when nothing was
    tested, which is not the same as not deficient."""
    tested = list(levels)
    if not tested:
        return None
    return any(level <= DEFICIENT_AT_OR_BELOW for level in tested)
