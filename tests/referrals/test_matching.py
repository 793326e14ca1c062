import pytest

from referrals.matching import options_for
from referrals.models import Program, ProgramKind
from tests.referrals.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def fit_of(program, *, age=18, credits=None, center):
    [fit] = options_for(age=age, credits=credits, center=center, programs=[program])
    return fit


@pytest.mark.parametrize(
    ("min_age", "max_age", "age", "reason"),
    [
        (16, 17, 15, "Ages 16-17 only; this youth is 15."),
        (16, 17, 16, None),
        (16, 17, 17, None),
        (16, 17, 18, "Ages 16-17 only; this youth is 18."),
        (16, 17, 19, "Ages 16-17 only; this youth is 19."),
        (18, None, 17, "Ages 18 and older only; this youth is 17."),
        (18, None, 18, None),
        (18, None, 24, None),
        (None, 18, 18, None),
        (None, 18, 19, "Ages up to 18 only; this youth is 19."),
        (16, 24, 24, None),
        (16, 24, 25, "Ages 16-24 only; this youth is 25."),
        (None, None, 30, None),
    ],
)
def test_the_age_rule_fits_inclusive_boundaries(center_a, min_age, max_age, age, reason):
    fit = fit_of(ProgramFactory(min_age=min_age, max_age=max_age), age=age, center=center_a)
    assert fit.fits is (reason is None)
    assert fit.reasons == ((reason,) if reason else ())


@pytest.mark.parametrize(
    ("min_credits", "max_credits", "credits", "reason"),
    [
        (170, None, 45, "Needs at least 170 credits; this youth has 45."),
        (170, None, 169.5, "Needs at least 170 credits; this youth has 169.5."),
        (170, None, 170, None),
        (170, None, 210, None),
        (None, 105, 105, None),
        (None, 105, 110, "Takes youth with at most 105 credits; this youth has 110."),
        (50, 105, 0, "Needs at least 50 credits; this youth has 0."),
        (None, None, 0, None),
    ],
)
def test_the_credit_rule_fits_inclusive_boundaries(
    center_a, min_credits, max_credits, credits, reason
):
    program = ProgramFactory(min_credits=min_credits, max_credits=max_credits)
    fit = fit_of(program, credits=credits, center=center_a)
    assert fit.fits is (reason is None)
    assert fit.reasons == ((reason,) if reason else ())


def test_unknown_credits_never_exclude_but_say_credits_are_unknown(center_a):
    fit = fit_of(ProgramFactory(min_credits=170), credits=None, center=center_a)
    assert fit.fits
    assert fit.reasons == ()
    assert fit.notes == ("Credits unknown: check the program's credit rule.",)


def test_unknown_credits_say_nothing_for_a_program_without_a_credit_rule(center_a):
    assert fit_of(ProgramFactory(), credits=None, center=center_a).notes == ()


def test_a_program_restricted_to_other_centers_is_not_offered_here(center_a, center_b):
    fit = fit_of(ProgramFactory(centers=[center_b]), center=center_a)
    assert not fit.fits
    assert fit.reasons == ("Not offered at this center.",)


def test_a_program_restricted_to_this_center_fits_here(center_a, center_b):
    assert fit_of(ProgramFactory(centers=[center_a, center_b]), center=center_a).fits


def test_a_program_without_centers_is_offered_everywhere(center_a):
    assert fit_of(ProgramFactory(), center=center_a).fits


def test_a_retired_program_does_not_fit(center_a):
    assert fit_of(ProgramFactory(is_active=False), center=center_a).reasons == (
        "No longer offered.",
    )


def test_every_reason_a_program_does_not_fit_is_given(center_a, center_b):
    program = ProgramFactory(centers=[center_b], min_age=16, max_age=17, min_credits=170)
    fit = fit_of(program, age=19, credits=45, center=center_a)
    assert fit.reasons == (
        "Not offered at this center.",
        "Ages 16-17 only; this youth is 19.",
        "Needs at least 170 credits; this youth has 45.",
    )


def test_fitting_options_come_first_then_by_kind(center_a):
    other = ProgramFactory(name="Job Corps", kind=ProgramKind.OTHER)
    wioa = ProgramFactory(name="WIOA Youth Program", kind=ProgramKind.WIOA)
    school_too_old = ProgramFactory(name="Continuation", kind=ProgramKind.SCHOOL, max_age=17)
    equivalency = ProgramFactory(name="HiSET", kind=ProgramKind.EQUIVALENCY)
    school = ProgramFactory(name="Adult school diploma", kind=ProgramKind.SCHOOL)

    options = options_for(
        age=19,
        credits=45,
        center=center_a,
        programs=[other, wioa, school_too_old, equivalency, school],
    )

    assert [option.program for option in options] == [
        school,
        equivalency,
        wioa,
        other,
        school_too_old,
    ]
    assert [option.fits for option in options] == [True, True, True, True, False]


def test_matching_reads_only_the_programs_it_is_given(center_a, django_assert_num_queries):
    ProgramFactory(centers=[center_a])
    programs = list(Program.objects.prefetch_related("centers"))
    with django_assert_num_queries(0):
        options_for(age=18, credits=None, center=center_a, programs=programs)
