"""Who must use two-step sign-in, and what a user has set up."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.access import staff_access
from centers.models import Role

# Roles whose accounts reach many centers' records or other accounts: a password alone is not
# enough for them. Counselors may turn it on for themselves.
ROLES_REQUIRING_TWO_STEP = frozenset({Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR})


def two_step_required_for(user) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    return bool(staff_access(user).roles & ROLES_REQUIRING_TWO_STEP)


def users_requiring_two_step() -> QuerySet:
    """The same rule as `two_step_required_for`, as a query over all accounts."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_staff=True)
            | Q(is_superuser=True)
            | Q(memberships__role__in=ROLES_REQUIRING_TWO_STEP)
        )
        .distinct()
    )


def authenticator_for(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app; having one is what "two-step sign-in is on"
    means (backup codes only stand in for it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_step_enabled_for(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def backup_device_for(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
