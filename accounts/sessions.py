"""When a signed-in session ends besides the 30 idle minutes: its absolute lifetime, or the user
signing out everywhere (or an administrator resetting their second factor)."""

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings

SIGNED_IN_AT = "signed_in_at"


def session_mark_signed_in(session) -> None:
    session[SIGNED_IN_AT] = time.time()


def session_signed_in_at(session) -> datetime | None:
    stamp = session.get(SIGNED_IN_AT)
    if not isinstance(stamp, int | float):
        return None
    return datetime.fromtimestamp(stamp, tz=UTC)


def session_lifetime() -> timedelta:
    return timedelta(hours=settings.SESSION_ABSOLUTE_LIFETIME_HOURS)


def session_ends_at(session) -> datetime | None:
    signed_in_at = session_signed_in_at(session)
    return signed_in_at + session_lifetime() if signed_in_at else None


def session_has_ended(request) -> bool:
    """True when the signed-in session is past its lifetime or older than the user's last
    "sign out everywhere". A session without a sign-in time (one from before these rules) has
    ended too."""
    signed_in_at = session_signed_in_at(request.session)
    if signed_in_at is None:
        return True
    if datetime.now(tz=UTC) >= signed_in_at + session_lifetime():
        return True
    valid_after = request.user.sessions_valid_after
    return valid_after is not None and signed_in_at < valid_after
