"""Second factors for tests: a confirmed authenticator, its current code, and a fully signed-in
(password and second factor) test client."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import users_requiring_two_step


def give_authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator app, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the user's app shows now, as a person would type it. A code is accepted once:
    when this step's code was already used, the next step's (within the tolerance) is given."""
    device.refresh_from_db()
    for step_ahead in (0, 1):
        totp = TOTP(
            device.bin_key, device.step, device.t0, device.digits, device.drift + step_ahead
        )
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    raise AssertionError("this step's and the next step's codes are both used already")


def sign_in_fully(client, user):
    """Sign the test client in as `user`, past the second factor when they have one or their role
    requires one (as django_otp.login marks a verified session)."""
    client.force_login(user)
    # Asked of the database, not of roles cached on the caller's user object.
    has_one = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_one or users_requiring_two_step().filter(pk=user.pk).exists():
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = give_authenticator(user).persistent_id
        session.save()
    return client
