import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.models import ReferralStatus
from referrals.services import referral_enroll
from tests.referrals.factories import ReferralFactory, request_for
from tests.youth.factories import CaseFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def accepted(counselor, center_a):
    """A referral sent a week ago and accepted since."""
    case = CaseFactory(center=center_a, counselor=counselor)
    return ReferralFactory(
        case=case,
        status=ReferralStatus.ACCEPTED,
        sent_at=timezone.now() - datetime.timedelta(days=7),
    )


def enroll(user, referral, enrolled_on, confirmed_by=None):
    return referral_enroll(
        request=request_for(user),
        referral=referral,
        enrolled_on=enrolled_on,
        confirmed_by=confirmed_by or user,
    )


def test_an_enrollment_keeps_its_date_and_who_confirmed_it(counselor, supervisor, accepted):
    enrolled_on = timezone.localdate() - 2 * DAY
    enroll(counselor, accepted, enrolled_on, confirmed_by=supervisor)

    accepted.refresh_from_db()
    assert accepted.status == ReferralStatus.ENROLLED
    assert accepted.enrolled_on == enrolled_on
    assert accepted.confirmed_by == supervisor


def test_an_enrollment_may_be_dated_today(counselor, accepted):
    assert enroll(counselor, accepted, timezone.localdate()).status == ReferralStatus.ENROLLED


def test_an_enrollment_may_be_dated_the_day_the_referral_was_sent(counselor, accepted):
    sent_on = timezone.localdate(accepted.sent_at)
    assert enroll(counselor, accepted, sent_on).enrolled_on == sent_on


def test_an_enrollment_cannot_be_dated_in_the_future(counselor, accepted):
    with pytest.raises(ValidationError) as refused:
        enroll(counselor, accepted, timezone.localdate() + DAY)
    assert refused.value.message_dict == {
        "enrolled_on": ["An enrollment cannot be dated in the future."]
    }
    accepted.refresh_from_db()
    assert accepted.status == ReferralStatus.ACCEPTED
    assert not accepted.events.exists()


def test_an_enrollment_cannot_be_dated_before_the_referral_was_sent(counselor, accepted):
    with pytest.raises(ValidationError) as refused:
        enroll(counselor, accepted, timezone.localdate(accepted.sent_at) - DAY)
    assert refused.value.message_dict == {
        "enrolled_on": ["An enrollment cannot be dated before the referral was sent."]
    }
    accepted.refresh_from_db()
    assert accepted.enrolled_on is None
