"""Changes to a staff member's sign-in: the authenticator app, backup codes, turning two-step
sign-in off, an administrator's reset, and signing out everywhere. Each is written to the
access log."""

import re
from dataclasses import dataclass
from datetime import datetime

import django_otp
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action
from audit.services import access_record

from .selectors import authenticator_for, backup_device_for

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_CODE = re.compile(r"[0-9]{6}")
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: the device that accepted it; or, when the code came during the
    wait after wrong ones and was not even tried, when that wait ends."""

    device: Device | None = None
    too_soon_until: datetime | None = None


def _next_try_at(device: Device) -> datetime | None:
    allowed, detail = device.verify_is_allowed()
    return None if allowed else detail.get("locked_until")


def is_authenticator_code(code: str) -> bool:
    """Six ASCII digits: what an authenticator app shows (anything else is a backup code)."""
    return AUTHENTICATOR_CODE.fullmatch(code) is not None


def second_factor_check(*, user, code: str) -> CodeCheck:
    """Check a code typed at sign-in: six digits go to the authenticator app, anything else to
    the backup codes (a matching backup code is used up). A device that refused a code lately
    refuses every code until its wait, doubled at each wrong code, is over."""
    device = authenticator_for(user) if is_authenticator_code(code) else backup_device_for(user)
    if device is None:
        return CodeCheck()
    waiting_until = _next_try_at(device)
    if waiting_until is not None:
        return CodeCheck(too_soon_until=waiting_until)
    return CodeCheck(device=django_otp.verify_token(user, device.persistent_id, code))


def authenticator_start(*, user) -> TOTPDevice:
    """The authenticator being set up, not yet confirmed: the same one until it is confirmed,
    so reloading the page does not change the QR code already scanned."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return pending or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def authenticator_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Check a code against the authenticator being set up (throttled like any other)."""
    waiting_until = _next_try_at(device)
    if waiting_until is not None:
        return CodeCheck(too_soon_until=waiting_until)
    return CodeCheck(device=device if device.verify_token(code) else None)


@transaction.atomic
def authenticator_confirm(*, request, device: TOTPDevice) -> list[str]:
    """Make a checked authenticator the user's one (replacing an earlier one) and give them
    new backup codes, which are returned to be shown once."""
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    access_record(request=request, action=Action.TWO_STEP_ON, detail={"staff_user": user.pk})
    return _new_backup_codes(user)


def _new_backup_codes(user) -> list[str]:
    # The device is kept, only its codes change: a session verified by a backup code stays so.
    device = backup_device_for(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def backup_codes_renew(*, request) -> list[str]:
    """Replace the signed-in user's backup codes; the old ones stop working."""
    codes = _new_backup_codes(request.user)
    access_record(
        request=request,
        action=Action.BACKUP_CODES_RENEWED,
        detail={"staff_user": request.user.pk},
    )
    return codes


@transaction.atomic
def two_step_turn_off(*, request) -> None:
    """Remove the signed-in user's authenticator and backup codes (for roles that allow it)."""
    user = request.user
    _remove_devices(user)
    access_record(request=request, action=Action.TWO_STEP_OFF, detail={"staff_user": user.pk})


def _remove_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def second_factor_reset(*, request, user) -> None:
    """An administrator removes a staff member's authenticator and backup codes (a lost
    phone) and ends their sessions; at their next sign-in they set up a new authenticator."""
    _remove_devices(user)
    user.sessions_valid_after = timezone.now()
    user.save(update_fields=["sessions_valid_after"])
    access_record(
        request=request, action=Action.SECOND_FACTOR_RESET, detail={"staff_user": user.pk}
    )


@transaction.atomic
def sessions_end_everywhere(*, request) -> None:
    """End every session of the signed-in user, on every device, this one included."""
    user = request.user
    user.sessions_valid_after = timezone.now()
    user.save(update_fields=["sessions_valid_after"])
    access_record(request=request, action=Action.SESSIONS_ENDED, detail={"staff_user": user.pk})
