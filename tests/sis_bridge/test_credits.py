"""The LAUSD credit math, table by table: no database, no network."""

import datetime as dt

import pytest

from sis_bridge.credits import (
    CourseCredit,
    EnrollmentSpan,
    StudentRecord,
    TermRecord,
    credit_summary,
    lausd_credits,
    requirement_area,
    semesters_for_age,
)

AS_OF = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("course", "area"),
    [
        (
            {"state_code": "9174", "requirement_group": "Social science (30 cr)", "ag_letter": "a"},
            "PAD",
        ),
        (
            {"state_code": "9175", "requirement_group": "Social science (30 cr)", "ag_letter": "g"},
            "ECON",
        ),
        ({"requirement_group": "Social science (30 cr)", "ag_letter": "a"}, "A"),
        ({"requirement_group": "English (40 cr)", "ag_letter": "b"}, "B"),
        ({"requirement_group": "Math / elective", "ag_letter": "c"}, "C"),
        ({"requirement_group": "Physical science (10 cr)", "ag_letter": "d"}, "D"),
        ({"requirement_group": "LOTE (20 cr)", "ag_letter": "e"}, "E"),
        ({"requirement_group": "VAPA (10 cr)", "ag_letter": "f"}, "F"),
        ({"requirement_group": "PE (20 cr)"}, "PE"),
        ({"requirement_group": "Health (5 cr)"}, "HEALTH"),
        ({"requirement_group": "Elective", "ag_letter": "g"}, "G"),
        ({"requirement_group": "Elective"}, "ELECTIVE"),
        # A plain Ed-Fi host without LAUSD's extension: the letter, then the subject.
        ({"ag_letter": "c"}, "C"),
        ({"subject": "English Language Arts"}, "B"),
        ({"subject": "Career and Technical Education"}, "ELECTIVE"),
    ],
)
def test_each_course_counts_toward_its_lausd_requirement(course, area):
    assert requirement_area(**course) == area


@pytest.mark.parametrize(
    ("earned", "credit_type", "conversion", "lausd"),
    [
        (5.0, "uri://ed-fi.org/CreditTypeDescriptor#Semester hour credit", 0.1, 5.0),
        (0.5, "uri://ed-fi.org/CreditTypeDescriptor#Carnegie unit", None, 5.0),
        (1.0, "uri://district.org/CreditTypeDescriptor#Carnegie unit", None, 10.0),
        (5.0, "uri://ed-fi.org/CreditTypeDescriptor#Semester hour credit", None, 5.0),
        (0.0, "uri://ed-fi.org/CreditTypeDescriptor#Semester hour credit", 0.1, 0.0),
        (None, "", None, 0.0),
    ],
)
def test_ed_fi_credits_convert_to_lausd_credits(earned, credit_type, conversion, lausd):
    assert lausd_credits(earned, credit_type, conversion) == lausd


def courses(area, count, *, ag="", grade="C", credits=5.0, **extra):
    return [CourseCredit(area, credits, ag, grade, **extra) for _ in range(count)]


def full_diploma():
    return (
        courses("A", 4, ag="a")
        + courses("B", 8, ag="b")
        + courses("C", 6, ag="c")
        + courses("D", 4, ag="d")
        + courses("E", 4, ag="e")
        + courses("F", 2, ag="f")
        + courses("G", 2, ag="g")
        + courses("PAD", 1, ag="a")
        + courses("ECON", 1, ag="g")
        + courses("PE", 4)
        + courses("HEALTH", 1)
        + courses("ELECTIVE", 5)
    )


def summary(course_list, **student):
    return credit_summary(
        StudentRecord(birth_date=None, courses=course_list, **student), as_of=AS_OF
    )


@pytest.mark.parametrize(
    ("course_list", "earned", "needed_by_area"),
    [
        (
            [],
            0.0,
            {
                "A": 20,
                "B": 40,
                "C": 30,
                "D": 20,
                "E": 20,
                "F": 10,
                "G": 10,
                "PAD": 5,
                "ECON": 5,
                "PE": 20,
                "HEALTH": 5,
                "ELECTIVE": 25,
            },
        ),
        (full_diploma(), 210.0, {}),
        # An F in an A-G course earns nothing even if the SIS sent credit.
        (courses("B", 2, ag="b", grade="F"), 0.0, None),
        # D or better counts, D- included.
        (courses("B", 1, ag="b", grade="D-"), 5.0, None),
        # A repeat the SIS marks as not counted does not count.
        (courses("C", 2, ag="c", counted=False), 0.0, None),
        # A fourth year of math fills the college-prep elective G first, then electives.
        (courses("C", 10, ag="c"), 50.0, None),
        # Extra PE is an elective, not G.
        (courses("PE", 6), 30.0, None),
    ],
)
def test_credits_add_up_by_area(course_list, earned, needed_by_area):
    result = summary(course_list)
    assert result.earned == earned
    assert result.needed == 210 - earned
    if needed_by_area is not None:
        assert result.needed_by_area == needed_by_area


def test_overflow_from_math_fills_g_then_electives():
    result = summary(courses("C", 10, ag="c"))
    areas = {a.code: a for a in result.areas}
    assert areas["C"].earned == 30 and areas["C"].met
    assert areas["G"].earned == 10
    assert result.electives == 10
    assert {a.code: a.earned for a in result.ag}["g"] == 10


def test_ag_completion_needs_d_or_better_in_every_letter():
    complete = summary(full_diploma())
    assert complete.ag_complete
    without_art = summary([c for c in full_diploma() if c.area != "F"])
    assert not without_art.ag_complete
    assert [a.code for a in without_art.ag if not a.met] == ["f"]


def test_plain_electives_count_whatever_the_letter():
    assert summary(courses("ELECTIVE", 2, grade="P")).earned == 10


@pytest.mark.parametrize(
    ("birth", "as_of", "semesters"),
    [
        (dt.date(2009, 9, 1), dt.date(2023, 8, 20), 0),  # 9th grade starts fall 2023
        (dt.date(2009, 9, 2), dt.date(2024, 8, 20), 0),  # born after 1 Sept: a year later
        (dt.date(2009, 9, 1), dt.date(2024, 1, 15), 1),
        (dt.date(2009, 9, 1), dt.date(2024, 7, 1), 2),
        (dt.date(2009, 9, 1), dt.date(2027, 7, 1), 8),
        (dt.date(2002, 3, 1), dt.date(2026, 3, 1), 19),  # long past 12th: capped later
    ],
)
def test_an_age_cohort_has_finished_these_semesters(birth, as_of, semesters):
    assert semesters_for_age(birth, as_of) == semesters


@pytest.mark.parametrize(
    ("terms", "earned", "expected", "on_track"),
    [
        ([TermRecord(2024, False, 9)], 25.0, 25.0, True),
        ([TermRecord(2024, False, 9), TermRecord(2024, True, 9)], 45.0, 50.0, False),
        ([TermRecord(2026, True, 10), TermRecord(2025, True, 9)], 105.0, 105.0, True),
        ([TermRecord(2026, False, 11)], 130.0, 132.5, False),
        ([TermRecord(2027, True, 12)], 210.0, 210.0, True),
        ([], 0.0, None, None),
    ],
)
def test_on_track_for_grade_follows_the_benchmarks(terms, earned, expected, on_track):
    result = summary(courses("ELECTIVE", int(earned // 5)), terms=terms)
    assert result.expected_for_grade == expected
    assert result.on_track_for_grade is on_track


def test_on_track_for_age_uses_the_birth_date():
    # Born March 2008: 9th grade from fall 2022, so by March 2026 seven semesters are done.
    student = StudentRecord(dt.date(2008, 3, 1), courses("ELECTIVE", 20))
    result = credit_summary(student, as_of=AS_OF)
    assert result.expected_for_age == 185.0
    assert result.on_track_for_age is False


def spans(*rows):
    return [
        EnrollmentSpan(name, dt.date(year, 8, 15), grade, exit_on, code)
        for name, year, grade, exit_on, code in rows
    ]


@pytest.mark.parametrize(
    ("status", "enrollments", "possible"),
    [
        (
            {"fosterYouth"},
            spans(("Roosevelt HS", 2021, 9, None, "T160"), ("Lincoln HS", 2023, 11, None, "")),
            True,
        ),
        (
            {"fosterYouth"},
            spans(("Roosevelt HS", 2021, 9, None, "T160"), ("Lincoln HS", 2022, 10, None, "")),
            False,
        ),
        (
            set(),
            spans(("Roosevelt HS", 2021, 9, None, "T160"), ("Lincoln HS", 2023, 11, None, "")),
            False,
        ),
        ({"homelessYouth"}, spans(("Roosevelt HS", 2021, 9, None, "")), False),
    ],
)
def test_ab_167_216_is_flagged_for_a_qualifying_youth_who_moved_after_tenth_grade(
    status, enrollments, possible
):
    result = summary(
        courses("B", 2, ag="b"), enrollments=enrollments, special_status=frozenset(status)
    )
    assert result.possibly_state_minimum is possible
    assert result.needed_for_state_minimum == 120.0


def test_last_school_and_withdrawal_come_from_the_latest_enrollment():
    result = summary(
        [],
        enrollments=spans(
            ("Lincoln HS", 2023, 11, dt.date(2024, 2, 2), "E140"),
            ("Roosevelt HS", 2021, 9, dt.date(2023, 6, 9), "T160"),
        ),
    )
    assert result.last_school == "Lincoln HS"
    assert result.last_school_exit_date == dt.date(2024, 2, 2)
    assert result.last_exit_code == "E140"


def test_credit_recovery_credits_are_counted_apart():
    result = summary(courses("C", 2, ag="c") + courses("C", 1, ag="c", credit_recovery=True))
    assert result.earned == 15
    assert result.credit_recovery_credits == 5
