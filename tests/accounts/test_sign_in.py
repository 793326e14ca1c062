from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.centers.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/", "/centers/", "/centers/EAST/", "/accounts/password/"])
def test_every_page_needs_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_sign_in_page_and_healthz_are_public(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_the_right_password_lands_on_the_home_page(client, counselor):
    response = sign_in(client, "alice.counselor", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused_and_keeps_the_username(client, counselor):
    response = sign_in(client, "alice.counselor", "not-the-password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="alice.counselor"' in response.content
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2(counselor):
    assert counselor.password.startswith("argon2")


def test_five_wrong_passwords_lock_the_account(client, counselor):
    for _ in range(4):
        assert sign_in(client, "alice.counselor", "wrong").status_code == 200
    locked = sign_in(client, "alice.counselor", "wrong")
    assert locked.status_code == 429
    assert b"Account locked" in locked.content
    # Now even the right password is refused.
    assert sign_in(client, "alice.counselor", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # The refused try while locked is recorded too.
    assert AccessAttempt.objects.get(username="alice.counselor").failures_since_start == 6


def test_a_locked_account_does_not_lock_a_colleague_at_the_same_address(
    client, counselor, readonly_colleague
):
    for _ in range(5):
        sign_in(client, "alice.counselor", "wrong")
    response = sign_in(client, "rita.readonly", PASSWORD)
    assert response.status_code == 302


def test_a_session_idle_for_30_minutes_is_signed_out(client_for, counselor):
    client = client_for(counselor)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Each request pushes the expiry 30 minutes ahead...
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    # ...so a session untouched for 30 minutes has expired.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_signing_out_ends_the_session(client_for, counselor):
    client = client_for(counselor)
    assert client.get(reverse("accounts:logout")).status_code == 405  # only by POST
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_changing_the_password_needs_the_old_one(client_for, counselor):
    client = client_for(counselor)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )
    assert response.status_code == 200
    assert b"usa-error-message" in response.content
    counselor.refresh_from_db()
    assert counselor.check_password(PASSWORD)


def test_changing_the_password_keeps_this_session(client_for, counselor):
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
    counselor.refresh_from_db()
    assert counselor.check_password("a-new-and-long-passphrase")
    assert client.get(reverse("home")).status_code == 200


def test_a_short_common_password_is_refused(client_for, counselor):
    response = client_for(counselor).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert b"This password is too short" in response.content
    assert b"This password is too common" in response.content
