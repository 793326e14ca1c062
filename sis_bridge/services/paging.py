"""A full scan of the SIS's student resources, page by page, grouped into blocks of students."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from typing import Any

from sis_bridge.client import PAGE_SIZE, SisClient

from .blocks import STUDENT_RESOURCES, Pulled, student_id_of

# Records per student across the four resources, to guess how many pages a full scan takes
# (LAUSD-like data: ~27 transcripts, ~4.5 terms, ~1.3 enrollments, 1 student).
RECORDS_PER_STUDENT = 40


def pages_needed(client: SisClient, filters: dict[str, Any]) -> int:
    """About how many requests a full scan of the four resources takes (one request to ask)."""
    total = client.total_count("students", **filters) or 0
    return math.ceil(total / PAGE_SIZE) + math.ceil(total * RECORDS_PER_STUDENT / PAGE_SIZE)


class _Stream:
    """One resource's pages, read a page at a time and only as far as the blocks need."""

    def __init__(self, client: SisClient, resource: str, filters: dict[str, Any]) -> None:
        self.resource = resource
        self._pages = client.pages(resource, **filters)
        self.buffer: deque[tuple[str | None, Any]] = deque()
        self.done = False

    def head(self) -> tuple[str | None, Any] | None:
        while not self.buffer and not self.done:
            page = next(self._pages, None)
            if page is None:
                self.done = True
            else:
                self.buffer.extend((student_id_of(item), item) for item in page.ordered)
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
    streams = [_Stream(client, r, filters) for r in STUDENT_RESOURCES[1:]]
    placed: dict[str, int] = {}  # pending student -> number of the block they were in
    again: set[str] = set()
    for number, page in enumerate(client.pages("students", **filters)):
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
    yield from sorted(again | (pending.keys() - placed.keys()))
