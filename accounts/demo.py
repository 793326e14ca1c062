"""Two-step sign-in for the demo accounts.

The demo supervisors, analyst and administrator must pass two-step sign-in like anyone in their
role. So that someone trying the demo can, they all share one published key: add it once to any
authenticator app (or run `python manage.py demo_two_step_code`) and its codes work for every
one of them. The key is given only by `seed_demo`, and its code is shown on the sign-in page
only with DEBUG on.
"""

from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.demo import DEMO_ACCOUNTS
from centers.models import Center

from .selectors import users_requiring_two_step

# Published in the README: it protects nothing but demo data.
DEMO_KEY = "REENGAGEDEMOTWOSTEPSIGNINKEY2345"


def demo_key_hex() -> str:
    return b32decode(DEMO_KEY).hex()


def _demo_usernames() -> list[str]:
    centers = Center.objects.values_list("code", flat=True)
    return [account[0] for account in DEMO_ACCOUNTS] + [
        f"{code.lower()}.supervisor" for code in centers
    ]


def seed_demo_authenticators() -> int:
    """Give each demo account (and no other) whose role requires two-step sign-in and that has
    none the demo key. Idempotent. Returns how many accounts use the demo key."""
    key = demo_key_hex()
    without_one = (
        users_requiring_two_step()
        .filter(username__in=_demo_usernames())
        .exclude(totpdevice__confirmed=True)
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Demo key", key=key, confirmed=True) for user in without_one
    )
    return TOTPDevice.objects.filter(key=key, confirmed=True).count()


def demo_code(step_ahead: int = 0) -> str:
    return f"{TOTP(bytes.fromhex(demo_key_hex()), drift=step_ahead).token():06d}"


def demo_code_for(user) -> str | None:
    """The current code when the user's authenticator is the demo key, for the sign-in page to
    show with DEBUG on (the key is published, so its code gives nothing away)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True, key=demo_key_hex()).exists():
        return None
    return demo_code()
