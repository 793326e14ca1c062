"""The nightly sync's bulk path: students fetched in pages (or taken from the change scan) and
written in blocks of about 500, one transaction per block.

Every student still goes through the same checks as a one-student pull (contract, one student
record, birth date, catalogue courses); one who fails stays out of the block's writes, keeps
their last good snapshot, and their link records the error.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLogEntry, Action
from sis_bridge.client import InvalidRecord, SisClient, SisError
from sis_bridge.models import (
    AcademicTerm,
    Enrollment,
    QuarantinedRecord,
    SisLink,
    SyncRun,
    TranscriptCourse,
)
from youth.models import Youth
from youth.services import education_records_allowed

from .mapping import Catalogue, snapshot

logger = logging.getLogger(__name__)

STUDENT_RESOURCES = (
    "students",
    "studentSchoolAssociations",
    "studentAcademicRecords",
    "courseTranscripts",
)
BLOCK_SIZE = 500
# Change-scan records kept to build snapshots from; past this the scan keeps only the ids.
KEEP_SCANNED_RECORDS = 100_000
SNAPSHOT_TABLES = (
    ("studentAcademicRecords", AcademicTerm),
    ("courseTranscripts", TranscriptCourse),
    ("studentSchoolAssociations", Enrollment),
)


def student_id_of(record: Any) -> str | None:
    if isinstance(record, InvalidRecord):
        record = record.raw
    if not isinstance(record, dict):
        return None
    for key in ("studentReference", "studentAcademicRecordReference", "keyValues"):
        inner = record.get(key)
        if isinstance(inner, dict) and isinstance(inner.get("studentUniqueId"), str):
            return inner["studentUniqueId"]
    for key in ("oldKeyValues", "newKeyValues"):
        inner = record.get(key)
        if isinstance(inner, dict) and isinstance(inner.get("studentUniqueId"), str):
            return inner["studentUniqueId"]
    uid = record.get("studentUniqueId")
    return uid if isinstance(uid, str) else None


def quarantine_rows(run: SyncRun, youth_id: int | None, invalid: Iterable[InvalidRecord]):
    return [
        QuarantinedRecord(
            run=run,
            youth_id=youth_id,
            resource=bad.resource,
            record_id=bad.record_id[:64],
            field=bad.field[:200],
            error=bad.error[:300],
            raw=bad.raw,
        )
        for bad in invalid
    ]


def born_on_the_same_day(youth: Youth, student: dict[str, Any]) -> bool:
    born = dt.date.fromisoformat(student["birthDate"])
    mine = youth.birth_date
    swapped = (mine.year, mine.day, mine.month) if mine.day <= 12 else None
    return born == mine or (born.year, born.month, born.day) == swapped


@dataclass
class Pulled:
    """One student's records as fetched (valid and invalid), or why they could not be."""

    link_pk: int
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    invalid: list[InvalidRecord] = field(default_factory=list)
    error: str = ""
    attempted_at: dt.datetime = field(default_factory=timezone.now)

    def add(self, resource: str, item: Any) -> None:
        if isinstance(item, InvalidRecord):
            self.invalid.append(item)
        else:
            self.records.setdefault(resource, []).append(item)


def fetch_one(client: SisClient, link_pk: int, student_unique_id: str) -> Pulled:
    """One student's four resources, one request each (plus paging)."""
    pulled = Pulled(link_pk)
    try:
        for resource in STUDENT_RESOURCES:
            fetched = client.fetch_all(resource, studentUniqueId=student_unique_id)
            pulled.records[resource] = fetched.records
            pulled.invalid.extend(fetched.invalid)
    except SisError as failure:
        pulled.error = f"{type(failure).__name__}: {failure}"
    return pulled


def verdict(pulled: Pulled, youth: Youth, catalogue: Catalogue) -> str:
    """Why these records may not replace the youth's snapshot, or ""."""
    records = pulled.records
    if pulled.invalid:
        return _("%(count)d record(s) broke the contract, first: %(first)s") % {
            "count": len(pulled.invalid),
            "first": pulled.invalid[0],
        }
    if pulled.error:
        return pulled.error
    if len(records.get("students", [])) != 1:
        return _("The SIS has no student with this LAUSD ID.")
    if not born_on_the_same_day(youth, records["students"][0]):
        # A mistyped LAUSD ID must not pull a stranger's records onto this youth.
        return _("The district student with this LAUSD ID was born on another day: check the ID.")
    if bad := catalogue.unusable_courses(records.get("courseTranscripts", [])):
        return _("Course %(code)s broke the contract in the catalogue.") % {"code": bad}
    return ""


class BlockWriter:
    """Collects pulled students and writes them ~500 at a time, one transaction per block."""

    def __init__(self, run: SyncRun, catalogue: Catalogue, user=None) -> None:
        self.run = run
        self.catalogue = catalogue
        self.user = user
        self.block: list[Pulled] = []
        self.counted: set[int] = set()  # links counted once, even when pulled again

    def add(self, pulled: Pulled) -> None:
        self.block.append(pulled)
        if len(self.block) >= BLOCK_SIZE:
            self.flush()

    def _count(self, link_pk: int, outcome: str) -> None:
        if link_pk in self.counted:
            return
        self.counted.add(link_pk)
        self.run.fetched += 1
        setattr(self.run, outcome, getattr(self.run, outcome) + 1)

    def flush(self) -> None:
        block, self.block = self.block, []
        if not block:
            return
        run, now = self.run, timezone.now()
        links = {
            link.pk: link
            for link in SisLink.objects.filter(pk__in=[p.link_pk for p in block])
            .select_related("youth")
            .prefetch_related("youth__consents")
        }
        entries, quarantined, refreshed, failed = [], [], [], []
        changed: list[int] = []
        rows: dict[type, list] = {model: [] for _resource, model in SNAPSHOT_TABLES}
        for pulled in block:
            link = links.get(pulled.link_pk)
            if link is None or not education_records_allowed(link.youth):
                # Unlinked, or consent withdrawn since the run began: nothing is kept.
                if link is not None and pulled.link_pk not in self.counted:
                    self.counted.add(pulled.link_pk)
                    run.skipped += 1
                continue
            youth = link.youth
            link.last_attempt_at = pulled.attempted_at
            link.updated_at = now
            detail = {"sync_run": run.pk, "records": {k: len(v) for k, v in pulled.records.items()}}
            entries.append(
                AccessLogEntry(
                    user=self.user, youth_id=youth.pk, action=Action.SIS_PULLED, detail=detail
                )
            )
            quarantined += quarantine_rows(run, youth.pk, pulled.invalid)
            error = verdict(pulled, youth, self.catalogue)
            if error:
                link.last_error = error[:500]
                failed.append(link)
                logger.warning(
                    "SIS pull for youth %s failed in run %s: %s", youth.pk, run.pk, error
                )
                self._count(link.pk, "failed")
                continue
            new = snapshot(youth.pk, pulled.records, self.catalogue)
            fingerprint = new.fingerprint()
            if fingerprint != link.snapshot_hash:
                changed.append(youth.pk)
                rows[AcademicTerm] += new.terms
                rows[TranscriptCourse] += new.courses
                rows[Enrollment] += new.enrollments
                self._count(link.pk, "changed")
            else:
                self._count(link.pk, "unchanged")
            link.snapshot_hash = fingerprint
            link.special_status = new.special_status
            link.last_refreshed_at = link.last_attempt_at
            link.last_error = ""
            refreshed.append(link)
        with transaction.atomic():
            if changed:
                for model, new_rows in rows.items():
                    model.objects.filter(youth_id__in=changed).delete()
                    model.objects.bulk_create(new_rows)
            AccessLogEntry.objects.bulk_create(entries)
            QuarantinedRecord.objects.bulk_create(quarantined)
            fields = ["last_attempt_at", "last_error", "updated_at"]
            if refreshed:
                _update_refreshed(refreshed)
            if failed:
                SisLink.objects.bulk_update(failed, fields)


def _update_refreshed(links: list[SisLink]) -> None:
    """One UPDATE for the refreshed links of a block (bulk_update's CASE per field and row
    costs more Python time than the rest of the block's writes)."""
    sql = """
        UPDATE sis_bridge_sislink AS link SET
            snapshot_hash = v.hash,
            special_status = ARRAY(SELECT jsonb_array_elements_text(v.special::jsonb)),
            last_refreshed_at = v.refreshed,
            last_attempt_at = v.attempted,
            last_error = '',
            updated_at = v.updated
        FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[],
                    %s::timestamptz[], %s::timestamptz[])
            AS v(id, hash, special, refreshed, attempted, updated)
        WHERE link.id = v.id
    """
    columns = (
        [link.pk for link in links],
        [link.snapshot_hash for link in links],
        [json.dumps(list(link.special_status)) for link in links],
        [link.last_refreshed_at for link in links],
        [link.last_attempt_at for link in links],
        [link.updated_at for link in links],
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)


# --- the change scan ---------------------------------------------------------------------------


@dataclass
class ChangeScan:
    """Students with any record changed, deleted or re-keyed in a window, and the changed
    records themselves (None when there were too many to keep)."""

    changed: set[str] = field(default_factory=set)
    complete: bool = True  # every entry named its student
    tracked: set[str] = field(default_factory=set)  # named in /deletes or /keyChanges
    groups: dict[str, dict[str, list[Any]]] | None = field(default_factory=dict)
    unreadable: list[InvalidRecord] = field(default_factory=list)


def scan_changes(client: SisClient, window: dict[str, int]) -> ChangeScan:
    scan = ChangeScan()
    kept = 0
    for resource in STUDENT_RESOURCES:
        for page in client.pages(resource, **window):
            for item in page.ordered:
                uid = student_id_of(item)
                if uid is None:
                    scan.complete = False
                    if isinstance(item, InvalidRecord):
                        scan.unreadable.append(item)
                    continue
                scan.changed.add(uid)
                if scan.groups is not None:
                    scan.groups.setdefault(uid, {}).setdefault(resource, []).append(item)
                    kept += 1
                    if kept > KEEP_SCANNED_RECORDS:
                        scan.groups = None
    for kind in ("deletes", "keyChanges"):
        for entry in client.tracked_changes("studentSchoolAssociations", kind, window):
            uid = student_id_of(entry)
            if uid is not None:
                scan.changed.add(uid)
                scan.tracked.add(uid)
    return scan


def reusable(scan: ChangeScan, links: list[SisLink]) -> dict[int, Pulled]:
    """The students whose change-scan records are their whole current record set.

    Change queries return only the records that changed. A student's scanned records are
    complete when the scan holds their student record and every record of their stored (good,
    current) snapshot, and they were named in no /deletes or /keyChanges: any record missing
    from the scan would then be one we never had, which a change would have brought.
    """
    if not scan.groups:
        return {}
    candidates = {
        link.youth_id: link
        for link in links
        if link.student_unique_id in scan.groups
        and link.student_unique_id not in scan.tracked
        and not link.last_error
        and link.last_refreshed_at is not None
        and len(scan.groups[link.student_unique_id].get("students", [])) == 1
    }
    if not candidates:
        return {}
    stored: dict[tuple[int, str], set[str]] = {}
    for resource, model in SNAPSHOT_TABLES:
        pairs = model.objects.filter(youth_id__in=candidates).values_list("youth_id", "sis_id")
        for youth_id, sis_id in pairs:
            stored.setdefault((youth_id, resource), set()).add(sis_id)
    found: dict[int, Pulled] = {}
    for youth_id, link in candidates.items():
        group = scan.groups[link.student_unique_id]
        scanned = {
            resource: {r.raw.get("id") if isinstance(r, InvalidRecord) else r["id"] for r in items}
            for resource, items in group.items()
            if isinstance(items, list)
        }
        if all(
            stored.get((youth_id, resource), set()) <= scanned.get(resource, set())
            for resource, _model in SNAPSHOT_TABLES
        ):
            pulled = Pulled(link.pk, records={r: [] for r in STUDENT_RESOURCES})
            for resource, items in group.items():
                for item in items:
                    pulled.add(resource, item)
            found[link.pk] = pulled
    return found
