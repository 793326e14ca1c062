"""NRS levels from TABE and CASAS scale scores, band by band: no database."""

import itertools

import pytest

from youth.basic_skills import (
    DEFAULT_BANDS,
    SUBJECTS,
    Band,
    basic_skills_deficient,
    grade_equivalent,
    nrs_level,
)

BOUNDARIES = [
    # (test, scale score, NRS level): each side of every cut in DESIGN.md.
    ("TABE", 0, 1),
    ("TABE", 367, 1),
    ("TABE", 368, 2),
    ("TABE", 460, 2),
    ("TABE", 461, 3),
    ("TABE", 517, 3),
    ("TABE", 518, 4),
    ("TABE", 566, 4),
    ("TABE", 567, 5),
    ("TABE", 595, 5),
    ("TABE", 596, 6),
    ("TABE", 800, 6),
    ("CASAS", 150, 1),
    ("CASAS", 200, 1),
    ("CASAS", 201, 2),
    ("CASAS", 210, 2),
    ("CASAS", 211, 3),
    ("CASAS", 220, 3),
    ("CASAS", 221, 4),
    ("CASAS", 235, 4),
    ("CASAS", 236, 5),
    ("CASAS", 245, 5),
    ("CASAS", 246, 6),
    ("CASAS", 300, 6),
]


@pytest.mark.parametrize(
    ("test", "score", "level"),
    BOUNDARIES,
    ids=[f"{test} {score} is level {level}" for test, score, level in BOUNDARIES],
)
def test_a_reading_score_falls_in_its_nrs_level(test, score, level):
    assert nrs_level(test, "reading", score) == level


@pytest.mark.parametrize("subject", ["math", "language"])
@pytest.mark.parametrize(
    ("test", "score", "level"),
    [("TABE", 566, 4), ("TABE", 567, 5), ("CASAS", 235, 4), ("CASAS", 236, 5)],
    ids=["TABE 566", "TABE 567", "CASAS 235", "CASAS 236"],
)
def test_math_and_language_use_the_reading_cuts_by_default(test, score, level, subject):
    assert nrs_level(test, subject, score) == level


def test_test_and_subject_names_are_matched_without_regard_to_case():
    assert nrs_level("tabe", "Reading", 518) == 4


@pytest.mark.parametrize(
    ("test", "subject"),
    [("GED", "reading"), ("TABE", "science"), ("", "")],
    ids=["unknown test", "unknown subject", "blank names"],
)
def test_an_unknown_test_or_subject_has_no_level(test, subject):
    assert nrs_level(test, subject, 500) is None


def test_an_edited_table_can_be_passed_in_place_of_the_default():
    bands = [
        Band("TABE", "math", 3, None, 525, "4-5.9"),
        Band("TABE", "math", 4, 526, None, "6-8.9"),
    ]

    assert nrs_level("TABE", "math", 520, bands) == 3
    assert nrs_level("TABE", "math", 526, bands) == 4
    assert nrs_level("TABE", "reading", 526, bands) is None


@pytest.mark.parametrize(("test", "subject"), list(itertools.product(["TABE", "CASAS"], SUBJECTS)))
def test_the_default_table_has_six_levels_without_gaps_for_each_test_and_subject(test, subject):
    bands = [band for band in DEFAULT_BANDS if (band.test, band.subject) == (test, subject)]

    assert [band.level for band in bands] == [1, 2, 3, 4, 5, 6]
    assert bands[0].low is None
    assert bands[-1].high is None
    for lower, upper in itertools.pairwise(bands):
        assert upper.low == lower.high + 1


@pytest.mark.parametrize(
    ("level", "grades"),
    [(1, "0-1.9"), (2, "2-3.9"), (3, "4-5.9"), (4, "6-8.9"), (5, "9-10.9"), (6, "11-12.9")],
    ids=[f"level {level}" for level in range(1, 7)],
)
def test_each_level_has_its_grade_equivalent(level, grades):
    assert grade_equivalent(level) == grades


@pytest.mark.parametrize("level", [0, 7], ids=["level 0", "level 7"])
def test_a_level_outside_one_to_six_has_no_grade_equivalent(level):
    with pytest.raises(ValueError, match="NRS levels run from 1 to 6"):
        grade_equivalent(level)


@pytest.mark.parametrize(
    ("levels", "deficient"),
    [
        ([], None),
        ([1], True),
        ([4], True),
        ([5], False),
        ([6], False),
        ([6, 4], True),
        ([5, 6, 5], False),
        ((level for level in [5, 3]), True),
    ],
    ids=[
        "nothing tested is unknown",
        "level 1 is deficient",
        "level 4 is deficient",
        "level 5 is not deficient",
        "level 6 is not deficient",
        "one subject at level 4 is enough",
        "every subject above level 4 is not deficient",
        "levels may come from a generator",
    ],
)
def test_basic_skills_deficiency_follows_the_lowest_tested_subject(levels, deficient):
    assert basic_skills_deficient(levels) is deficient
