from collections.abc import Iterable

from .models import AccessLogEntry


def _where(request) -> dict:
    if request is None:
        return {}
    return {"path": request.path[:300], "ip_address": request.META.get("REMOTE_ADDR")}


def access_record(
    *, request, action: str, youth=None, detail: dict | None = None, user=None
) -> None:
    """Record that the signed-in user did `action` to a youth's record.

    Work without a request (a Celery task) passes `request=None` and the `user` it acts for.
    """
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    AccessLogEntry.objects.create(
        user=user, youth=youth, action=action, detail=detail or {}, **_where(request)
    )


def access_record_many(
    *, request, action: str, youth_ids: Iterable[int], detail: dict | None = None
) -> None:
    """Record the same action on many youth in one insert."""
    where = _where(request)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=request.user, youth_id=youth_id, action=action, detail=detail or {}, **where
        )
        for youth_id in youth_ids
    )


def access_record_list(*, request, youth_ids: Iterable[int], detail: dict | None = None) -> None:
    """Record that each youth appeared in a list or search result the user saw."""
    access_record_many(request=request, action="listed", youth_ids=youth_ids, detail=detail)
