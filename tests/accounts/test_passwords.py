"""The password rules (at least 12 characters, not a common password, not all digits, not like
the user's name) hold on every page that sets a password: the user's own change page and the
admin site's add-user and set-password pages."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.centers.factories import PASSWORD

pytestmark = pytest.mark.django_db

WEAK = [
    ("short", "This password is too short"),
    ("password1234", "This password is too common"),
    ("839201746512", "This password is entirely numeric"),
    ("alice.counselor1", "The password is too similar to the username"),
]


def test_the_four_validators_are_configured():
    names = [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 12}


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_the_change_password_page_refuses_a_weak_password(client_for, counselor, password, message):
    response = client_for(counselor).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    counselor.refresh_from_db()
    assert counselor.check_password(PASSWORD)


@pytest.fixture
def admin_client_with_user_rights(client_for, administrator):
    administrator.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_user", "change_user", "view_user"])
    )
    return client_for(administrator)


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_the_admin_set_password_page_refuses_a_weak_password(
    admin_client_with_user_rights, counselor, password, message
):
    response = admin_client_with_user_rights.post(
        reverse("admin:auth_user_password_change", args=[counselor.pk]),
        {"password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    counselor.refresh_from_db()
    assert counselor.check_password(PASSWORD)


def test_the_admin_add_user_page_refuses_a_weak_password(admin_client_with_user_rights):
    from accounts.models import User

    response = admin_client_with_user_rights.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new.counselor",
            "password1": "839201746512",
            "password2": "839201746512",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "This password is entirely numeric" in response.content.decode()
    assert not User.objects.filter(username="new.counselor").exists()
