import datetime
from unittest import mock

from audit.models import AccessLogEntry


def logged(*, youth, user, action, at: datetime.datetime, path="", **detail) -> AccessLogEntry:
    """An access log entry written at `at` (the column is set on insert and never changes)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        return AccessLogEntry.objects.create(
            youth=youth,
            user=user,
            action=action,
            path=path or (f"/youth/{youth.pk}/" if youth else ""),
            ip_address="10.0.0.7",
            detail=detail,
        )
