"""Pulling students from the SIS into snapshots, one youth on demand or all linked nightly."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sis_bridge.client import InvalidRecord, SisClient, SisError, failure_text
from sis_bridge.models import (
    LinkMethod,
    QuarantinedRecord,
    SisLink,
    SyncKind,
    SyncRun,
    SyncStatus,
)
from youth.models import Youth
from youth.services import education_records_allowed

from .blocks import (
    COLLECT_EVERY_BLOCKS,
    STUDENT_RESOURCES,
    BlockWriter,
    ChangeScan,
    LinkState,
    Pulled,
    fetch_many,
    fetch_one,
    link_state_blocks,
    quarantine_rows,
    reusable,
    scan_changes,
)
from .mapping import Catalogue
from .paging import page_through, pages_needed

logger = logging.getLogger(__name__)

# A run still "running" after this long lost its worker (killed, or past the time limit).
STALE_AFTER = {SyncKind.STUDENT: dt.timedelta(minutes=15), SyncKind.NIGHTLY: dt.timedelta(hours=3)}


class SisConsentRequired(Exception):
    """No consent in force covers education records: the SIS may not be asked."""

    def __init__(self) -> None:
        super().__init__(_("No signed consent covering school records is in force for this youth."))


class SisNotLinked(Exception):
    """The youth has no LAUSD ID and no confirmed SIS match."""

    def __init__(self) -> None:
        super().__init__(_("This youth is not linked to an LAUSD student record yet."))


def require_consent(youth: Youth) -> None:
    # The consents as they are now, not as the caller's instance may have cached them.
    (fresh,) = Youth.objects.filter(pk=youth.pk).prefetch_related("consents")
    if not education_records_allowed(fresh):
        raise SisConsentRequired


def sis_link_for(*, youth: Youth, user=None) -> SisLink | None:
    """The youth's link; one is made on the spot when the youth record has an LAUSD ID."""
    link = SisLink.objects.filter(youth=youth).first()
    if link is None and youth.lausd_id:
        link, _created = SisLink.objects.get_or_create(
            youth=youth,
            defaults={
                "student_unique_id": youth.lausd_id,
                "method": LinkMethod.LAUSD_ID,
                "linked_by": user,
            },
        )
    return link


# --- runs -------------------------------------------------------------------------------------


def _claim(kind: str, *, youth: Youth | None = None, user=None) -> SyncRun | None:
    """A new running run, or None when one of the same kind (and youth) is running already."""
    now = timezone.now()
    stale = SyncRun.objects.filter(
        kind=kind, status=SyncStatus.RUNNING, started_at__lt=now - STALE_AFTER[kind]
    )
    if youth is not None:
        stale = stale.filter(youth=youth)
    stale.update(
        status=SyncStatus.FAILED,
        finished_at=now,
        error=_("Abandoned: the worker stopped before finishing."),
    )
    try:
        with transaction.atomic():
            return SyncRun.objects.create(kind=kind, youth=youth, requested_by=user)
    except IntegrityError:
        # The partial unique constraints allow one running nightly run and one per youth.
        return None


def _finish(run: SyncRun, *, error: str = "") -> SyncRun:
    if error:
        run.status = SyncStatus.FAILED
    elif run.failed or run.error:
        run.status = SyncStatus.PARTIAL
    else:
        run.status = SyncStatus.SUCCEEDED
    run.error = (run.error + "\n" + error).strip()[:4000]
    run.finished_at = timezone.now()
    run.save()
    logger.info(
        "SIS %s run %s %s: fetched %d, changed %d, unchanged %d, failed %d, skipped %d",
        run.kind,
        run.pk,
        run.status,
        run.fetched,
        run.changed,
        run.unchanged,
        run.failed,
        run.skipped,
    )
    return run


def _quarantine(run: SyncRun, youth: Youth | None, invalid: list[InvalidRecord]) -> None:
    youth_id = youth.pk if youth is not None else None
    QuarantinedRecord.objects.bulk_create(quarantine_rows(run, youth_id, invalid))


# --- one student ------------------------------------------------------------------------------


def _catalogue(client: SisClient, run: SyncRun) -> Catalogue:
    catalogue = Catalogue.fetch(client)
    if catalogue.invalid:
        _quarantine(run, None, catalogue.invalid)
        run.error = _("%(count)d catalogue record(s) quarantined.") % {
            "count": len(catalogue.invalid)
        }
    return catalogue


def sis_student_sync(*, youth: Youth, user, client: SisClient | None = None) -> SyncRun:
    """Pull one youth's records now (intake, or the refresh button) and log the disclosure.

    Raises SisConsentRequired without consent in force, SisNotLinked without a link. While a
    pull for the same youth is running, returns that run instead of starting another.
    """
    require_consent(youth)
    link = sis_link_for(youth=youth, user=user)
    if link is None:
        raise SisNotLinked
    run = _claim(SyncKind.STUDENT, youth=youth, user=user)
    if run is None:
        # Another pull holds the claim; it may finish between the claim and this read.
        runs = SyncRun.objects.filter(kind=SyncKind.STUDENT, youth=youth).order_by("-started_at")
        return runs.filter(status=SyncStatus.RUNNING).first() or runs.first()
    own_client = client is None
    client = client or SisClient.from_settings()
    try:
        catalogue = _catalogue(client, run)
        # The nightly sync's writer, for a block of one: the same checks and the same rows.
        writer = BlockWriter(run, catalogue, user)
        writer.add(fetch_one(client, link.pk, link.student_unique_id))
        writer.close()
        if run.failed:
            run.error = SisLink.objects.filter(pk=link.pk).values_list("last_error", flat=True)[0]
        return _finish(run)
    except SisError as failure:
        link.last_attempt_at = timezone.now()
        link.last_error = failure_text(failure)[:500]
        link.save(update_fields=["last_attempt_at", "last_error", "updated_at"])
        return _finish(run, error=link.last_error)
    finally:
        if own_client:
            client.close()


# --- every linked youth -----------------------------------------------------------------------


def _link_youth_with_lausd_ids() -> None:
    """Links for youth whose record gained an LAUSD ID since the last run, in one statement
    (the first run links every youth: 100,000 at LA scale)."""
    unlinked = (
        Youth.objects.active()
        .filter(lausd_id__isnull=False, sis_link__isnull=True)
        .exclude(lausd_id="")
        .order_by()
        .values_list("id", "lausd_id")
    )
    select, params = unlinked.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {SisLink._meta.db_table} (
                youth_id, student_unique_id, method, last_error, special_status, snapshot_hash,
                created_at, updated_at
            )
            SELECT unlinked.id, unlinked.lausd_id, %s, '', '{{}}', '', now(), now()
            FROM ({select}) AS unlinked
            ON CONFLICT DO NOTHING
            """,  # noqa: S608 - table and subquery come from the ORM, values are parameters
            [LinkMethod.LAUSD_ID.value, *params],
        )


def _sort_out(
    links: list[LinkState], scan: ChangeScan | None, writer: BlockWriter, pending: dict[str, int]
) -> None:
    """Students the change scan brought whole go to the writer; the rest must be fetched."""
    found = reusable(scan, links) if scan is not None else {}
    for link in links:
        if link.pk in found:
            writer.add(found[link.pk])
        else:
            pending[link.student_unique_id] = link.pk


def _fetch_pending(
    client: SisClient, run: SyncRun, writer: BlockWriter, pending: dict[str, int], newest: int
) -> bool:
    """Fetch and write the pending students: in pages across the SIS when that takes fewer
    requests than asking per student (4 each), else per student. Returns False when records
    naming no student were quarantined (the scan is then incomplete)."""
    alone: list[str] = list(pending)
    handed: set[int] = set()
    unreadable: list[InvalidRecord] = []
    try:
        filters = {"maxChangeVersion": newest}  # the pages then show one consistent state
        # Paging reads every student's records, consented or not, before dropping the others:
        # only where the district's data agreement allows it (SIS_FULL_SYNC_PAGING).
        if (
            settings.SIS_FULL_SYNC_PAGING
            and pending
            and len(pending) * len(STUDENT_RESOURCES) > pages_needed(client, filters)
        ):
            alone = []
            for item in page_through(client, pending, filters):
                if isinstance(item, Pulled):
                    handed.add(item.link_pk)
                    writer.add(item)
                elif isinstance(item, InvalidRecord):
                    unreadable.append(item)
                else:
                    alone.append(item)
    except SisError as failure:
        error = failure_text(failure)
        now = timezone.now()
        for pk in pending.values():
            if pk not in handed:
                writer.add(Pulled(pk, error=error, attempted_at=now))
        alone = []
    for pulled in fetch_many(client, ((pending[uid], uid) for uid in alone)):
        writer.add(pulled)
    _quarantine(run, None, unreadable)
    return not unreadable


@contextlib.contextmanager
def collections_by_block():
    """Python's cycle collector run by the writer, once every COLLECT_EVERY_BLOCKS blocks,
    instead of whenever enough objects were made: a long sync makes millions of short-lived
    dicts of SIS records, and the automatic collections walked the blocks read ahead again and
    again (16% of the sync's time). Memory stays flat because a student leaves no cycles
    behind (links read as LinkState values, responses let go of their body; a test holds
    that). Objects made before the run are frozen, not walked."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def sis_nightly_sync(*, user=None, client: SisClient | None = None) -> SyncRun | None:
    """Refresh every linked youth whose SIS records changed since the last complete scan.

    The first run (or one after the SIS forgot our version) pulls everyone. Youth whose last
    attempt failed, or who were never refreshed, are pulled again whatever changed. Returns
    None when another nightly run is going.
    """
    with collections_by_block():
        return _nightly(user=user, client=client)


def _nightly(*, user=None, client: SisClient | None = None) -> SyncRun | None:
    run = _claim(SyncKind.NIGHTLY, user=user)
    if run is None:
        logger.info("SIS nightly sync skipped: another run is going")
        return None
    _link_youth_with_lausd_ids()
    own_client = client is None
    client = client or SisClient.from_settings()
    try:
        oldest, newest = client.change_versions()
        last = (
            SyncRun.objects.filter(kind=SyncKind.NIGHTLY, change_version_to__isnull=False)
            .exclude(pk=run.pk)
            .order_by("-change_version_to")
            .values_list("change_version_to", flat=True)
            .first()
        )
        links = SisLink.objects.filter(youth__merged_into__isnull=True)
        scan = None
        if last is not None and last + 1 >= oldest:
            run.change_version_from = last + 1
            window = {"minChangeVersion": last + 1, "maxChangeVersion": newest}
            scan = scan_changes(client, window)
            _quarantine(run, None, scan.unreadable)
            links = links.filter(
                Q(student_unique_id__in=scan.changed)
                | ~Q(last_error="")
                | Q(last_refreshed_at__isnull=True)
            )
        catalogue = _catalogue(client, run)
        # Blocks are written on a second connection while the next is mapped, unless the
        # caller holds a transaction (its rows would be invisible to that connection).
        writer = BlockWriter(
            run,
            catalogue,
            user,
            background=not connection.in_atomic_block,
            collect_every=COLLECT_EVERY_BLOCKS,
        )
        try:
            pending: dict[str, int] = {}
            today = timezone.localdate()
            for block in link_state_blocks(links):
                asked = [link for link in block if link.consented(today)]
                run.skipped += len(block) - len(asked)
                _sort_out(asked, scan, writer, pending)
            complete = _fetch_pending(client, run, writer, pending, newest)
            writer.close()
        finally:
            writer.stop()
        if complete and (scan is None or scan.complete):
            run.change_version_to = newest
        else:
            run.error = _(
                "Some changed records named no student: the window will be scanned again."
            )
        return _finish(run)
    except SisError as failure:
        return _finish(run, error=failure_text(failure))
    finally:
        if own_client:
            client.close()
