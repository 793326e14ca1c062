import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from tests.referrals.factories import ProgramFactory, ReferralFactory
from youth.models import FollowUp

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_referral_page_shows_which_options_fit_and_why_not(client_for, counselor, case_a):
    youth = case_a.youth
    youth.birth_date = TODAY.replace(year=TODAY.year - 19)
    youth.save()
    ProgramFactory(name="Continuation", min_age=16, max_age=17)
    ProgramFactory(name="Adult school", min_age=18)
    response = client_for(counselor).get(reverse("referrals:new", args=[youth.pk]))
    options = {o.program.name: o for o in response.context["options"]}
    assert options["Adult school"].fits
    assert not options["Continuation"].fits
    assert "Ages 16-17 only; this youth is 19." in response.content.decode()


def test_a_counselor_refers_and_sends(client_for, counselor, case_a):
    program = ProgramFactory(name="Adult school")
    response = client_for(counselor).post(
        reverse("referrals:new", args=[case_a.youth_id]),
        {"program": program.pk, "notes": "Evening classes", "send_now": "on"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(youth=case_a.youth)
    assert referral.status == "sent"
    assert [e.to_status for e in referral.events.order_by("at", "pk")] == ["draft", "sent"]


def test_a_program_that_does_not_fit_needs_a_reason(client_for, counselor, case_a):
    youth = case_a.youth
    youth.birth_date = TODAY.replace(year=TODAY.year - 20)
    youth.save()
    program = ProgramFactory(name="Continuation", min_age=16, max_age=17)
    url = reverse("referrals:new", args=[youth.pk])
    response = client_for(counselor).post(url, {"program": program.pk})
    assert response.status_code == 200
    assert not Referral.objects.exists()
    client_for(counselor).post(
        url, {"program": program.pk, "fit_override_reason": "Approved by the principal"}
    )
    assert Referral.objects.get().fit_override_reason == "Approved by the principal"


def test_a_referral_moves_to_enrolled_with_its_date(client_for, counselor, case_a):
    referral = ReferralFactory(case=case_a, status="accepted")
    response = client_for(counselor).post(
        reverse("referrals:move", args=[referral.pk]),
        {"to": "enrolled", "enrolled_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.enrolled_on, referral.confirmed_by) == (
        "enrolled",
        TODAY,
        counselor,
    )


def test_an_invalid_move_is_refused_with_a_message(client_for, counselor, case_a):
    referral = ReferralFactory(case=case_a, status="declined")
    response = client_for(counselor).post(
        reverse("referrals:move", args=[referral.pk]),
        {"to": "enrolled", "enrolled_on": TODAY.isoformat()},
        follow=True,
    )
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert "cannot be marked" in response.content.decode()


def test_leaving_the_wioa_program_schedules_a_year_of_follow_ups(client_for, counselor, case_a):
    program = ProgramFactory(kind="wioa")
    referral = ReferralFactory(case=case_a, program=program, status="enrolled")
    client_for(counselor).post(
        reverse("referrals:move", args=[referral.pk]), {"to": "exited", "reason": "Found a job"}
    )
    dues = sorted(FollowUp.objects.filter(case=case_a).values_list("due_on", flat=True))
    assert len(dues) == 4
    assert dues[-1] - TODAY >= datetime.timedelta(days=360)


def test_another_centers_counselor_cannot_move_a_referral(client_for, other_counselor, case_a):
    referral = ReferralFactory(case=case_a, status="sent")
    response = client_for(other_counselor).post(
        reverse("referrals:move", args=[referral.pk]), {"to": "accepted"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"
