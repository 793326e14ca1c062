"""The nightly sync's fast path: contract checks built once, rows loaded by COPY, students
fetched concurrently, pages read ahead, and the mock's windows paged by bisection."""

from __future__ import annotations

import copy
import csv
import dataclasses
import datetime as dt
import gc
import io
import threading
import time

import httpx
import pytest
from django.db import OperationalError, connection, models, transaction
from django.test.utils import CaptureQueriesContext

from sis_bridge import client as sis_client_module
from sis_bridge.client import CONTRACT, Fetched, InvalidRecord
from sis_bridge.mock.dataset import Dataset
from sis_bridge.models import AcademicTerm, Enrollment, SisLink, SyncKind, SyncRun, TranscriptCourse
from sis_bridge.services import blocks, mapping, sis_nightly_sync
from sis_bridge.services.blocks import (
    STUDENT_RESOURCES,
    BlockWriter,
    LinkState,
    Pulled,
    fetch_many,
    fetch_one,
)
from sis_bridge.services.mapping import (
    ENROLLMENT_COLUMNS,
    TERM_COLUMNS,
    TRANSCRIPT_COLUMNS,
    Catalogue,
    copy_rows,
    csv_line,
    snapshot,
    transcript_row,
)
from sis_bridge.services.paging import read_ahead, with_student_ids
from youth.models import Youth

from . import mapping_oracle
from .conftest import SEED
from .test_sync import many_youth, youth_for

YEAR = dt.timedelta(days=365)

# --- the contract, checked by the compiled checks and explained by the slow path -------------


def _variants(record: dict, contract: dict) -> list:
    """The record with each contract field missing, null, of a wrong type, or broken inside a
    list item, plus a few records that are no object at all."""
    variants: list = [None, "text", [record]]
    wrong = [None, "x", 7, 2.5, True, [], {}, "2024-02-30", "2024-1-1", "a\x00b", 10**30]
    for path in contract:
        outer, _sep, inner = path.partition("[].")
        keys = outer.split(".")
        for value in [*wrong, ...]:  # ... stands for "missing"
            changed = copy.deepcopy(record)
            target = changed
            for key in keys[:-1]:
                target = target.get(key) if isinstance(target, dict) else None
            if not isinstance(target, dict):
                continue
            if not inner:
                if value is ...:
                    target.pop(keys[-1], None)
                else:
                    target[keys[-1]] = value
                variants.append(changed)
                continue
            items = target.get(keys[-1])
            if isinstance(items, list) and items and isinstance(items[0], dict):
                if value is ...:
                    items[0].pop(inner, None)
                else:
                    items[0][inner] = value
                variants.append(changed)
    return variants


@pytest.mark.parametrize("resource", sorted(CONTRACT))
def test_the_compiled_contract_checks_agree_with_the_explanations(resource):
    dataset = Dataset(SEED, 40)
    if resource in ("schools", "courses"):
        records = dataset.catalogue(resource)[:5]
    else:
        records = [r for i in range(0, 40, 8) for r in dataset.student_records(resource, i)][:12]
    checked = 0
    for record in records:
        for variant in _variants(record, CONTRACT[resource]):
            conforms = sis_client_module._conforms(resource, variant)
            explained = sis_client_module._explain(resource, variant)
            assert conforms == (explained is None), (resource, variant, explained)
            checked += 1
    assert checked > 50


# --- rows through COPY --------------------------------------------------------------------------


def test_the_row_columns_are_the_snapshot_tables_columns():
    for model, columns in (
        (AcademicTerm, TERM_COLUMNS),
        (TranscriptCourse, TRANSCRIPT_COLUMNS),
        (Enrollment, ENROLLMENT_COLUMNS),
    ):
        table = {f.attname for f in model._meta.concrete_fields} - {"id"}
        assert set(columns) == table and len(columns) == len(table), model.__name__


def test_a_row_depends_on_its_record_alone_not_on_the_records_mapped_before_it():
    """Mapping remembers what it made of descriptors and credit values; an earned credit of 5
    and one of 5.0 (the contract lets both through) must still map as sent, in either order,
    or an unchanged student's fingerprint would change with what the worker mapped before."""
    dataset = Dataset(SEED, 10)
    record = dataset.student_records("courseTranscripts", 3)[0]
    record.pop("earnedCreditConversion", None)  # LAUSD credits are then the value as sent
    sent = [{**record, "earnedCredits": 5}, {**record, "earnedCredits": 5.0}]
    lausd = TRANSCRIPT_COLUMNS.index("lausd_credits")
    earned = TRANSCRIPT_COLUMNS.index("earned_credits")
    for order in (sent, sent[::-1]):
        mapping._lausd_credits.cache_clear()
        catalogue = Catalogue(courses={c["courseCode"]: c for c in dataset.catalogue("courses")})
        for one in order:
            row = transcript_row(1, one, catalogue)
            assert repr(row[lausd]) == repr(one["earnedCredits"])
            records = {r: [] for r in STUDENT_RESOURCES} | {"courseTranscripts": [one]}
            records["students"] = dataset.student_records("students", 3)
            (line,) = csv.reader(io.StringIO(copy_rows(1, records, catalogue).courses))
            assert line[earned] == line[lausd] == repr(one["earnedCredits"])


def test_a_negative_zero_is_written_as_zero_whichever_came_first():
    """Credits are remembered by value and type, and -0.0 == 0.0: both are written as 0.0 (as
    PostgreSQL's numeric keeps them), or the text would depend on what was mapped before."""
    dataset = Dataset(SEED, 10)
    record = dataset.student_records("courseTranscripts", 3)[0]
    sent = [{**record, "earnedCredits": -0.0}, {**record, "earnedCredits": 0.0}]
    earned = TRANSCRIPT_COLUMNS.index("earned_credits")
    for order in (sent, sent[::-1]):
        catalogue = Catalogue(courses={c["courseCode"]: c for c in dataset.catalogue("courses")})
        for one in order:
            records = {r: [] for r in STUDENT_RESOURCES} | {"courseTranscripts": [one]}
            records["students"] = dataset.student_records("students", 3)
            (line,) = csv.reader(io.StringIO(copy_rows(1, records, catalogue).courses))
            assert line[earned] == "0.0"
            assert repr(transcript_row(1, one, catalogue)[earned]) == "0.0"


def _dataset_catalogue(dataset: Dataset) -> Catalogue:
    return Catalogue(
        courses={c["courseCode"]: c for c in dataset.catalogue("courses")},
        schools={s["schoolId"]: s["nameOfInstitution"] for s in dataset.catalogue("schools")},
    )


# Records as an SIS may send them that remembered parts must keep apart: an earned credit of 5
# and of 5.0, titles missing, empty, or needing quotes, no letter grade, no subject.
VARIANTS = [
    {"earnedCredits": 5},
    {"earnedCredits": 5.0},
    {"earnedCredits": None, "attemptedCredits": 5},
    {"courseTitle": ""},
    {"courseTitle": None},
    {"courseTitle": 'Bio, "Honors"\r\nlab'},
    {"finalLetterGradeEarned": None},
    {"academicSubjects": []},
    {"earnedCreditConversion": None, "earnedCreditTypeDescriptor": None},
]


def test_the_sync_writes_the_lines_the_old_mapping_wrote():
    """copy_rows (the sync's lines, from parts remembered over 300 students) and snapshot()
    against the mapping as it was before parts were remembered, one record at a time: the same
    text, so the same fingerprints as the rows already stored."""
    dataset = Dataset(SEED, 300)
    remembered, rows_catalogue = _dataset_catalogue(dataset), _dataset_catalogue(dataset)
    for index in range(300):
        records = {r: dataset.student_records(r, index) for r in STUDENT_RESOURCES}
        for number, transcript in enumerate(records["courseTranscripts"][:3]):
            transcript.update(VARIANTS[(index + number) % len(VARIANTS)])
        texts, status = mapping_oracle.copy_texts(index + 1, records, _dataset_catalogue(dataset))
        made = copy_rows(index + 1, records, remembered)
        assert made.texts() == texts
        assert snapshot(index + 1, records, rows_catalogue).csv() == texts
        assert made.special_status == status
    assert 0 < len(remembered.parts.course) < 300 * 20  # remembered, and shared


def test_text_is_quoted_where_copy_needs_it_a_carriage_return_included():
    row = (7, "id,1", 'a "b"', "line\nbreak", "cr\rhere", "", None, True, False, 5, 5.0, 0.1)
    assert csv_line(row) == ('7,"id,1","a ""b""","line\nbreak","cr\rhere",,,True,False,5,5.0,0.1\n')


def test_remembered_parts_are_let_go_past_their_limit(monkeypatch):
    dataset = Dataset(SEED, 40)
    catalogue = _dataset_catalogue(dataset)
    monkeypatch.setattr(mapping.TranscriptParts, "LIMIT", 5)
    for index in range(40):
        records = {r: dataset.student_records(r, index) for r in STUDENT_RESOURCES}
        expected, _status = mapping_oracle.copy_texts(index + 1, records, catalogue)
        assert copy_rows(index + 1, records, catalogue).texts() == expected
        assert len(catalogue.parts.course) <= 5 + len(records["courseTranscripts"])


def test_link_values_are_read_in_the_order_of_link_state_fields():
    names = [field.name for field in dataclasses.fields(LinkState)]
    read = [name.replace("youth__", "") for name in blocks._LINK_VALUES]
    assert names[: len(read)] == read


def _pulled_with_awkward_text(live_client, youth) -> Pulled:
    link = SisLink.objects.get(youth=youth)
    pulled = fetch_one(live_client, link.pk, youth.lausd_id)
    first, second = pulled.records["courseTranscripts"][:2]
    first["courseTitle"] = 'Bio, "Honors"\nlab\\2\t\u00e9\r'
    first.pop("finalLetterGradeEarned", None)
    first["earnedCredits"] = None
    second["courseTitle"] = ""  # falls back to the catalogue's title, as before
    return pulled


@pytest.mark.django_db
def test_text_with_separators_quotes_and_newlines_and_missing_values_load_as_mapped(
    live_client,
):
    youth = youth_for(60)
    SisLink.objects.create(youth=youth, student_unique_id=youth.lausd_id, method="lausd_id")
    run = SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    writer = BlockWriter(run, Catalogue.fetch(live_client))
    pulled = _pulled_with_awkward_text(live_client, youth)
    first_id = pulled.records["courseTranscripts"][0]["id"]

    writer.add(pulled)
    writer.flush()

    assert (run.changed, run.failed) == (1, 0)
    row = TranscriptCourse.objects.get(youth=youth, sis_id=first_id)
    assert row.title == 'Bio, "Honors"\nlab\\2\t\u00e9\r'
    assert (row.letter_grade, row.earned_credits, row.lausd_credits) == ("", None, 0)
    assert not TranscriptCourse.objects.filter(youth=youth, title="").exists()
    stored = len(pulled.records["courseTranscripts"])
    assert TranscriptCourse.objects.filter(youth=youth).count() == stored


@pytest.mark.django_db(transaction=True)  # a background writer's connection sees commits only
@pytest.mark.parametrize("background", [False, True], ids=["in-line", "background"])
def test_a_value_the_database_refuses_fails_only_that_student_and_keeps_their_snapshot(
    live_client, background
):
    youths = [youth_for(61), youth_for(62)]
    links = [
        SisLink.objects.create(youth=y, student_unique_id=y.lausd_id, method="lausd_id")
        for y in youths
    ]
    catalogue = Catalogue.fetch(live_client)
    first = SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    writer = BlockWriter(first, catalogue)
    for link, youth in zip(links, youths, strict=True):
        writer.add(fetch_one(live_client, link.pk, youth.lausd_id))
    writer.flush()
    kept = list(TranscriptCourse.objects.filter(youth=youths[0]).values_list("pk", flat=True))
    first.status = "succeeded"
    first.save()

    # Past the contract's checks (made by hand): a school year no smallint column holds.
    second = SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    writer = BlockWriter(second, catalogue, background=background)
    bad = fetch_one(live_client, links[0].pk, youths[0].lausd_id)
    bad.records["courseTranscripts"][0]["studentAcademicRecordReference"]["schoolYear"] = 70000
    good = fetch_one(live_client, links[1].pk, youths[1].lausd_id)
    good.records["courseTranscripts"][0]["courseTitle"] = "Changed title"
    writer.add(bad)
    writer.add(good)
    writer.close()
    writer.stop()

    assert (second.fetched, second.failed, second.changed) == (2, 1, 1)
    refused = SisLink.objects.get(pk=links[0].pk)
    assert "cannot store" in refused.last_error
    assert (
        list(TranscriptCourse.objects.filter(youth=youths[0]).values_list("pk", flat=True)) == kept
    )
    assert TranscriptCourse.objects.filter(youth=youths[1], title="Changed title").exists()
    assert SisLink.objects.get(pk=links[1].pk).last_error == ""


@pytest.mark.django_db(transaction=True)  # a background writer's connection sees commits only
def test_a_block_is_judged_by_its_links_as_they_are_when_it_is_written(live_client, monkeypatch):
    """The block is mapped before its links are read: a consent withdrawn, or a link moved to
    another youth (a merge), after the records were mapped still decides what is kept."""
    # The survivor of a merge: the same student, entered twice.
    withdrawn, moved, survivor = youth_for(63), youth_for(64), youth_for(64, linked=False)
    links = [
        SisLink.objects.create(youth=y, student_unique_id=y.lausd_id, method="lausd_id")
        for y in (withdrawn, moved)
    ]
    pulled = [fetch_one(live_client, link.pk, link.student_unique_id) for link in links]
    run = SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    writer = BlockWriter(run, Catalogue.fetch(live_client), background=True)
    write_block = BlockWriter._write_block

    def changed_meanwhile(self, mapped):
        assert all(rows is not None for _pulled, rows in mapped)  # mapped already
        withdrawn.consents.update(withdrawn_on=dt.date.today())
        SisLink.objects.filter(pk=links[1].pk).update(youth=survivor)
        return write_block(self, mapped)

    monkeypatch.setattr(BlockWriter, "_write_block", changed_meanwhile)
    for one in pulled:
        writer.add(one)
    writer.close()
    writer.stop()

    assert (run.fetched, run.changed, run.skipped) == (1, 1, 1)
    assert not TranscriptCourse.objects.filter(youth=withdrawn).exists()
    assert not TranscriptCourse.objects.filter(youth=moved).exists()
    assert TranscriptCourse.objects.filter(youth=survivor).exists()
    assert SisLink.objects.get(pk=links[0].pk).last_attempt_at is None


@pytest.mark.django_db(transaction=True)
def test_no_consent_is_withdrawn_while_a_block_written_under_it_is_open(live_client, monkeypatch):
    """The writer holds the links and consents it judged by until its block commits: a
    withdrawal waits for it, so no row is written after the consent that allowed it ended."""
    youth = youth_for(67)
    link = SisLink.objects.create(youth=youth, student_unique_id=youth.lausd_id, method="lausd_id")
    run = SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    writer = BlockWriter(run, Catalogue.fetch(live_client), background=True)
    judged, release = threading.Event(), threading.Event()
    write = BlockWriter._write

    def held(self, outcomes, **options):
        judged.set()
        release.wait(10)
        return write(self, outcomes, **options)

    monkeypatch.setattr(BlockWriter, "_write", held)
    writer.add(fetch_one(live_client, link.pk, link.student_unique_id))
    writer.flush()
    assert judged.wait(10)
    try:
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            youth.consents.update(withdrawn_on=dt.date.today())
        # An edit of the youth record (which may drop the link) waits too, before it takes
        # anything the writer needs: the two take their locks in one order.
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            Youth.objects.select_for_update().get(pk=youth.pk)
    finally:
        release.set()
    writer.close()
    writer.stop()

    youth.consents.update(withdrawn_on=dt.date.today())  # once the block is in
    assert run.changed == 1
    assert TranscriptCourse.objects.filter(youth=youth).exists()


@pytest.mark.django_db(transaction=True)  # a background writer's connection sees commits only
def test_the_mapping_thread_asks_the_database_nothing_while_blocks_are_written(
    live_client, monkeypatch
):
    monkeypatch.setattr(blocks, "BLOCK_SIZE", 2)
    youths = [youth_for(66 + i) for i in range(4)]
    links = [
        SisLink.objects.create(youth=y, student_unique_id=y.lausd_id, method="lausd_id")
        for y in youths
    ]
    pulled = [fetch_one(live_client, link.pk, link.student_unique_id) for link in links]
    run = SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    writer = BlockWriter(run, Catalogue.fetch(live_client), background=True)

    with CaptureQueriesContext(connection) as asked:
        for one in pulled:  # two blocks: mapped here, judged and written by the writer
            writer.add(one)
    writer.close()
    writer.stop()

    assert list(asked) == []
    assert (run.fetched, run.changed, run.failed) == (4, 4, 0)
    for youth in youths:
        assert TranscriptCourse.objects.filter(youth=youth).exists()


def _connections_to_this_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_blocks_are_written_by_a_thread_while_the_next_is_fetched(
    sis_settings, live_client, monkeypatch
):
    monkeypatch.setattr(blocks, "BLOCK_SIZE", 3)
    youths = [youth_for(70 + i) for i in range(8)]
    writers = []
    write_block = BlockWriter._write_block

    def recorded(self, outcomes):
        writers.append((threading.current_thread().name, len(outcomes)))
        return write_block(self, outcomes)

    monkeypatch.setattr(BlockWriter, "_write_block", recorded)
    before = _connections_to_this_database()

    run = sis_nightly_sync(client=live_client)

    assert (run.status, run.fetched, run.changed, run.failed) == ("succeeded", 8, 8, 0)
    assert [size for _name, size in writers] == [3, 3, 2]
    assert {name for name, _size in writers} == {"sis-write_0"}
    for youth in youths:
        assert TranscriptCourse.objects.filter(youth=youth).exists()
        assert SisLink.objects.get(youth=youth).last_refreshed_at is not None
    assert _connections_to_this_database() == before  # the writer's connection was closed


@pytest.mark.django_db
def test_inside_a_transaction_blocks_are_written_on_its_connection(
    sis_settings, live_client, monkeypatch
):
    monkeypatch.setattr(blocks, "BLOCK_SIZE", 3)
    youths = [youth_for(80 + i) for i in range(4)]
    threads = set()
    write_block = BlockWriter._write_block

    def recorded(self, outcomes):
        threads.add(threading.current_thread())
        return write_block(self, outcomes)

    monkeypatch.setattr(BlockWriter, "_write_block", recorded)

    run = sis_nightly_sync(client=live_client)

    assert (run.status, run.changed) == ("succeeded", 4)
    assert threads == {threading.main_thread()}
    assert all(TranscriptCourse.objects.filter(youth=y).exists() for y in youths)


@pytest.mark.django_db
@pytest.mark.parametrize("paged", [False, True], ids=["per-student", "paging"])
def test_a_nightly_sync_leaves_no_cycles_behind_and_turns_the_collector_back_on(
    sis_settings, settings, mock_sis, live_client, monkeypatch, paged
):
    """The nightly sync turns automatic collections off (collections_by_block): its memory
    stays flat only while what a student leaves behind is freed by reference counting. Model
    instances of links, youth and consents, or httpx responses with their page's body, in
    cycles would pile up until the next collection. Both ways of fetching, a student who
    fails, the writer's own collections (every 10th block) and an incremental run after."""
    settings.SIS_FULL_SYNC_PAGING = paged
    monkeypatch.setattr(blocks, "BLOCK_SIZE", 7)
    youths = many_youth(range(95, 95 + (120 if paged else 75)))
    # A birth date the SIS does not have: that student fails and keeps nothing.
    Youth.objects.filter(pk=youths[1].pk).update(birth_date=youths[1].birth_date - YEAR)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage
    try:
        first = sis_nightly_sync(client=live_client)
        mock_sis.bump(youths[0].lausd_id)
        second = sis_nightly_sync(client=live_client)
        gc.collect()
        left = [
            repr(found)
            for found in gc.garbage
            if isinstance(found, models.Model)
            # the sync's responses; the test's own bump above is the one allowed
            or (isinstance(found, httpx.Response) and "/_mock/" not in str(found.request.url))
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()

    assert (first.changed, first.failed) == (len(youths) - 1, 1)
    assert second.change_version_from is not None and second.fetched == 2  # bumped, failed
    assert gc.isenabled()
    assert left == []


# --- fetching ahead -------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", STUDENT_RESOURCES[1:])
def test_a_page_names_each_records_student_as_student_id_of_does(resource):
    dataset = Dataset(SEED, 5)
    records = [r for i in range(5) for r in dataset.student_records(resource, i)]
    valid = Fetched(records=records, ordered=list(records))
    expected = [(blocks.student_id_of(r), r) for r in records]
    assert with_student_ids(resource, valid) == expected
    assert len({uid for uid, _record in expected}) == 5

    bad = InvalidRecord(resource, "x", "id", "missing", {"studentUniqueId": "nobody"})
    spoiled = Fetched(records=records[1:], invalid=[bad], ordered=[bad, *records[1:]])
    assert with_student_ids(resource, spoiled) == [("nobody", bad), *expected[1:]]


def test_read_ahead_hands_on_items_in_order_then_the_error():
    def items():
        yield from range(5)
        raise ValueError("page 6 broke")

    ahead = read_ahead(items())
    assert [next(ahead) for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="page 6 broke"):
        next(ahead)


def test_read_ahead_stays_a_few_items_ahead_and_stops_when_closed():
    produced = []

    def items():
        for number in range(1000):
            produced.append(number)
            yield number

    ahead = read_ahead(items(), depth=2)
    assert next(ahead) == 0
    time.sleep(0.3)
    assert len(produced) <= 4  # the one handed on, two queued, one waiting to be queued
    ahead.close()
    assert not any(t.name == "sis-read-ahead" and t.is_alive() for t in threading.enumerate())
    assert len(produced) <= 4


@pytest.mark.django_db
def test_students_fetched_concurrently_come_back_whole_and_in_order(live_client):
    people = [youth_for(index, consent=False) for index in range(70, 90)]
    wanted = [(number, youth.lausd_id) for number, youth in enumerate(people)]

    pulled = list(fetch_many(live_client, wanted))

    assert [p.link_pk for p in pulled] == list(range(20))
    for p, youth in zip(pulled, people, strict=True):
        assert not p.error and not p.invalid
        assert set(p.records) == set(STUDENT_RESOURCES)
        assert p.records["students"][0]["studentUniqueId"] == youth.lausd_id
    assert live_client.requests == 2 + 4 * 20  # discovery and token once, then 4 per student


# --- the mock's windows -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource", ["studentSchoolAssociations", "studentAcademicRecords", "courseTranscripts"]
)
def test_a_window_pages_like_the_records_of_its_students_in_order(resource):
    dataset = Dataset(SEED, 300)
    dataset.bump(17)
    dataset.bump(250)
    low = dataset.initial_load_version + 1  # edited students, and the two bumped
    window = (low, dataset.newest_change_version)
    students = [i for i in range(300) if dataset.change_version(i) >= low]
    expected = [r["id"] for i in students for r in dataset.student_records(resource, i)]

    paged, offset = [], 0
    while True:
        page = dataset.find(resource, {}, window, offset, 7, True)
        assert page.total == len(expected)
        paged += [r["id"] for r in page.items]
        offset += 7
        if len(page.items) < 7:
            break

    assert paged == expected and 17 in students and 250 in students


def test_a_window_holding_everyone_pages_like_no_window():
    dataset = Dataset(SEED, 120)
    everyone = (None, dataset.newest_change_version)
    for offset in (0, 333, 2990, 5000):
        pinned = dataset.find("courseTranscripts", {}, everyone, offset, 50, True)
        plain = dataset.find("courseTranscripts", {}, (None, None), offset, 50, True)
        assert pinned == plain
