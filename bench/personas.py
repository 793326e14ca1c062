"""The benchmark database's staff accounts, shared by the generator, the page benchmark and the
load test: usernames, the one password they all have, and their authenticator keys.

Made-up accounts of a benchmark database only; nothing here works on any other database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

# Every bench account signs in with this password (a benchmark database only).
PASSWORD = "bench-password-not-a-secret"  # noqa: S105
# The authenticator keys are derived from this and the username, so the load test can compute
# the six-digit codes without reading the database.
TOTP_SECRET = b"reengage-bench-totp-keys"
TOTP_STEP = 30
TOTP_DIGITS = 6

# The accounts the benchmarks sign in as. Center codes are the seeded YouthSource centers; the
# East center (Para Los Niños) has the largest caseload in the generated data.
BUSY_CENTER = "EAST"
COUNSELOR = "bench.east.counselor01"  # reads district records (an LAUSD PSA counselor)
SUPERVISOR = "bench.east.supervisor"  # supervises EAST and BOYLE
ANALYST = "bench.analyst1"
ADMINISTRATOR = "bench.admin1"


def counselor_username(center_code: str, number: int) -> str:
    return f"bench.{center_code.lower()}.counselor{number:02d}"


def supervisor_username(center_code: str) -> str:
    return f"bench.{center_code.lower()}.supervisor"


def readonly_username(center_code: str) -> str:
    return f"bench.{center_code.lower()}.readonly"


def totp_key(username: str) -> bytes:
    """The 20-byte authenticator key of a bench account."""
    return hmac.new(TOTP_SECRET, username.encode(), hashlib.sha1).digest()


def totp_key_hex(username: str) -> str:
    """The key as django-otp's TOTPDevice stores it (hex)."""
    return totp_key(username).hex()


def totp_key_base32(username: str) -> str:
    return base64.b32encode(totp_key(username)).decode()


def totp_code(username: str, at: float | None = None, *, offset: int = 0) -> str:
    """The RFC 6238 code of the account's key at the given time (now by default), `offset`
    steps later."""
    counter = int((time.time() if at is None else at) // TOTP_STEP) + offset
    digest = hmac.new(totp_key(username), struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF
    return str(value % 10**TOTP_DIGITS).zfill(TOTP_DIGITS)
