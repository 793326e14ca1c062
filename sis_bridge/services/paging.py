"""A full scan of the SIS's student resources, page by page, grouped into blocks of students."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Iterator
from queue import Full, Queue
from typing import Any, TypeVar

from sis_bridge.client import PAGE_SIZE, Fetched, SisClient

from .blocks import BLOCK_SIZE, STUDENT_RESOURCES, Pulled, student_id_of

# Records per student in each resource (LAUSD-like data), to guess how many pages a full scan
# takes and how many pages make a block.
RECORDS_PER_STUDENT = {
    "students": 1,
    "studentSchoolAssociations": 1.3,
    "studentAcademicRecords": 4.5,
    "courseTranscripts": 27,
}
# Pages asked for at once: one transcripts page at a time held a full scan back (the sync
# waited on it half the run, while the SIS sat idle as the last page travelled and was checked).
# Two: 926-986 vs 840-901 students/s in alternating runs of 20,000; three did no better.
PAGES_IN_FLIGHT = {"courseTranscripts": 2}
T = TypeVar("T")


def pages_needed(client: SisClient, filters: dict[str, Any]) -> int:
    """About how many requests a full scan of the four resources takes (one request to ask)."""
    total = client.total_count("students", **filters) or 0
    return sum(math.ceil(total * n / PAGE_SIZE) for n in RECORDS_PER_STUDENT.values())


def pages_per_block(resource: str) -> int:
    """Pages read ahead of a stream: about a block's worth, so the SIS builds and the thread
    decodes the next block while this one is mapped and written."""
    return math.ceil(BLOCK_SIZE * RECORDS_PER_STUDENT[resource] / PAGE_SIZE) + 1


def read_ahead(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """The items of an iterator produced in a thread, up to `depth` ahead of the caller.

    A page of the next block is on its way (the SIS builds it, the thread decodes and checks
    it) while the caller maps and writes this one. Errors reach the caller in order; closing
    the generator stops the thread at its next item.
    """
    queue: Queue[tuple[bool, Any]] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(queue, stop, (True, item)):
                    return
        except BaseException as error:  # handed to the caller, which raises it
            _put(queue, stop, (False, error))
            return
        _put(queue, stop, (False, None))

    thread = threading.Thread(target=produce, name="sis-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            more, item = queue.get()
            if more:
                yield item
            elif item is None:
                return
            else:
                raise item
    finally:
        stop.set()
        thread.join()


def _put(queue: Queue, stop: threading.Event, entry: tuple[bool, Any]) -> bool:
    """Put unless the consumer has stopped; False once it has."""
    while not stop.is_set():
        try:
            queue.put(entry, timeout=0.1)
            return True
        except Full:
            continue
    return False


# Where a record of each resource names its student (the contract requires it there).
_STUDENT_REFERENCE = {
    "studentSchoolAssociations": "studentReference",
    "studentAcademicRecords": "studentReference",
    "courseTranscripts": "studentAcademicRecordReference",
}


def with_student_ids(resource: str, page: Fetched) -> list[tuple[str | None, Any]]:
    """(student id, record) for each record of a page, in order: read straight from the
    reference the contract requires when every record kept it, else one by one."""
    if page.invalid:
        return [(student_id_of(item), item) for item in page.ordered]
    key = _STUDENT_REFERENCE[resource]
    return [(record[key]["studentUniqueId"], record) for record in page.records]


class _Stream:
    """One resource's pages, read a page at a time and only as far as the blocks need."""

    def __init__(self, client: SisClient, resource: str, filters: dict[str, Any]) -> None:
        self.resource = resource
        in_flight = PAGES_IN_FLIGHT.get(resource, 1)
        pages = client.pages(resource, in_flight=in_flight, **filters)
        self._pages = read_ahead(pages, pages_per_block(resource))
        self.buffer: deque[tuple[str | None, Any]] = deque()
        self.done = False

    def close(self) -> None:
        self._pages.close()

    def head(self) -> tuple[str | None, Any] | None:
        while not self.buffer and not self.done:
            page = next(self._pages, None)
            if page is None:
                self.done = True
            else:
                self.buffer.extend(with_student_ids(self.resource, page))
        return self.buffer[0] if self.buffer else None


def page_through(
    client: SisClient, pending: dict[str, int], filters: dict[str, Any]
) -> Iterator[Pulled | str]:
    """Pulled students for a full scan, block by block, then the ids of those to fetch alone.

    The students list is read a page (a block) at a time; each other resource is read on until
    its next record belongs to a pending student not listed yet. An ODS lists every resource in
    the same student order, so a block is then complete. A record that arrives for a student
    already handed out (another order) marks that student to be fetched again on their own, as
    are pending students the list never named. Memory: one page per resource and one block.

    Yields Pulled per student, then "<uid>" strings for the students to fetch one by one; also
    yields InvalidRecord for records that name no student (for quarantine).
    """
    students = read_ahead(client.pages("students", **filters))
    streams = [_Stream(client, r, filters) for r in STUDENT_RESOURCES[1:]]
    try:
        placed: dict[str, int] = {}  # pending student -> number of the block they were in
        again: set[str] = set()
        for number, page in enumerate(students):
            block: dict[str, Pulled] = {}
            for item in page.ordered:
                uid = student_id_of(item)
                if uid is None:
                    yield item
                elif uid in pending:
                    if uid in placed and placed[uid] != number:
                        again.add(uid)
                    placed[uid] = number
                    block.setdefault(uid, Pulled(pending[uid], {r: [] for r in STUDENT_RESOURCES}))
                    block[uid].add("students", item)
            for stream in streams:
                while (head := stream.head()) is not None:
                    uid, item = head
                    if uid is not None and uid in pending and uid not in placed:
                        break  # a later block's student
                    stream.buffer.popleft()
                    if uid is None:
                        yield item
                    elif uid in block:
                        block[uid].add(stream.resource, item)
                    elif uid in pending:
                        again.add(uid)  # listed out of order: fetch this student again alone
            yield from (pulled for uid, pulled in block.items() if uid not in again)
        for stream in streams:
            while (head := stream.head()) is not None:
                stream.buffer.popleft()
                uid, item = head
                if uid is None:
                    yield item
                elif uid in placed:
                    again.add(uid)
    finally:
        students.close()
        for stream in streams:
            stream.close()
    yield from sorted(again | (pending.keys() - placed.keys()))
