"""Pulling students from the SIS into snapshots, one youth on demand or all linked nightly."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_record
from sis_bridge.client import InvalidRecord, SisClient, SisError
from sis_bridge.models import (
    AcademicTerm,
    Enrollment,
    LinkMethod,
    QuarantinedRecord,
    SisLink,
    SyncKind,
    SyncRun,
    SyncStatus,
    TranscriptCourse,
)
from youth.models import Youth
from youth.services import education_records_allowed

from .blocks import (
    BLOCK_SIZE,
    STUDENT_RESOURCES,
    BlockWriter,
    ChangeScan,
    Pulled,
    born_on_the_same_day,
    fetch_one,
    quarantine_rows,
    reusable,
    scan_changes,
)
from .mapping import Catalogue, snapshot
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
    if not education_records_allowed(youth):
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
        error="Abandoned: the worker stopped before finishing.",
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
        run.error = f"{len(catalogue.invalid)} catalogue record(s) quarantined."
    return catalogue


def _pull(client: SisClient, catalogue: Catalogue, link: SisLink, run: SyncRun, user) -> str:
    """Fetch one student and replace their snapshot if everything validated.

    Returns "changed", "unchanged" or "failed". A failure leaves the last good snapshot.
    """
    youth = link.youth
    link.last_attempt_at = timezone.now()
    records: dict[str, list[dict[str, Any]]] = {}
    invalid: list[InvalidRecord] = []
    error = ""
    try:
        for resource in STUDENT_RESOURCES:
            fetched = client.fetch_all(resource, studentUniqueId=link.student_unique_id)
            records[resource] = fetched.records
            invalid.extend(fetched.invalid)
    except SisError as failure:
        error = f"{type(failure).__name__}: {failure}"
    access_record(
        request=None,
        user=user,
        action=Action.SIS_PULLED,
        youth=youth,
        detail={"sync_run": run.pk, "records": {k: len(v) for k, v in records.items()}},
    )
    if invalid:
        _quarantine(run, youth, invalid)
        error = _("%(count)d record(s) broke the contract, first: %(first)s") % {
            "count": len(invalid),
            "first": invalid[0],
        }
    elif not error and len(records["students"]) != 1:
        error = _("The SIS has no student with this LAUSD ID.")
    elif not error and not born_on_the_same_day(youth, records["students"][0]):
        # A mistyped LAUSD ID must not pull a stranger's records onto this youth.
        error = _("The district student with this LAUSD ID was born on another day: check the ID.")
    elif not error and (bad := catalogue.unusable_courses(records["courseTranscripts"])):
        error = _("Course %(code)s broke the contract in the catalogue.") % {"code": bad}
    if error:
        link.last_error = error[:500]
        link.save(update_fields=["last_attempt_at", "last_error", "updated_at"])
        logger.warning("SIS pull for youth %s failed in run %s: %s", youth.pk, run.pk, error)
        return "failed"

    new = snapshot(youth.pk, records, catalogue)
    fingerprint = new.fingerprint()
    outcome = "unchanged" if fingerprint == link.snapshot_hash else "changed"
    with transaction.atomic():
        if outcome == "changed":
            for model in (AcademicTerm, TranscriptCourse, Enrollment):
                model.objects.filter(youth=youth).delete()
            AcademicTerm.objects.bulk_create(new.terms)
            TranscriptCourse.objects.bulk_create(new.courses)
            Enrollment.objects.bulk_create(new.enrollments)
        link.snapshot_hash = fingerprint
        link.special_status = new.special_status
        link.last_refreshed_at = link.last_attempt_at
        link.last_error = ""
        link.save()
    return outcome


def _count(run: SyncRun, outcome: str) -> None:
    run.fetched += 1
    setattr(run, outcome, getattr(run, outcome) + 1)


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
        _count(run, _pull(client, catalogue, link, run, user))
        if run.failed:
            run.error = link.last_error
        return _finish(run)
    except SisError as failure:
        link.last_attempt_at = timezone.now()
        link.last_error = f"{type(failure).__name__}: {failure}"[:500]
        link.save(update_fields=["last_attempt_at", "last_error", "updated_at"])
        return _finish(run, error=link.last_error)
    finally:
        if own_client:
            client.close()


# --- every linked youth -----------------------------------------------------------------------


def _link_youth_with_lausd_ids() -> None:
    """Links for youth whose record gained an LAUSD ID since the last run."""
    unlinked = (
        Youth.objects.active()
        .filter(lausd_id__isnull=False, sis_link__isnull=True)
        .exclude(lausd_id="")
        .values_list("pk", "lausd_id")
    )
    SisLink.objects.bulk_create(
        (
            SisLink(youth_id=pk, student_unique_id=uid, method=LinkMethod.LAUSD_ID)
            for pk, uid in unlinked.iterator()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )


def _sort_out(
    links: list[SisLink], scan: ChangeScan | None, writer: BlockWriter, pending: dict[str, int]
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
        error = f"{type(failure).__name__}: {failure}"
        now = timezone.now()
        for pk in pending.values():
            if pk not in handed:
                writer.add(Pulled(pk, error=error, attempted_at=now))
        alone = []
    for uid in alone:
        writer.add(fetch_one(client, pending[uid], uid))
    _quarantine(run, None, unreadable)
    return not unreadable


def sis_nightly_sync(*, user=None, client: SisClient | None = None) -> SyncRun | None:
    """Refresh every linked youth whose SIS records changed since the last complete scan.

    The first run (or one after the SIS forgot our version) pulls everyone. Youth whose last
    attempt failed, or who were never refreshed, are pulled again whatever changed. Returns
    None when another nightly run is going.
    """
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
        links = (
            SisLink.objects.filter(youth__merged_into__isnull=True)
            .select_related("youth")
            .prefetch_related("youth__consents")
        )
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
        writer = BlockWriter(run, catalogue, user)
        pending: dict[str, int] = {}
        chunk: list[SisLink] = []
        for link in links.order_by("pk").iterator(chunk_size=BLOCK_SIZE):
            if not education_records_allowed(link.youth):
                run.skipped += 1
                continue
            chunk.append(link)
            if len(chunk) >= BLOCK_SIZE:
                _sort_out(chunk, scan, writer, pending)
                chunk = []
        _sort_out(chunk, scan, writer, pending)
        complete = _fetch_pending(client, run, writer, pending, newest)
        writer.flush()
        if complete and (scan is None or scan.complete):
            run.change_version_to = newest
        else:
            run.error = "Some changed records named no student: the window will be scanned again."
        return _finish(run)
    except SisError as failure:
        return _finish(run, error=f"{type(failure).__name__}: {failure}")
    finally:
        if own_client:
            client.close()
