"""The only code that speaks HTTP to the district SIS (an Ed-Fi ODS/API).

Every request has a timeout. The sync itself arrives with the SIS adapter; for now this module
answers whether the SIS is reachable, for /healthz.
"""

import httpx
from django.conf import settings


def sis_state() -> dict:
    """Reachability of the SIS's discovery document, which needs no token."""
    if not settings.SIS_BASE_URL:
        return {"ok": False, "error": "not configured"}
    try:
        response = httpx.get(
            settings.SIS_BASE_URL.rstrip("/") + "/",
            timeout=min(settings.SIS_TIMEOUT_SECONDS, 2.0),
        )
    except httpx.HTTPError as error:
        return {"ok": False, "error": type(error).__name__}
    if response.status_code != 200:
        return {"ok": False, "error": f"HTTP {response.status_code}"}
    return {"ok": True}
