"""WIOA out-of-school youth eligibility, rule by rule: no database."""

import datetime as dt
from collections.abc import Iterable

import pytest
from django.utils.functional import Promise

from youth.eligibility import (
    CRITERIA,
    Determination,
    EligibilityFacts,
    Evidence,
    age_on,
    determine,
)

ON = dt.date(2026, 3, 2)
BASE = ["age_proof", "school_status_proof"]


def born(years_ago: int) -> dt.date:
    return ON.replace(year=ON.year - years_ago)


def facts(
    *,
    age: int = 19,
    status: str = "not_attending",
    barriers: tuple[str, ...] = (),
    deficient: bool | None = None,
    on_file: Iterable[str] = (),
    birth_date: dt.date | None = None,
) -> EligibilityFacts:
    return EligibilityFacts(
        birth_date=birth_date or born(age),
        school_status=status,
        barriers=frozenset(barriers),
        basic_skills_deficient=deficient,
        evidence_on_file=frozenset(on_file),
    )


ELIGIBLE = [
    (facts(status="dropout"), "dropout", "(c)(1)"),
    (facts(age=17, barriers=("missed_quarter",)), "missed_quarter", "(c)(2)"),
    (
        facts(status="graduate", barriers=("low_income",), deficient=True),
        "diploma_low_income_skills",
        "(c)(3)",
    ),
    (
        facts(status="graduate", barriers=("low_income", "basic_skills_deficient")),
        "diploma_low_income_skills",
        "(c)(3)",
    ),
    (
        facts(status="graduate", barriers=("low_income", "english_learner"), deficient=False),
        "diploma_low_income_skills",
        "(c)(3)",
    ),
    (facts(barriers=("justice_involved",)), "justice_involved", "(c)(4)"),
    (facts(barriers=("homeless_runaway",)), "homeless_foster", "(c)(5)"),
    (facts(barriers=("foster_care",)), "homeless_foster", "(c)(5)"),
    (facts(barriers=("pregnant_parenting",)), "pregnant_parenting", "(c)(6)"),
    (facts(barriers=("disability",)), "disability", "(c)(7)"),
    (
        facts(barriers=("low_income", "needs_assistance")),
        "low_income_needs_assistance",
        "(c)(8)",
    ),
]


@pytest.mark.parametrize(
    ("youth", "criterion", "paragraph"),
    ELIGIBLE,
    ids=[
        "a dropout",
        "a 17-year-old who missed the latest quarter",
        "a low-income graduate whose test shows a skills deficiency",
        "a low-income graduate marked deficient and not yet tested",
        "a low-income graduate who is an English learner",
        "a justice-involved youth",
        "a homeless or runaway youth",
        "a youth in foster care",
        "a pregnant or parenting youth",
        "a youth with a disability",
        "a low-income youth who needs additional assistance",
    ],
)
def test_each_criterion_makes_an_out_of_school_youth_eligible(youth, criterion, paragraph):
    determination = determine(youth, on=ON)

    assert determination.eligible
    assert determination.criterion == criterion
    assert determination.regulation.startswith(f"20 CFR 681.210{paragraph}; WIOA sec. 129")
    assert determination.reasons == []


NOT_ELIGIBLE = [
    facts(),
    facts(age=18, barriers=("missed_quarter",)),
    facts(age=17, status="graduate", barriers=("missed_quarter",)),
    facts(status="graduate", barriers=("low_income", "basic_skills_deficient"), deficient=False),
    facts(status="graduate", barriers=("low_income",)),
    facts(status="graduate", deficient=True, barriers=("english_learner",)),
    facts(barriers=("low_income",), deficient=True),
    facts(barriers=("low_income",)),
    facts(barriers=("needs_assistance",)),
]


@pytest.mark.parametrize(
    "youth",
    NOT_ELIGIBLE,
    ids=[
        "out of school with no barrier",
        "an 18-year-old who missed a quarter is past compulsory age",
        "a 17-year-old graduate is not of compulsory school age",
        "a test above level 4 outranks the deficient checkbox",
        "a low-income graduate neither deficient nor an English learner",
        "a deficient graduate who is not low income",
        "a deficient low-income youth without a diploma",
        "low income without a need for additional assistance",
        "a need for additional assistance without low income",
    ],
)
def test_it_refuses_a_youth_who_meets_no_criterion(youth):
    determination = determine(youth, on=ON)

    assert not determination.eligible
    assert determination.criterion is None
    assert determination.regulation is None
    assert "Meets none of the out-of-school youth criteria" in str(determination.reasons[0])


@pytest.mark.parametrize(
    ("barriers", "criterion"),
    [
        (("disability", "justice_involved", "pregnant_parenting"), "justice_involved"),
        (("low_income", "needs_assistance", "foster_care"), "homeless_foster"),
        (("low_income", "needs_assistance", "disability"), "disability"),
    ],
    ids=["justice before parenting", "foster care before (c)(8)", "disability before (c)(8)"],
)
def test_the_first_criterion_in_regulation_order_is_recorded(barriers, criterion):
    assert determine(facts(barriers=barriers), on=ON).criterion == criterion


def test_a_dropout_is_recorded_as_such_whatever_else_applies():
    youth = facts(status="dropout", barriers=("justice_involved", "disability"))

    assert determine(youth, on=ON).criterion == "dropout"


def test_it_refuses_a_youth_enrolled_in_school_whatever_the_barriers():
    youth = facts(status="enrolled", barriers=("justice_involved", "pregnant_parenting"))

    determination = determine(youth, on=ON)

    assert not determination.eligible
    assert determination.criterion is None
    assert [str(reason) for reason in determination.reasons] == [
        "Enrolled in school: an out-of-school youth must not be attending school"
    ]


AGES = [
    (dt.date(2010, 3, 3), ON, False, 15),
    (dt.date(2010, 3, 2), ON, True, 16),
    (dt.date(2001, 3, 3), ON, True, 24),
    (dt.date(2001, 3, 2), ON, False, 25),
    (dt.date(2008, 2, 29), dt.date(2024, 2, 28), False, 15),
    (dt.date(2008, 2, 29), dt.date(2024, 2, 29), True, 16),
    (dt.date(2000, 2, 29), dt.date(2025, 2, 28), True, 24),
    (dt.date(2000, 2, 29), dt.date(2025, 3, 1), False, 25),
]


@pytest.mark.parametrize(
    ("birth_date", "on", "eligible", "age"),
    AGES,
    ids=[
        "the day before the 16th birthday is too young",
        "the 16th birthday is old enough",
        "the day before the 25th birthday is still 24",
        "the 25th birthday is too old",
        "born on a leap day, 15 on the 28th of February of a leap year",
        "born on a leap day, 16 on the 29th of February",
        "born on a leap day, still 24 on the 28th of February of a common year",
        "born on a leap day, 25 on the 1st of March of a common year",
    ],
)
def test_a_youth_must_be_16_to_24_on_the_enrollment_date(birth_date, on, eligible, age):
    determination = determine(facts(status="dropout", birth_date=birth_date), on=on)

    assert age_on(birth_date, on) == age
    assert determination.eligible is eligible
    if not eligible:
        assert [str(reason) for reason in determination.reasons] == [
            f"Aged {age} at enrollment: an out-of-school youth must be 16 to 24"
        ]


@pytest.mark.parametrize(
    ("on", "eligible"),
    [(dt.date(2026, 2, 28), True), (dt.date(2026, 3, 1), False)],
    ids=["17 on the 28th of February", "18 on the 1st of March"],
)
def test_a_leap_day_baby_leaves_compulsory_school_age_on_the_1st_of_march(on, eligible):
    youth = facts(birth_date=dt.date(2008, 2, 29), barriers=("missed_quarter",))

    assert determine(youth, on=on).eligible is eligible


def test_a_15_year_old_dropout_is_refused_on_age_alone():
    determination = determine(facts(status="dropout", age=15), on=ON)

    assert not determination.eligible
    assert determination.criterion is None
    assert len(determination.reasons) == 1


@pytest.mark.parametrize(
    ("days_later", "expired"),
    [(0, False), (89, False), (90, True), (91, True)],
    ids=[
        "the day of determination",
        "the 89th day after, its last valid day",
        "the 90th day after, when it expires",
        "the 91st day after",
    ],
)
def test_a_determination_holds_for_90_days_counting_the_day_it_was_made(days_later, expired):
    determination = determine(facts(status="dropout"), on=ON)

    assert determination.determined_on == ON
    assert determination.expires_on == ON + dt.timedelta(days=90)
    assert determination.valid_through == ON + dt.timedelta(days=89)
    assert determination.is_expired(ON + dt.timedelta(days=days_later)) is expired


def test_the_expiry_date_cannot_be_passed_in_apart_from_the_determination_date():
    determination = Determination(
        eligible=True, criterion="dropout", regulation="x", determined_on=ON
    )

    assert determination.expires_on == dt.date(2026, 5, 31)


MISSING = [
    (facts(status="dropout"), BASE),
    (facts(status="dropout", on_file=("age_proof", "school_status_proof")), []),
    (
        facts(barriers=("justice_involved",), on_file=("age_proof",)),
        ["school_status_proof", "justice_proof"],
    ),
    (
        facts(status="graduate", barriers=("low_income", "english_learner"), on_file=BASE),
        ["diploma_proof", "income_proof", "english_learner_proof"],
    ),
    (
        facts(status="graduate", barriers=("low_income",), deficient=True, on_file=BASE),
        ["diploma_proof", "income_proof", "test_score"],
    ),
    (
        facts(barriers=("homeless_runaway", "foster_care"), on_file=[*BASE, "foster_care_proof"]),
        [],
    ),
    (facts(barriers=("homeless_runaway", "foster_care"), on_file=BASE), ["homeless_proof"]),
    (facts(age=17, barriers=("missed_quarter",), on_file=BASE), ["attendance_record"]),
    (
        facts(barriers=("low_income", "needs_assistance"), on_file=[*BASE, "income_proof"]),
        ["needs_assistance_proof"],
    ),
    (
        facts(status="graduate", barriers=("low_income",), on_file=BASE),
        ["diploma_proof", "income_proof", "test_score"],
    ),
    (facts(barriers=("low_income",), on_file=BASE), ["income_proof", "needs_assistance_proof"]),
    (facts(age=17, on_file=BASE), ["attendance_record"]),
    (facts(), BASE),
]


@pytest.mark.parametrize(
    ("youth", "missing"),
    MISSING,
    ids=[
        "a dropout with nothing on file needs age and school status",
        "a dropout with both on file needs nothing more",
        "a justice-involved youth needs the court record",
        "an English-learner graduate needs the English-learner proof, not a test",
        "a deficient graduate needs the test score",
        "homeless and in foster care, the foster record on file is enough",
        "homeless and in foster care with neither on file, the homeless proof is asked",
        "a missed quarter needs the attendance record",
        "a low-income youth needing assistance, income on file, needs the record of need",
        "an untested low-income graduate is told to take a test",
        "low income alone points to the need for assistance",
        "an out-of-school 17-year-old points to the attendance record",
        "nothing partly met asks for the base documents only",
    ],
)
def test_it_lists_the_evidence_still_needed_for_the_criterion_in_view(youth, missing):
    determination = determine(youth, on=ON)

    assert [code for code, _ in determination.missing_evidence] == missing
    for code, label in determination.missing_evidence:
        assert label == Evidence(code).label


def test_a_refusal_says_what_the_most_promising_criterion_still_lacks():
    youth = facts(status="graduate", barriers=("low_income",))

    reasons = [str(reason) for reason in determine(youth, on=ON).reasons]

    assert reasons[1:] == ["Neither basic-skills deficient nor an English learner"]


def test_every_reason_and_evidence_label_is_translatable():
    determination = determine(facts(status="enrolled", age=30, barriers=("low_income",)), on=ON)

    assert len(determination.reasons) == 4
    assert all(isinstance(reason, Promise) for reason in determination.reasons)
    assert all(isinstance(label, Promise) for _, label in determination.missing_evidence)
    assert all(isinstance(criterion.label, Promise) for criterion in CRITERIA)


@pytest.mark.parametrize("criterion", CRITERIA, ids=[criterion.code for criterion in CRITERIA])
def test_each_criterion_names_its_regulation_in_its_docstring(criterion):
    cfr, statute = criterion.regulation.split("; ")

    assert cfr in criterion.rule.__doc__
    assert statute in criterion.rule.__doc__
