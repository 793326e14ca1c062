import datetime
from collections.abc import Iterator

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import CharField, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from centers.models import Center, StaffMembership
from reengage.dates import local_day_start
from youth.merges import merged_record_ids
from youth.models import Youth

from .filters import DisclosureLogFilter
from .models import AccessLogEntry

EXPORT_CHUNK = 2000


def _staff_roles() -> Subquery:
    """The user's memberships now, as 'role:CENTER' joined by commas (no center for analysts
    and administrators): one subquery, so a page of entries costs one query whatever its
    length."""
    memberships = (
        StaffMembership.objects.filter(user_id=OuterRef("user_id"))
        .order_by()
        .values("user_id")
        .annotate(
            roles=StringAgg(
                Concat("role", Value(":"), Coalesce("center__code", Value(""))),
                delimiter=",",
                order_by=("role", "center__code"),
            )
        )
        .values("roles")
    )
    return Subquery(memberships, output_field=CharField())


def disclosure_log(youth: Youth, params) -> DisclosureLogFilter:
    """The youth's access log entries, newest first, with those of the records merged into
    theirs (the same person's), filtered by `params`."""
    youth_ids = [youth.pk, *merged_record_ids(youth.pk)]
    entries = (
        AccessLogEntry.objects.filter(youth_id__in=youth_ids)
        .select_related("user")
        .annotate(staff_roles=_staff_roles())
        .order_by("-at", "-pk")
    )
    return DisclosureLogFilter(params, queryset=entries)


EXPORT_HEADER = (
    "when",
    "user_id",
    "username",
    "roles_and_centers",
    "action",
    "youth_id",
    "page",
    "ip_address",
)


def access_log_entries(
    *, start: datetime.date, end: datetime.date, center: Center | None = None
) -> QuerySet:
    """Entries from `start` to `end` (Los Angeles days, both included), oldest first; with a
    center, only those by staff who work there now."""
    entries = AccessLogEntry.objects.filter(
        at__gte=local_day_start(start), at__lt=local_day_start(end, days_after=1)
    )
    if center is not None:
        works_there = StaffMembership.objects.filter(user_id=OuterRef("user_id"), center=center)
        entries = entries.filter(Exists(works_there))
    return entries.order_by("at", "pk")


def access_log_rows(entries: QuerySet) -> Iterator[list]:
    """The export's rows, streamed from the database in chunks (flat memory)."""
    rows = entries.annotate(staff_roles=_staff_roles()).values_list(
        "at", "user_id", "user__username", "staff_roles", "action", "youth_id", "path", "ip_address"
    )
    for at, *rest in rows.iterator(chunk_size=EXPORT_CHUNK):
        yield [timezone.localtime(at).isoformat(), *rest]
