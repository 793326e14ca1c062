"""Two-step sign-in: a code from an authenticator app (or a one-time backup code) after the
password; required for supervisors, analysts and administrators, optional for counselors."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessLogEntry, Action
from tests.accounts.factories import current_code, give_authenticator, sign_in_fully
from tests.centers.factories import PASSWORD

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:two_step_verify")
ENROL = reverse("accounts:two_step_enrol")


def sign_in_with_password(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, "the password step should succeed"
    return response


def verify(client, code, next_url=""):
    return client.post(VERIFY, {"code": code, "next": next_url})


def wait_out_the_throttle(device):
    """Move the last wrong code back in time, as if the wait after it had passed."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(days=1)
    )


def backup_codes_of(user) -> list[str]:
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def enrol(client, user) -> list[str]:
    """Set up an authenticator through the pages (signing in with the password first when the
    client is not signed in); returns the backup codes shown."""
    if "_auth_user_id" not in client.session:
        sign_in_with_password(client, user)
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": current_code(device)})
    assert response.status_code == 302
    page = client.get(response.url)
    return re.findall(r'<code class="font-mono-md">([a-z2-7]{8})</code>', page.content.decode())


# --- Who must use it ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supervisor", "analyst", "administrator"])
def test_roles_that_require_it_are_sent_to_set_it_up_after_the_password(client, persona, request):
    user = request.getfixturevalue(persona)
    sign_in_with_password(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{ENROL}?{urlencode({'next': '/'})}"
    setup = client.get(ENROL)
    assert setup.status_code == 200
    assert b"Your role needs two-step sign-in" in setup.content


def test_a_counselor_without_it_signs_in_with_the_password_alone(client, counselor):
    sign_in_with_password(client, counselor)
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("accounts:two_step"))
    assert b"Two-step sign-in is off." in page.content
    assert b"Turn on two-step sign-in" in page.content


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/referrals/pipeline/",
        "/youth/",
        "/centers/",
        "/reports/",
        "/accounts/password/",
        "/accounts/two-step/",
        "/accounts/two-step/verify/",
        "/admin/",
    ],
)
def test_a_supervisor_without_an_authenticator_reaches_only_the_set_up_page(
    client, supervisor, path
):
    sign_in_with_password(client, supervisor)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_signing_out_and_switching_language_stay_open_before_the_second_step(client, supervisor):
    sign_in_with_password(client, supervisor)
    assert client.get(reverse("healthz")).status_code in (200, 503)
    switched = client.post(reverse("set_language"), {"language": "es", "next": ENROL})
    assert switched.status_code == 302
    assert switched.url == ENROL
    client.cookies.pop("django_language", None)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# --- Setting it up ------------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_key_then_ten_backup_codes_once(client, supervisor):
    sign_in_with_password(client, supervisor)
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    key = "".join(re.findall(r'id="secret-key">([A-Z2-7 ]+)<', page.content.decode())).split()
    assert "".join(key) == device.config_url.split("secret=")[1].split("&")[0]
    assert b'src="/accounts/two-step/set-up/qr.svg"' in page.content
    qr = client.get(reverse("accounts:two_step_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") or b"<svg" in qr.content[:200]
    assert b"<script" not in qr.content
    # Reloading keeps the same key, so a code already scanned still matches.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1

    response = client.post(ENROL, {"code": current_code(device)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_step_backup_codes"))
    shown = client.get(response.url)
    codes = re.findall(r'<code class="font-mono-md">([a-z2-7]{8})</code>', shown.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(backup_codes_of(supervisor))
    assert b"shown only this once" in shown.content
    # Once: a second look shows none.
    again = client.get(reverse("accounts:two_step_backup_codes"))
    assert again.status_code == 302
    # Set up, and this session is past its second step.
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("referrals:pipeline")).status_code == 200
    entry = AccessLogEntry.objects.get(action=Action.TWO_STEP_ON)
    assert entry.user == supervisor
    assert entry.youth is None
    assert entry.detail == {"staff_user": supervisor.pk}


def test_a_wrong_code_while_setting_up_is_refused(client, supervisor):
    sign_in_with_password(client, supervisor)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert not TOTPDevice.objects.filter(user=supervisor, confirmed=True).exists()
    letters = client.post(ENROL, {"code": "abc"})
    assert b"Enter the 6 digits the app shows." in letters.content


# --- Signing in with it -------------------------------------------------------------------


def test_signing_in_asks_for_the_code_then_goes_where_the_user_was_going(client, supervisor):
    device = give_authenticator(supervisor)
    pipeline = reverse("referrals:pipeline")
    response = client.post(
        f"{reverse('accounts:login')}?next={pipeline}",
        {"username": "sam.supervisor", "password": PASSWORD, "next": pipeline},
    )
    asked = client.get(response.url)
    assert asked.status_code == 302
    assert asked.url == f"{VERIFY}?{urlencode({'next': pipeline})}"
    page = client.get(asked.url)
    assert page.status_code == 200
    assert b'autocomplete="one-time-code"' in page.content
    assert b"Pipeline" not in page.content  # no menu before the second step
    session_before = client.session.session_key
    done = verify(client, current_code(device), next_url=pipeline)
    assert done.status_code == 302
    assert done.url == pipeline
    assert client.get(pipeline).status_code == 200
    assert client.session.session_key != session_before  # a new key once fully signed in


def test_a_wrong_code_is_refused_with_a_clear_message(client, supervisor):
    device = give_authenticator(supervisor)
    sign_in_with_password(client, supervisor)
    response = verify(client, "123456" if current_code(device) != "123456" else "654321")
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert b"usa-error-message" in response.content
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_each_wrong_code_doubles_the_wait_and_codes_in_the_wait_are_not_checked(client, supervisor):
    device = give_authenticator(supervisor)
    sign_in_with_password(client, supervisor)
    wrong = "123456" if current_code(device) != "123456" else "654321"
    for failures in (1, 2, 3):
        wait_out_the_throttle(device)
        verify(client, wrong)
        device.refresh_from_db()
        assert device.throttling_failure_count == failures
        allowed, detail = device.verify_is_allowed()
        assert not allowed
        assert detail["locked_until"] - device.throttling_failure_timestamp == timedelta(
            seconds=2 ** (failures - 1)
        )
    # The right code during the wait is not even checked...
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now())
    refused = verify(client, current_code(device))
    assert b"Too many wrong codes" in refused.content
    assert re.search(rb"Wait [1-4] seconds?, then", refused.content)  # 4 s less the time taken
    assert client.get(reverse("home")).status_code == 302
    # ...and once the wait is over, it goes through.
    wait_out_the_throttle(device)
    assert verify(client, current_code(device)).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_code_works_only_once(client, supervisor):
    device = give_authenticator(supervisor)
    sign_in_with_password(client, supervisor)
    code = current_code(device)
    assert verify(client, code).status_code == 302
    thief = Client()
    sign_in_with_password(thief, supervisor)
    response = verify(thief, code)
    assert response.status_code == 200
    assert b"That code is not right" in response.content


def test_a_backup_code_works_once(client, supervisor):
    codes = enrol(client, supervisor)
    assert len(codes) == 10
    laptop = Client()
    sign_in_with_password(laptop, supervisor)
    used = verify(laptop, codes[3].upper()[:4] + "-" + codes[3][4:])  # as people copy it
    assert used.status_code == 302
    assert b"9 are left" in laptop.get(reverse("home")).content
    assert codes[3] not in backup_codes_of(supervisor)
    another = Client()
    sign_in_with_password(another, supervisor)
    again = verify(another, codes[3])
    assert again.status_code == 200
    assert b"That code is not right" in again.content
    assert another.get(reverse("home")).status_code == 302


def test_new_backup_codes_replace_the_old_ones(client, supervisor):
    old = enrol(client, supervisor)
    response = client.post(reverse("accounts:two_step_backup_renew"))
    assert response.url == reverse("accounts:two_step_backup_codes")
    page = client.get(response.url).content.decode()
    new = re.findall(r'<code class="font-mono-md">([a-z2-7]{8})</code>', page)
    assert len(new) == 10
    assert not set(old) & set(backup_codes_of(supervisor))
    # This session, verified by the app, stays signed in.
    assert client.get(reverse("home")).status_code == 200
    assert AccessLogEntry.objects.filter(
        action=Action.BACKUP_CODES_RENEWED, user=supervisor
    ).exists()


def test_a_counselors_stolen_password_alone_does_not_reach_a_supervisor_account(
    client, supervisor, youth_a
):
    """Someone who knows only a supervisor's password gets no page but the code page: not the
    pipeline, not a youth, not the admin site, and cannot set up an authenticator of their own."""
    give_authenticator(supervisor)
    sign_in_with_password(client, supervisor)
    pages = [
        reverse("home"),
        reverse("referrals:pipeline"),
        reverse("youth:caseload"),
        reverse("youth:detail", args=[youth_a.pk]),
        reverse("centers:list"),
        reverse("reports:grant_report"),
        reverse("sis_bridge:runs"),
        reverse("accounts:two_step"),
        reverse("accounts:password_change"),
        ENROL,
        reverse("accounts:two_step_qr"),
        "/admin/",
        "/admin/accounts/user/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(VERIFY), path
    for path in [reverse("accounts:two_step_backup_renew"), ENROL, reverse("youth:intake")]:
        response = client.post(path, {"code": "123456"})
        assert response.status_code == 302, path
        assert response.url.startswith(VERIFY), path
    assert not StaticDevice.objects.filter(user=supervisor).exists()
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1
    assert not AccessLogEntry.objects.filter(youth=youth_a).exists()


# --- Counselors: optional, then enforced ----------------------------------------------------


def test_a_counselor_who_turns_it_on_must_use_it_at_every_sign_in(client, counselor):
    sign_in_fully(client, counselor)
    codes = enrol(client, counselor)
    assert len(codes) == 10
    assert client.get(reverse("home")).status_code == 200
    other = Client()
    sign_in_with_password(other, counselor)
    for path in [reverse("home"), reverse("youth:caseload"), reverse("accounts:two_step")]:
        response = other.get(path)
        assert response.status_code == 302
        assert response.url.startswith(VERIFY)


def test_a_counselor_may_turn_it_off_with_a_current_code(client_for, counselor):
    client = client_for(counselor)
    enrol(client, counselor)
    off = reverse("accounts:two_step_off")
    device = TOTPDevice.objects.get(user=counselor)
    wrong = client.post(off, {"code": "123456" if current_code(device) != "123456" else "1"})
    assert wrong.status_code == 200
    assert TOTPDevice.objects.filter(user=counselor).exists()
    wait_out_the_throttle(device)
    response = client.post(off, {"code": current_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=counselor).exists()
    assert not StaticDevice.objects.filter(user=counselor).exists()
    assert client.get(reverse("home")).status_code == 200
    assert AccessLogEntry.objects.filter(action=Action.TWO_STEP_OFF, user=counselor).exists()


@pytest.mark.parametrize("persona", ["supervisor", "analyst", "administrator"])
def test_roles_that_require_it_cannot_turn_it_off(client_for, persona, request):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("accounts:two_step_off")).status_code == 403
    page = client.get(reverse("accounts:two_step"))
    assert b"cannot be turned off" in page.content
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_new_phone_replaces_the_old_authenticator(client_for, supervisor):
    client = client_for(supervisor)
    old = TOTPDevice.objects.get(user=supervisor)
    assert client.get(ENROL).status_code == 200
    new = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    assert client.post(ENROL, {"code": current_code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=supervisor)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get(reverse("referrals:pipeline")).status_code == 200


# --- Administrators -----------------------------------------------------------------------


def test_an_administrator_resets_a_staff_members_second_factor_and_it_is_logged(
    client_for, administrator, supervisor
):
    supervisor_client = sign_in_fully(Client(), supervisor)
    assert supervisor_client.get(reverse("home")).status_code == 200
    admin_client = client_for(administrator)
    url = reverse("accounts:two_step_reset", args=[supervisor.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b"sam.supervisor" in page.content
    response = admin_client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert not StaticDevice.objects.filter(user=supervisor).exists()
    entry = AccessLogEntry.objects.get(action=Action.SECOND_FACTOR_RESET)
    assert entry.user == administrator
    assert entry.detail == {"staff_user": supervisor.pk}
    # Their sessions ended; at the next sign-in they set up an authenticator again.
    assert supervisor_client.get(reverse("home")).url.startswith(reverse("accounts:login"))
    sign_in_with_password(supervisor_client, supervisor)
    assert supervisor_client.get(reverse("home")).url.startswith(ENROL)


@pytest.mark.parametrize("persona", ["counselor", "supervisor", "analyst"])
def test_only_administrators_may_reset_a_second_factor(client_for, persona, request, supervisor):
    target = give_authenticator(supervisor)
    client = client_for(request.getfixturevalue(persona))
    url = reverse("accounts:two_step_reset", args=[supervisor.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(pk=target.pk).exists()
    assert not AccessLogEntry.objects.filter(action=Action.SECOND_FACTOR_RESET).exists()


def test_the_admin_site_resets_the_selected_staff_and_shows_who_has_it_on(
    client_for, administrator, supervisor, counselor
):
    administrator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    give_authenticator(supervisor)
    client = client_for(administrator)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    assert listing.status_code == 200
    change = client.get(reverse("admin:accounts_user_change", args=[supervisor.pk]))
    assert reverse("accounts:two_step_reset", args=[supervisor.pk]).encode() in change.content
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [supervisor.pk, counselor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert set(
        AccessLogEntry.objects.filter(action=Action.SECOND_FACTOR_RESET).values_list(
            "detail__staff_user", flat=True
        )
    ) == {supervisor.pk, counselor.pk}


def test_the_admin_site_needs_the_second_factor_too(client, administrator):
    give_authenticator(administrator)
    # The admin's own sign-in page sends to the application's (django-axes, then the code).
    login = client.get(reverse("admin:login"))
    assert login.status_code == 302
    assert login.url.startswith(reverse("accounts:login"))
    sign_in_with_password(client, administrator)
    assert client.get("/admin/").url.startswith(VERIFY)
    verify(client, current_code(TOTPDevice.objects.get(user=administrator)))
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_itself_asks_for_a_verified_session(rf, administrator):
    # Behind the middleware, OTPAdminSite refuses any session its device has not verified.
    request = rf.get("/admin/")
    request.user = administrator
    administrator.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    administrator.is_verified = lambda: True
    assert admin.site.has_permission(request)
