"""The served data for one seed and student count: change versions, filters and paging.

Change versions come from one sequence, as in the ODS: schools 1-15, courses 100-209, then
student ``i`` (with all its enrollments, academic records and transcripts) at
``1001 + i``: that is the initial load, ending at ``initial_load_version = 1000 + students``.
About 5% of the students (``generator.is_edited``) were edited afterwards, at
``1001 + students + i``; each of those also has one studentSchoolAssociations entry under
``/deletes`` or ``/keyChanges`` at that version. ``bump`` gives a student the next version, in
memory only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import catalog as cat
from . import generator as gen
from . import records as rec

BASE_VERSION = 1000
_COURSE_VERSION = 100
_EPOCH = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
_DOTNET_TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000
_DOTNET_UTC_KIND = 1 << 62

CATALOGUE_RESOURCES = ("schools", "courses")
STUDENT_RESOURCES = (
    "students",
    "studentSchoolAssociations",
    "studentAcademicRecords",
    "courseTranscripts",
)
RESOURCES = CATALOGUE_RESOURCES + STUDENT_RESOURCES


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Query parameters each list route accepts as filters (from the Resources API spec); others
# are ignored, as the ODS does.
FILTERS: dict[str, frozenset[str]] = {
    "schools": _words(
        "id schoolId localEducationAgencyId schoolTypeDescriptor charterStatusDescriptor"
        " administrativeFundingControlDescriptor titleIPartASchoolDesignationDescriptor"
    ),
    "courses": _words(
        "id courseCode educationOrganizationId courseTitle courseDescription numberOfParts"
        " highSchoolCourseRequirement maximumAvailableCredits maximumAvailableCreditConversion"
        " maximumAvailableCreditTypeDescriptor"
    ),
    "students": _words(
        "id studentUniqueId birthDate birthSexDescriptor firstName middleName lastSurname"
        " preferredFirstName preferredLastSurname"
    ),
    "studentSchoolAssociations": _words(
        "id entryDate schoolId studentUniqueId classOfSchoolYear entryTypeDescriptor"
        " entryGradeLevelDescriptor exitWithdrawTypeDescriptor exitWithdrawDate primarySchool"
    ),
    "studentAcademicRecords": _words(
        "id termDescriptor educationOrganizationId schoolYear studentUniqueId"
        " cumulativeEarnedCredits cumulativeAttemptedCredits sessionEarnedCredits"
        " sessionAttemptedCredits cumulativeEarnedCreditTypeDescriptor"
        " sessionEarnedCreditTypeDescriptor"
    ),
    "courseTranscripts": _words(
        "id courseAttemptResultDescriptor courseCode courseEducationOrganizationId"
        " educationOrganizationId schoolYear studentUniqueId termDescriptor courseTitle"
        " courseRepeatCodeDescriptor methodCreditEarnedDescriptor earnedCredits"
        " attemptedCredits earnedCreditTypeDescriptor attemptedCreditTypeDescriptor"
        " finalLetterGradeEarned whenTakenGradeLevelDescriptor"
    ),
}
INTEGER_FILTERS = _words(
    "schoolId localEducationAgencyId educationOrganizationId courseEducationOrganizationId"
    " schoolYear classOfSchoolYear numberOfParts"
)
NUMBER_FILTERS = _words(
    "earnedCredits attemptedCredits cumulativeEarnedCredits cumulativeAttemptedCredits"
    " sessionEarnedCredits sessionAttemptedCredits maximumAvailableCredits"
    " maximumAvailableCreditConversion"
)
# Reference fields whose query parameter carries a role name.
_ROLE_NAMES = {
    ("courseReference", "educationOrganizationId"): "courseEducationOrganizationId",
    ("classOfSchoolYearTypeReference", "schoolYear"): "classOfSchoolYear",
    ("nextYearSchoolReference", "schoolId"): "nextYearSchoolId",
}
_COUNT_COLUMN = {
    "studentSchoolAssociations": 0,
    "studentAcademicRecords": 1,
    "courseTranscripts": 2,
}


class InvalidFilter(ValueError):
    """A filter value of the wrong type, e.g. schoolId=abc."""


@functools.lru_cache(maxsize=4096)  # one version for a student's records in all four lists
def record_metadata(change_version: int) -> tuple[str, str]:
    """(_etag, _lastModifiedDate) for a change version; the etag is .NET ToBinary, like the ODS."""
    moment = _EPOCH + dt.timedelta(seconds=change_version)
    ticks = _DOTNET_TICKS_AT_UNIX_EPOCH + int(moment.timestamp()) * 10_000_000
    return str(_DOTNET_UTC_KIND | ticks), moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def query_values(record: dict[str, Any]) -> dict[str, Any]:
    """The record's values under their flattened query-parameter names."""
    values: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                values.setdefault(_ROLE_NAMES.get((key, inner), inner), inner_value)
        elif not isinstance(value, list) and not key.startswith("_"):
            values[key] = value
    return values


def _matches(record: dict[str, Any], filters: dict[str, str]) -> bool:
    values = query_values(record)
    for name, wanted in filters.items():
        actual = values.get(name)
        if actual is None:
            return False
        if isinstance(actual, bool):
            if wanted.lower() != str(actual).lower():
                return False
        elif isinstance(actual, int | float):
            if float(wanted) != actual:
                return False
        elif actual.casefold() != wanted.casefold():  # the ODS database collation ignores case
            return False
    return True


def check_filters(filters: dict[str, str]) -> None:
    for name, value in filters.items():
        try:
            if name in INTEGER_FILTERS:
                int(value)
            elif name in NUMBER_FILTERS:
                float(value)
        except ValueError:
            raise InvalidFilter(f"The value '{value}' is not valid for {name}.") from None


@dataclass(slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int | None


class Dataset:
    def __init__(self, seed: int, students: int) -> None:
        self.seed = seed
        self.size = students
        self._bumps: dict[int, int] = {}
        self._newest = BASE_VERSION + 2 * students
        self._windows: dict[tuple[int | None, int | None, int], Sequence[int]] = {}
        self._window_prefix: dict[tuple[int, str], tuple[list[int], array]] = {}
        self._catalogue: dict[str, list[dict[str, Any]]] = {}
        # Record counts per student (see generator.Plan.counts), filled as far as needed.
        self._counts = array("H")
        self._prefix: dict[str, array] = {r: array("q", [0]) for r in _COUNT_COLUMN}
        self._edited: list[int] | None = None

    # --- change versions ---------------------------------------------------------------

    @property
    def initial_load_version(self) -> int:
        return BASE_VERSION + self.size

    @property
    def newest_change_version(self) -> int:
        return self._newest

    def change_version(self, index: int) -> int:
        bumped = self._bumps.get(index)
        if bumped is not None:
            return bumped
        return self._edit_version(index) if gen.is_edited(self.seed, index) else self._load(index)

    def _load(self, index: int) -> int:
        return BASE_VERSION + 1 + index

    def _edit_version(self, index: int) -> int:
        return BASE_VERSION + 1 + self.size + index

    def bump(self, index: int) -> int:
        """Record an edit of student ``index`` (all its records) at the next change version."""
        self._newest += 1
        self._bumps[index] = self._newest
        self._windows.clear()
        self._window_prefix.clear()
        return self._newest

    def index_for(self, student_unique_id: str) -> int | None:
        return gen.student_index_for_id(self.seed, student_unique_id, self.size)

    def _edited_indices(self) -> list[int]:
        if self._edited is None:
            self._edited = [i for i in range(self.size) if gen.is_edited(self.seed, i)]
        return self._edited

    def _window(self, low: int | None, high: int | None) -> Sequence[int]:
        """The student indices whose change version lies in [low, high], in index order."""
        if low is None and high is None:
            return range(self.size)
        key = (low, high, self._newest)
        if key not in self._windows:
            low_ = low if low is not None else 0
            high_ = high if high is not None else self._newest
            if not self._bumps and low_ > self.initial_load_version:
                # Fast path for incremental syncs: only edited students are that recent.
                found = [
                    i for i in self._edited_indices() if low_ <= self._edit_version(i) <= high_
                ]
            else:
                found = [i for i in range(self.size) if low_ <= self.change_version(i) <= high_]
            if len(self._windows) > 16:
                self._windows.clear()
                self._window_prefix.clear()
            # A window holding everyone (a full sync pins maxChangeVersion) pages like no window.
            self._windows[key] = range(self.size) if len(found) == self.size else found
        return self._windows[key]

    def _candidate_prefix(self, resource: str, candidates: list[int]) -> array:
        """Cumulative record counts of a window's students, so a page is found by bisection
        instead of walking the window from its start (once per window and resource)."""
        key = (id(candidates), resource)
        cached = self._window_prefix.get(key)
        if cached is None or cached[0] is not candidates:
            column = _COUNT_COLUMN[resource]
            self._fill_counts(max(candidates) + 1)
            prefix = array("q", [0])
            for index in candidates:
                prefix.append(prefix[-1] + self._counts[3 * index + column])
            cached = self._window_prefix[key] = (candidates, prefix)
        return cached[1]

    # --- records -----------------------------------------------------------------------

    def catalogue(self, resource: str) -> list[dict[str, Any]]:
        if resource not in self._catalogue:
            if resource == "schools":
                built = [
                    (i + 1, rec.school_json(self.seed, school, i))
                    for i, school in enumerate(cat.SCHOOLS)
                ]
            else:
                built = [
                    (_COURSE_VERSION + c.ordinal, rec.course_json(self.seed, c))
                    for c in cat.courses()
                ]
            records = []
            for version, record in built:
                record["_etag"], record["_lastModifiedDate"] = record_metadata(version)
                record["_changeVersion"] = version  # stripped before sending
                records.append(record)
            self._catalogue[resource] = records
        return self._catalogue[resource]

    def student_records(self, resource: str, index: int) -> list[dict[str, Any]]:
        seed = self.seed
        if resource == "students":
            records = [rec.student_json(seed, gen.identity(seed, index))]
        else:
            student = gen.history(seed, index)
            if resource == "studentSchoolAssociations":
                records = [
                    rec.school_association_json(seed, student, ordinal, enrollment)
                    for ordinal, enrollment in enumerate(student.enrollments)
                ]
            elif resource == "studentAcademicRecords":
                records = rec.academic_record_jsons(seed, student)
            else:
                records = rec.course_transcript_jsons(seed, student)
        etag, modified = record_metadata(self.change_version(index))
        for record in records:
            record["_etag"] = etag
            record["_lastModifiedDate"] = modified
        return records

    def get(self, resource: str, record_id: str) -> dict[str, Any] | None:
        parsed = rec.parse_resource_id(self.seed, record_id)
        if parsed is None or parsed[0] != resource:
            return None
        _, index, ordinal = parsed
        if resource in CATALOGUE_RESOURCES:
            records = self.catalogue(resource)
            return _public(records[ordinal]) if ordinal < len(records) else None
        if index >= self.size:
            return None
        records = self.student_records(resource, index)
        return records[ordinal] if ordinal < len(records) else None

    # --- lists -------------------------------------------------------------------------

    def find(
        self,
        resource: str,
        filters: dict[str, str],
        window: tuple[int | None, int | None],
        offset: int,
        limit: int,
        with_total: bool,
    ) -> Page:
        filters = {k: v for k, v in filters.items() if k in FILTERS[resource]}
        check_filters(filters)
        if resource in CATALOGUE_RESOURCES:
            low, high = window
            matching = [
                _public(r)
                for r in self.catalogue(resource)
                if (low is None or r["_changeVersion"] >= low)
                and (high is None or r["_changeVersion"] <= high)
                and _matches(r, filters)
            ]
            return Page(matching[offset : offset + limit], len(matching) if with_total else None)

        candidates = self._window(*window)
        uid = filters.pop("studentUniqueId", None)
        record_id = filters.get("id")
        if uid is not None or record_id is not None:
            index = self.index_for(uid) if uid is not None else None
            if record_id is not None:
                parsed = rec.parse_resource_id(self.seed, record_id)
                id_index = parsed[1] if parsed and parsed[0] == resource else -1
                index = id_index if index is None or index == id_index else None
            in_window = index is not None and 0 <= index < self.size
            if in_window and not isinstance(candidates, range):
                in_window = self.change_version(index) in range(
                    window[0] or 0, (window[1] or self._newest) + 1
                )
            candidates = [index] if in_window else []
        if filters or len(candidates) <= 1:
            return self._scan(resource, candidates, filters, offset, limit, with_total)
        if resource == "students":
            chosen = candidates[offset : offset + limit]
            items = [self.student_records(resource, i)[0] for i in chosen]
            return Page(items, len(candidates) if with_total else None)
        return self._slice(resource, candidates, offset, limit, with_total)

    def _scan(
        self,
        resource: str,
        candidates: Sequence[int],
        filters: dict[str, str],
        offset: int,
        limit: int,
        with_total: bool,
    ) -> Page:
        """Generate every candidate's records and filter them: the slow, general path."""
        items: list[dict[str, Any]] = []
        seen = 0
        for index in candidates:
            if len(items) >= limit and not with_total:
                break
            for record in self.student_records(resource, index):
                if filters and not _matches(record, filters):
                    continue
                if offset <= seen < offset + limit:
                    items.append(record)
                seen += 1
        return Page(items, seen if with_total else None)

    def _slice(
        self, resource: str, candidates: Sequence[int], offset: int, limit: int, with_total: bool
    ) -> Page:
        """One page of a per-student resource without filters, using the record counts."""
        if isinstance(candidates, range):
            prefix = self._prefix_until(resource, offset + 1, complete=with_total)
            total = prefix[-1] if with_total else None
            position = bisect.bisect_right(prefix, offset) - 1
            skip = offset - prefix[position]
            indices: Sequence[int] = range(position, self.size)
        else:
            prefix = self._candidate_prefix(resource, candidates)
            total = prefix[-1] if with_total else None
            position = bisect.bisect_right(prefix, offset) - 1
            skip = offset - prefix[position] if position < len(candidates) else 0
            indices = candidates[position:]
        items: list[dict[str, Any]] = []
        for index in indices:
            if len(items) >= limit:
                break
            records = self.student_records(resource, index)
            items.extend(records[skip : skip + limit - len(items)])
            skip = 0
        return Page(items, total)

    def count_records(self) -> None:
        """Count every student's records now: the first page of a list sends Total-Count, for
        which 100,000 students take longer than a client waits."""
        for resource in _COUNT_COLUMN:
            self._prefix_until(resource, 0, complete=True)

    def _fill_counts(self, students: int) -> None:
        done = len(self._counts) // 3
        for index in range(done, min(students, self.size)):
            self._counts.extend(gen.plan(self.seed, index).counts())

    def _prefix_until(self, resource: str, records: int, complete: bool) -> array:
        """Cumulative record counts, extended until they cover ``records`` (or all students)."""
        prefix = self._prefix[resource]
        column = _COUNT_COLUMN[resource]
        while len(prefix) <= self.size and (complete or prefix[-1] < records):
            done = len(prefix) - 1
            self._fill_counts(done + 256)
            for index in range(done, min(done + 256, self.size)):
                prefix.append(prefix[-1] + self._counts[3 * index + column])
        return prefix

    # --- tracked changes ----------------------------------------------------------------

    def tracked_changes(
        self, resource: str, kind: str, window: tuple[int | None, int | None]
    ) -> list[dict[str, Any]]:
        """/deletes or /keyChanges: only studentSchoolAssociations of edited students have any."""
        if resource != "studentSchoolAssociations":
            return []
        low = window[0] if window[0] is not None else 0
        high = window[1] if window[1] is not None else self._newest
        entries = []
        for index in self._edited_indices():
            version = self._edit_version(index)
            deleted = gen.edit_kind(self.seed, index) == "delete"
            if not low <= version <= high or deleted != (kind == "deletes"):
                continue
            first = gen.history(self.seed, index).enrollments[0]
            keys = {
                "entryDate": first.entry_date.isoformat(),
                "schoolId": first.school_id,
                "studentUniqueId": gen.identity(self.seed, index).student_unique_id,
            }
            if deleted:
                # A duplicate enrollment, entered a week early and later removed.
                ordinal = rec.DELETED_ORDINAL
                old = dict(keys, entryDate=(first.entry_date - dt.timedelta(days=7)).isoformat())
                entry = {"keyValues": old}
            else:
                # The entry date was corrected: the association keeps its id, its key moved.
                ordinal = 0
                old = dict(keys, entryDate=(first.entry_date + dt.timedelta(days=2)).isoformat())
                entry = {"oldKeyValues": old, "newKeyValues": keys}
            record_id = rec.resource_id(self.seed, resource, index, ordinal)
            entries.append({"id": record_id, "changeVersion": version, **entry})
        return entries


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "_changeVersion"}
