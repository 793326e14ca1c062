"""How a signed-in session ends besides the 30 idle minutes: its absolute lifetime, signing
out everywhere, and a password change."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.sessions import SIGNED_IN_AT
from audit.models import AccessLogEntry, Action
from tests.accounts.factories import sign_in_fully
from tests.centers.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOUR = 60 * 60


def signed_in_hours_ago(client, hours: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] = time.time() - hours * HOUR
    session.save()


def is_sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_session_ends_12_hours_after_sign_in_however_active(client_for, supervisor):
    client = client_for(supervisor)
    signed_in_hours_ago(client, 11.9)
    assert client.get(reverse("home")).status_code == 200  # active, and within its lifetime
    signed_in_hours_ago(client, 12.01)
    response = client.get(reverse("referrals:pipeline"))
    assert is_sent_to_sign_in(response)
    assert "next=/referrals/pipeline/" in response.url
    assert "_auth_user_id" not in client.session
    assert b"Your session has ended" in client.get(response.url).content


def test_the_absolute_lifetime_is_a_setting(client_for, counselor, settings):
    settings.SESSION_ABSOLUTE_LIFETIME_HOURS = 1
    client = client_for(counselor)
    signed_in_hours_ago(client, 0.9)
    assert client.get(reverse("home")).status_code == 200
    signed_in_hours_ago(client, 1.01)
    assert is_sent_to_sign_in(client.get(reverse("home")))


def test_a_session_without_a_sign_in_time_has_ended(client_for, counselor):
    client = client_for(counselor)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert is_sent_to_sign_in(client.get(reverse("home")))


def test_signing_in_again_starts_a_new_lifetime(client, counselor):
    client.post(reverse("accounts:login"), {"username": "alice.counselor", "password": PASSWORD})
    assert time.time() - client.session[SIGNED_IN_AT] < 60
    assert client.get(reverse("home")).status_code == 200


def test_signing_out_everywhere_ends_the_sessions_on_every_device(client_for, supervisor):
    phone = sign_in_fully(Client(), supervisor)
    laptop = client_for(supervisor)
    assert phone.get(reverse("home")).status_code == 200
    page = laptop.get(reverse("accounts:two_step"))
    assert b"Sign out everywhere" in page.content
    assert laptop.get(reverse("accounts:sessions_end_everywhere")).status_code == 405
    response = laptop.post(reverse("accounts:sessions_end_everywhere"))
    assert response.url == reverse("accounts:login")
    assert b"signed out on every device" in laptop.get(response.url).content
    assert is_sent_to_sign_in(laptop.get(reverse("home")))
    assert is_sent_to_sign_in(phone.get(reverse("home")))
    entry = AccessLogEntry.objects.get(action=Action.SESSIONS_ENDED)
    assert entry.user == supervisor
    # A sign-in after that is a session like any other.
    assert sign_in_fully(phone, supervisor).get(reverse("home")).status_code == 200


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(client_for, counselor):
    other = sign_in_fully(Client(), counselor)
    client = client_for(counselor)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert is_sent_to_sign_in(other.get(reverse("home")))


def test_the_settings_page_says_when_this_session_ends(client_for, counselor):
    page = client_for(counselor).get(reverse("accounts:two_step"))
    assert b"at the latest" in page.content
    assert b"30 minutes without use" in page.content
