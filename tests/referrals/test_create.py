import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from referrals.models import ReferralStatus
from referrals.services import referral_create, referral_withdraw
from tests.referrals.factories import ProgramFactory, ReferralFactory, request_for
from tests.youth.factories import CaseFactory, ConsentFactory, YouthFactory
from youth.choices import CaseStatus, ClosedReason

pytestmark = pytest.mark.django_db

EXTERNAL_CONSENT_MESSAGE = (
    "A referral to a program outside the center requires consent covering that recipient."
)


def years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


@pytest.fixture
def case_a(counselor, center_a):
    """An open case at center A for a youth of 19."""
    return CaseFactory(
        center=center_a, counselor=counselor, youth=YouthFactory(birth_date=years_ago(19))
    )


def create(user, case, program, **kwargs):
    return referral_create(
        request=request_for(user), youth=case.youth, case=case, program=program, **kwargs
    )


def test_a_counselor_refers_a_youth_to_a_program_that_fits(counselor, case_a):
    program = ProgramFactory(min_age=16, max_age=24)

    referral = create(counselor, case_a, program, notes="Wants evening classes")

    assert referral.status == ReferralStatus.DRAFT
    assert (referral.youth, referral.case, referral.counselor) == (
        case_a.youth,
        case_a,
        counselor,
    )
    assert referral.notes == "Wants evening classes"
    assert referral.fit_override_reason == ""
    event = referral.events.get()
    assert (event.from_status, event.to_status, event.by) == ("", ReferralStatus.DRAFT, counselor)
    entry = AccessLogEntry.objects.get(youth=case_a.youth)
    assert entry.action == Action.CHANGED
    assert entry.detail == {"referral": referral.pk, "status": "draft"}


def test_it_refuses_a_program_that_does_not_fit_without_an_override_reason(counselor, case_a):
    program = ProgramFactory(min_age=16, max_age=17)

    with pytest.raises(ValidationError) as refused:
        create(counselor, case_a, program, fit_override_reason="  ")

    message = refused.value.message_dict["fit_override_reason"][0]
    assert "Ages 16-17 only; this youth is 19." in message
    assert not case_a.youth.referrals.exists()


def test_a_program_that_does_not_fit_is_referred_with_the_counselors_reason(counselor, case_a):
    program = ProgramFactory(min_age=16, max_age=17)

    referral = create(
        counselor, case_a, program, fit_override_reason="Principal agreed to take him at 19"
    )

    assert referral.fit_override_reason == "Principal agreed to take him at 19"
    assert referral.events.get().reason == "Principal agreed to take him at 19"


def test_an_override_reason_is_not_kept_when_the_program_fits(counselor, case_a):
    referral = create(counselor, case_a, ProgramFactory(), fit_override_reason="Just in case")
    assert referral.fit_override_reason == ""


def test_credits_below_the_programs_rule_need_an_override(counselor, case_a):
    program = ProgramFactory(min_credits=170)
    with pytest.raises(ValidationError, match="Needs at least 170 credits; this youth has 45"):
        create(counselor, case_a, program, credits=45)


def test_unknown_credits_do_not_stop_a_referral(counselor, case_a):
    program = ProgramFactory(min_credits=170)
    assert create(counselor, case_a, program, credits=None).status == ReferralStatus.DRAFT


def test_a_program_of_another_center_needs_an_override(counselor, case_a, center_b):
    program = ProgramFactory(centers=[center_b])
    with pytest.raises(ValidationError, match="Not offered at this center"):
        create(counselor, case_a, program)


def test_it_refuses_an_external_program_without_consent(counselor, case_a):
    program = ProgramFactory(external=True)

    with pytest.raises(ValidationError) as refused:
        create(counselor, case_a, program)

    assert refused.value.messages == [EXTERNAL_CONSENT_MESSAGE]
    assert not case_a.youth.referrals.exists()


def test_an_external_program_is_referred_with_a_consent_covering_wioa_sharing(counselor, case_a):
    ConsentFactory(youth=case_a.youth, recorded_by=counselor, covers_wioa_sharing=True)
    referral = create(counselor, case_a, ProgramFactory(external=True))
    assert referral.status == ReferralStatus.DRAFT


@pytest.mark.parametrize(
    "consent",
    [
        {"covers_wioa_sharing": False},
        {"expires_on": datetime.date(2020, 1, 1), "signed_on": datetime.date(2019, 1, 1)},
        {"withdrawn_on": datetime.date(2020, 1, 1), "signed_on": datetime.date(2019, 1, 1)},
    ],
    ids=["not covering WIOA sharing", "expired", "withdrawn"],
)
def test_a_consent_not_in_force_or_not_covering_sharing_is_not_enough(counselor, case_a, consent):
    ConsentFactory(youth=case_a.youth, recorded_by=counselor, **consent)
    with pytest.raises(ValidationError, match="requires consent"):
        create(counselor, case_a, ProgramFactory(external=True))


def test_a_program_at_the_center_needs_no_consent(counselor, case_a):
    assert create(counselor, case_a, ProgramFactory(external=False)).pk


def test_it_refuses_a_retired_program(counselor, case_a):
    with pytest.raises(ValidationError, match="no longer offered"):
        create(counselor, case_a, ProgramFactory(is_active=False), fit_override_reason="Anyway")


def test_it_refuses_a_second_open_referral_to_the_same_program(counselor, case_a):
    program = ProgramFactory()
    create(counselor, case_a, program)
    with pytest.raises(ValidationError, match="already has an open referral"):
        create(counselor, case_a, program)
    assert case_a.youth.referrals.count() == 1


def test_a_youth_may_be_referred_again_once_the_last_referral_was_withdrawn(counselor, case_a):
    program = ProgramFactory()
    first = create(counselor, case_a, program)
    referral_withdraw(request=request_for(counselor), referral=first, reason="Wrong campus")
    assert create(counselor, case_a, program).pk != first.pk


def test_a_referral_is_made_in_an_open_case(counselor, case_a):
    case_a.status, case_a.closed_on = CaseStatus.CLOSED, timezone.localdate()
    case_a.closed_reason = ClosedReason.SERVED
    case_a.save()
    with pytest.raises(ValidationError, match="open case"):
        create(counselor, case_a, ProgramFactory())


def test_a_referral_is_made_in_the_youths_own_case(counselor, case_a, center_a):
    someone_else = CaseFactory(center=center_a, counselor=counselor)
    with pytest.raises(ValidationError, match="another youth"):
        referral_create(
            request=request_for(counselor),
            youth=someone_else.youth,
            case=case_a,
            program=ProgramFactory(),
        )


@pytest.mark.parametrize("persona", ["readonly_colleague", "other_counselor", "analyst"])
def test_only_staff_who_may_change_the_case_make_referrals(request, case_a, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        create(user, case_a, ProgramFactory())
    assert not case_a.youth.referrals.exists()


def test_the_factory_keeps_youth_case_and_counselor_together(case_a):
    referral = ReferralFactory(case=case_a)
    assert referral.youth == case_a.youth
    assert referral.counselor == case_a.counselor
