"""How students are written: fetched in pages, per student (several at once), or taken from
the change scan, and written in blocks of about 500, one transaction per block; a one-student
pull is a block of one.

Every student goes through the same checks (contract, one student record, birth date,
catalogue courses); one who fails stays out of the block's writes, keeps their last good
snapshot, and their link records the error.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import io
import itertools
import json
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, connections, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_record_each
from sis_bridge.client import InvalidRecord, SisClient, SisError, failure_text
from sis_bridge.models import (
    AcademicTerm,
    Enrollment,
    QuarantinedRecord,
    SisLink,
    SyncRun,
    TranscriptCourse,
)
from youth.models import Youth
from youth.services import ConsentTerms, consent_terms, school_records_consented

from .mapping import (
    ENROLLMENT_COLUMNS,
    STUDENT_RESOURCES,
    TERM_COLUMNS,
    TRANSCRIPT_COLUMNS,
    Catalogue,
    CopyRows,
    StudentRows,
    student_rows,
)

logger = logging.getLogger(__name__)

BLOCK_SIZE = 500
# With automatic collections off (sync.collections_by_block), the writer collects cycles every
# so many blocks: a sync leaves none per student, but a retried request or a logged error may.
COLLECT_EVERY_BLOCKS = 10
# Students asked for at once when the nightly sync fetches them one by one (each takes four
# requests in a row); the ODS serves requests in parallel, the mock one at a time.
FETCH_WORKERS = 8
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


@dataclass(slots=True)
class LinkState:
    """What a sync reads and writes of a link, with its youth's birth date and consents, as
    plain values: the nightly run reads every link twice (whom to ask, then to write), 100,000
    at LA scale, and model instances of links, youth and consents refer to each other, which
    leaves every one of them for the cycle collector to find."""

    pk: int
    youth_id: int
    student_unique_id: str
    snapshot_hash: str
    special_status: list[str]
    last_error: str
    last_refreshed_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    birth_date: dt.date
    consents: list[ConsentTerms]
    updated_at: dt.datetime | None = None

    def consented(self, day: dt.date) -> bool:
        """Whether the youth's consents let the SIS be asked on this day."""
        return school_records_consented(self.consents, day)


_LINK_VALUES = (
    "pk",
    "youth_id",
    "student_unique_id",
    "snapshot_hash",
    "special_status",
    "last_error",
    "last_refreshed_at",
    "last_attempt_at",
    "youth__birth_date",
)


def _with_consents(rows: list[tuple], *, lock: bool = False) -> list[LinkState]:
    """LinkState for rows of _LINK_VALUES, with their youth's consents (one query)."""
    consents = consent_terms([youth_id for _pk, youth_id, *_rest in rows], lock=lock)
    return [LinkState(*row, consents.get(row[1], [])) for row in rows]


def link_states(links: QuerySet[SisLink], *, lock: bool = False) -> list[LinkState]:
    """The links of a (small) queryset as LinkState: two queries. With `lock` (inside a
    transaction), the links and their youth's consents stay as read until it ends: what is
    written under them is what they allowed when it was written.

    Locks are taken youth first (FOR KEY SHARE: what the snapshot rows' foreign keys take at
    commit anyway), then links, then consents, the order in which an edit of the youth record
    (which may drop the link) takes them: taken link first, the two could deadlock."""
    if lock:
        _hold_youth_of(links)
        links = links.select_for_update(of=("self",), no_key=True).order_by("pk")
    return _with_consents(list(links.values_list(*_LINK_VALUES)), lock=lock)


def _hold_youth_of(links: QuerySet[SisLink]) -> None:
    select, params = links.order_by().values("youth_id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Youth._meta.db_table} WHERE id IN ({select})"  # noqa: S608
            " ORDER BY id FOR KEY SHARE",
            params,
        )


def link_state_blocks(links: QuerySet[SisLink]) -> Iterator[list[LinkState]]:
    """Every link of a queryset, in pk order, BLOCK_SIZE at a time (one query per block for
    their consents), read from one server-side cursor."""
    rows = links.order_by("pk").values_list(*_LINK_VALUES).iterator(chunk_size=BLOCK_SIZE)
    while chunk := list(itertools.islice(rows, BLOCK_SIZE)):
        yield _with_consents(chunk)


def born_on_the_same_day(birth_date: dt.date, student: dict[str, Any]) -> bool:
    born = dt.date.fromisoformat(student["birthDate"])
    swapped = (birth_date.year, birth_date.day, birth_date.month) if birth_date.day <= 12 else None
    return born == birth_date or (born.year, born.month, born.day) == swapped


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
        pulled.error = failure_text(failure)
    return pulled


def fetch_many(client: SisClient, students: Iterable[tuple[int, str]]) -> Iterator[Pulled]:
    """fetch_one for each (link pk, LAUSD ID), FETCH_WORKERS students at a time, in order.

    The SIS answers one student's request while we wait on another's: most of a per-student
    pull is waiting. At most 2 * FETCH_WORKERS students are fetched ahead of the caller, so
    memory stays flat however many are pending.
    """
    ahead: deque[Future[Pulled]] = deque()
    with ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="sis-fetch") as pool:
        try:
            for link_pk, uid in students:
                ahead.append(pool.submit(fetch_one, client, link_pk, uid))
                if len(ahead) >= 2 * FETCH_WORKERS:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()
        finally:
            for future in ahead:
                future.cancel()


def verdict(pulled: Pulled, birth_date: dt.date, catalogue: Catalogue) -> str:
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
    if not born_on_the_same_day(birth_date, records["students"][0]):
        # A mistyped LAUSD ID must not pull a stranger's records onto this youth.
        return _("The district student with this LAUSD ID was born on another day: check the ID.")
    if bad := catalogue.unusable_courses(records.get("courseTranscripts", [])):
        return _("Course %(code)s broke the contract in the catalogue.") % {"code": bad}
    return ""


@dataclass
class _Outcome:
    """What a block does for one pulled student."""

    pulled: Pulled
    link: LinkState
    error: str = ""
    fingerprint: str = ""
    rows: CopyRows | None = None  # only when the snapshot changed

    @property
    def outcome(self) -> str:
        if self.error:
            return "failed"
        return "changed" if self.rows is not None else "unchanged"


@dataclass
class _Written:
    """What writing a block did: an outcome per student judged, and the links skipped."""

    outcomes: list[_Outcome] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def _mappable(pulled: Pulled) -> bool:
    """Whether these records can pass verdict() for some youth: what mapping them needs."""
    return not (pulled.invalid or pulled.error) and len(pulled.records.get("students", [])) == 1


class BlockWriter:
    """Collects pulled students and writes them ~500 at a time, one transaction per block.

    Records are mapped to COPY lines as a block is flushed; the block's links (whose the
    students are now, their consents and stored fingerprints) are read when it is written. A
    student whose fingerprint (youth, records, catalogue, mapping) matches the stored one is
    not rewritten. Should the database refuse a value (too long, out of range), the block is
    written again student by student, and only the student whose rows it refused fails,
    keeping their last good snapshot.

    With `background`, each block is written by a thread on a connection of its own while
    the next block is fetched and mapped (PostgreSQL and Python at work at once, and the
    mapping thread never waits on the database). Only outside a transaction: inside one, the
    second connection would not see what it holds. close() writes what is left and waits for
    it; stop() then lets the thread go.
    """

    def __init__(
        self,
        run: SyncRun,
        catalogue: Catalogue,
        user=None,
        *,
        background: bool = False,
        collect_every: int | None = None,
    ) -> None:
        self.run = run
        self.catalogue = catalogue
        self.user = user
        self.collect_every = collect_every
        self.flushed = 0  # blocks, for collect_every
        self.block: list[Pulled] = []
        self.counted: set[int] = set()  # links counted once, even when pulled again
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sis-write") if background else None
        self._writing: Future[_Written] | None = None

    def add(self, pulled: Pulled) -> None:
        self.block.append(pulled)
        if len(self.block) >= BLOCK_SIZE:
            self.flush()

    def flush(self) -> None:
        block, self.block = self.block, []
        if not block:
            return
        self.flushed += 1
        if self.collect_every and self.flushed % self.collect_every == 0:
            gc.collect()
        mapped = [
            (pulled, student_rows(pulled.records, self.catalogue) if _mappable(pulled) else None)
            for pulled in block
        ]
        if self._pool is None:
            self._counted(self._write_block(mapped))
        else:
            self._settle()
            self._writing = self._pool.submit(self._write_block, mapped)

    def close(self) -> None:
        """Write what is left and wait until it is written."""
        self.flush()
        self._settle()

    def stop(self) -> None:
        """Let the background writer go (after the block it is writing), closing its
        connection; close() first, or the blocks not yet written are dropped."""
        if self._pool is not None:
            self._pool.submit(connections.close_all)
            self._pool.shutdown(wait=True)
            self._pool = None

    def _settle(self) -> None:
        """Wait for the block being written (raising what it raised) and count it."""
        if self._writing is not None:
            future, self._writing = self._writing, None
            self._counted(future.result())

    def _write_block(self, mapped: list[tuple[Pulled, StudentRows | None]]) -> _Written:
        """Judge the block's students against their links as they are now, and write, in one
        transaction that holds the links and consents it read."""
        try:
            with transaction.atomic():
                written = self._judge_block(mapped)
                self._write(written.outcomes)
        except DatabaseError:
            logger.warning(
                "SIS run %s: a block was refused, writing it student by student", self.run.pk
            )
            with transaction.atomic():
                written = self._judge_block(mapped)
                self._write(written.outcomes, alone=True)
        if self._pool is not None:
            # The block's records (some 300,000 objects) are freed here rather than in the
            # mapping thread, where it took 7% of its time.
            for pulled, _rows in mapped:
                pulled.records = {}
            mapped.clear()
        return written

    def _judge_block(self, mapped: list[tuple[Pulled, StudentRows | None]]) -> _Written:
        pks = [pulled.link_pk for pulled, _rows in mapped]
        links = {
            link.pk: link for link in link_states(SisLink.objects.filter(pk__in=pks), lock=True)
        }
        today = timezone.localdate()
        written = _Written()
        for pulled, rows in mapped:
            link = links.get(pulled.link_pk)
            if link is None or not link.consented(today):
                # Unlinked, or consent withdrawn since the run began: nothing is kept.
                if link is not None:
                    written.skipped.append(link.pk)
                continue
            written.outcomes.append(self._judge(pulled, rows, link))
        return written

    def _counted(self, written: _Written) -> None:
        """Count a written block in the run (each link once), in the caller's thread."""
        for link_pk in written.skipped:
            if link_pk not in self.counted:
                self.counted.add(link_pk)
                self.run.skipped += 1
        for item in written.outcomes:
            if item.error:
                logger.warning(
                    "SIS pull for youth %s failed in run %s: %s",
                    item.link.youth_id,
                    self.run.pk,
                    item.error,
                )
            if item.link.pk not in self.counted:
                self.counted.add(item.link.pk)
                self.run.fetched += 1
                setattr(self.run, item.outcome, getattr(self.run, item.outcome) + 1)

    def _judge(self, pulled: Pulled, rows: StudentRows | None, link: LinkState) -> _Outcome:
        item = _Outcome(pulled, link, error=verdict(pulled, link.birth_date, self.catalogue))
        if not item.error:
            youth_rows = rows.for_youth(link.youth_id)  # verdict() passed: _mappable() did
            item.fingerprint = youth_rows.fingerprint()
            if item.fingerprint != link.snapshot_hash:
                item.rows = youth_rows
        return item

    def _write(self, outcomes: list[_Outcome], *, alone: bool = False) -> None:
        """Every write of the block; with `alone`, each student's rows in a savepoint."""
        changed = [item for item in outcomes if item.rows is not None and not item.error]
        with connection.cursor() as cursor:
            if alone:
                for item in changed:
                    try:
                        with transaction.atomic():
                            _replace_rows(cursor, [item])
                    except DatabaseError as refused:
                        item.error = _(
                            "The SIS sent a value the database cannot store (%(kind)s)."
                        ) % {"kind": type(refused).__name__}
            else:
                _replace_rows(cursor, changed)
        run, now = self.run, timezone.now()
        pulls, quarantined, refreshed, failed = [], [], [], []
        for item in outcomes:
            pulled, link = item.pulled, item.link
            detail = {"sync_run": run.pk, "records": {k: len(v) for k, v in pulled.records.items()}}
            pulls.append((link.youth_id, detail))
            quarantined += quarantine_rows(run, link.youth_id, pulled.invalid)
            link.last_attempt_at = pulled.attempted_at
            link.updated_at = now
            if item.error:
                link.last_error = item.error[:500]
                failed.append(link)
            else:
                link.snapshot_hash = item.fingerprint
                if item.rows is not None:
                    link.special_status = item.rows.special_status
                link.last_refreshed_at = link.last_attempt_at
                link.last_error = ""
                refreshed.append(link)
        access_record_each(user=self.user, action=Action.SIS_PULLED, entries=pulls)
        QuarantinedRecord.objects.bulk_create(quarantined)
        if refreshed:
            _update_refreshed(refreshed)
        if failed:
            SisLink.objects.bulk_update(
                [
                    SisLink(
                        pk=link.pk,
                        last_attempt_at=link.last_attempt_at,
                        last_error=link.last_error,
                        updated_at=link.updated_at,
                    )
                    for link in failed
                ],
                ["last_attempt_at", "last_error", "updated_at"],
            )


def _replace_rows(cursor, changed: list[_Outcome]) -> None:
    """Delete the students' old snapshot rows and COPY the new ones in."""
    if not changed:
        return
    youth_ids = [item.link.youth_id for item in changed]
    # A block's students are a sliver of any snapshot table, so the youth index is always the
    # way in; but a first sync fills the tables faster than autovacuum's ANALYZE follows, and
    # on stale statistics the planner scans millions of rows per DELETE.
    cursor.execute("SET LOCAL enable_seqscan = off")
    for model, _columns in SNAPSHOT_COPIES:
        table = model._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE youth_id = ANY(%s)", [youth_ids])  # noqa: S608
    cursor.execute("SET LOCAL enable_seqscan = on")
    for number, (model, columns) in enumerate(SNAPSHOT_COPIES):
        text = "".join(item.rows.texts()[number] for item in changed)
        with connection.wrap_database_errors:  # psycopg2's errors as Django's, as for execute
            cursor.copy_expert(_copy_sql(model, columns), io.StringIO(text))


@functools.cache
def _copy_sql(model: type[models.Model], columns: tuple[str, ...]) -> str:
    """COPY in CSV: an empty unquoted field is NULL, except in text columns (never null)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    text = [name for name in columns if fields[name].get_internal_type() == "CharField"]
    return (
        f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN "
        f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(text)}))"
    )


SNAPSHOT_COPIES = (
    (AcademicTerm, TERM_COLUMNS),
    (TranscriptCourse, TRANSCRIPT_COLUMNS),
    (Enrollment, ENROLLMENT_COLUMNS),
)


def _update_refreshed(links: list[LinkState]) -> None:
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


def reusable(scan: ChangeScan, links: list[LinkState]) -> dict[int, Pulled]:
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
