"""What /healthz reports: can we reach the database, the task broker and the district SIS."""

from django.conf import settings
from django.db import connection
from django.db.utils import Error as DatabaseError

from sis_bridge import client as sis_client


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def broker_state() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "in-process"}
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return {"ok": False, "mode": "redis", "error": type(error).__name__}
    return {"ok": True, "mode": "redis"}


def system_health() -> tuple[dict, bool]:
    """The state of each dependency, and whether the site can serve pages (the database
    answers). The broker and the SIS being down degrades the site but does not stop it."""
    states = {
        "database": database_state(),
        "broker": broker_state(),
        "sis": sis_client.sis_state(),
    }
    serving = states["database"]["ok"]
    everything_ok = all(state["ok"] for state in states.values())
    states["status"] = "ok" if everything_ok else ("degraded" if serving else "down")
    return states, serving
