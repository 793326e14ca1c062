"""The only code that speaks HTTP to the district SIS (an Ed-Fi ODS/API 7.x).

Every request has a timeout. The client caches its bearer token (the ODS caps live tokens per
client) and re-authenticates once on 401; it retries network errors, 429 and 5xx with
exponential backoff and jitter, honouring Retry-After up to a cap; it pages with offset/limit
and checks Total-Count; and it checks every record against the contract (shared/edfi), handing
back the records that fail instead of dropping them. Threads may share one client (the nightly
sync asks for several students at once): they share its connections and its token."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import math
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any, NotRequired, Required, TypedDict, TypeVar

import httpx
import msgspec
from django.conf import settings

logger = logging.getLogger(__name__)
# httpx logs every URL at INFO, and our query strings hold students' ids, names and birth dates.
logging.getLogger("httpx").setLevel(logging.WARNING)

PAGE_SIZE = 500  # the ODS default maximum; always sent, since hosts differ on the default
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
T = TypeVar("T")


class SisError(Exception):
    """The SIS could not answer as the contract says. Messages carry no personal data."""


class SisUnavailable(SisError):
    """Network errors, 429 or 5xx that outlasted the retries."""


class SisAuthError(SisError):
    """The token endpoint refused our client credentials."""


class SisResponseError(SisError):
    """An answer we cannot use: an unexpected status, or a body that is not the expected JSON."""


class SisPartialResponse(SisResponseError):
    """Fewer records arrived than the SIS said it had (Total-Count)."""


_ERRORS = {
    error.__name__: error
    for error in (SisError, SisUnavailable, SisAuthError, SisResponseError, SisPartialResponse)
}


def failure_text(failure: SisError) -> str:
    """A failure as links and runs store it: its class (what the credits panel explains in the
    reader's language), then its message."""
    return f"{type(failure).__name__}: {failure}"


def failure_class(text: str) -> type[SisError] | None:
    """The error class a stored failure_text names; None for any other stored reason."""
    name, separator, _message = text.partition(": ")
    return _ERRORS.get(name) if separator else None


@dataclass(frozen=True, slots=True)
class InvalidRecord:
    """A record that breaks the contract: kept with its raw JSON for quarantine."""

    resource: str
    record_id: str
    field: str
    error: str
    raw: Any

    def __str__(self) -> str:
        return f"{self.resource} record {self.record_id or '?'}: {self.field}: {self.error}"


@dataclass
class Fetched:
    records: list[dict[str, Any]] = field(default_factory=list)
    invalid: list[InvalidRecord] = field(default_factory=list)
    # Valid records and InvalidRecords together, in the order they came (pages() only).
    ordered: list[Any] = field(default_factory=list)


# --- the contract: the fields we read, their types, and which are required -----------------
# "ref.key" paths reach into reference objects; "list[].key" into each item of an array.

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

CONTRACT: dict[str, dict[str, tuple[str, bool]]] = {
    "schools": {
        "id": ("str", True),
        "schoolId": ("int", True),
        "nameOfInstitution": ("str", True),
    },
    "courses": {
        "id": ("str", True),
        "courseCode": ("str", True),
        "courseTitle": ("str", True),
        "numberOfParts": ("int", True),
        "educationOrganizationReference.educationOrganizationId": ("int", True),
        "identificationCodes": ("list", True),
        "identificationCodes[].identificationCode": ("str", True),
        "academicSubjects[].academicSubjectDescriptor": ("str", True),
        "identificationCodes[].courseIdentificationSystemDescriptor": ("str", False),
        # LAUSD's extension: the A-G letter, the requirement group, credit recovery.
        "_ext": ("object", False),
        "_ext.lausd": ("object", False),
        "_ext.lausd.agSubjectArea": ("str", False),
        "_ext.lausd.requirementGroup": ("str", False),
    },
    "students": {
        "id": ("str", True),
        "studentUniqueId": ("str", True),
        "firstName": ("str", True),
        "lastSurname": ("str", True),
        "birthDate": ("date", True),
        "preferredFirstName": ("str", False),
        # LAUSD's extension: the AB 167/216 flags.
        "_ext": ("object", False),
        "_ext.lausd": ("object", False),
    },
    "studentSchoolAssociations": {
        "id": ("str", True),
        "entryDate": ("date", True),
        "schoolReference.schoolId": ("int", True),
        "studentReference.studentUniqueId": ("str", True),
        "entryGradeLevelDescriptor": ("str", True),
        "exitWithdrawDate": ("date", False),
        "exitWithdrawTypeDescriptor": ("str", False),
    },
    "studentAcademicRecords": {
        "id": ("str", True),
        "termDescriptor": ("str", True),
        "educationOrganizationReference.educationOrganizationId": ("int", True),
        "schoolYearTypeReference.schoolYear": ("year", True),
        "studentReference.studentUniqueId": ("str", True),
        "cumulativeEarnedCredits": ("number", False),
        "sessionAttemptedCredits": ("number", False),
        "sessionEarnedCredits": ("number", False),
        "sessionEarnedCreditTypeDescriptor": ("str", False),
        "sessionEarnedCreditConversion": ("number", False),
        # Ed-Fi SIS certification (v5) requires GPAs on academic records.
        "gradePointAverages": ("list", True),
        "gradePointAverages[].gradePointAverageValue": ("number", True),
    },
    "courseTranscripts": {
        "id": ("str", True),
        "courseAttemptResultDescriptor": ("str", True),
        "courseReference.courseCode": ("str", True),
        "studentAcademicRecordReference.schoolYear": ("year", True),
        "studentAcademicRecordReference.termDescriptor": ("str", True),
        "studentAcademicRecordReference.educationOrganizationId": ("int", True),
        "studentAcademicRecordReference.studentUniqueId": ("str", True),
        "attemptedCredits": ("number", False),
        "earnedCredits": ("number", False),
        "earnedCreditConversion": ("number", False),
        "finalLetterGradeEarned": ("str", False),
        "academicSubjects": ("list", False),
        "academicSubjects[].academicSubjectDescriptor": ("str", True),
        "courseTitle": ("str", False),
        "earnedCreditTypeDescriptor": ("str", False),
        "methodCreditEarnedDescriptor": ("str", False),
        "whenTakenGradeLevelDescriptor": ("str", False),
        "courseRepeatCodeDescriptor": ("str", False),
    },
}


# Fields our code reads that the contract does not check (any value goes, as today), by
# resource: the fast decoder keeps them with the contract's fields and drops the rest.
ALSO_READ: dict[str, tuple[str, ...]] = {
    "schools": (),
    "courses": ("_ext.lausd.creditRecovery",),
    "students": ("middleName",),
    "studentSchoolAssociations": (),
    "studentAcademicRecords": ("gradePointAverages[].isCumulative",),
    "courseTranscripts": (),
}


def _type_ok(kind: str, value: Any) -> bool:
    return _TYPE_CHECKS[kind](value)


# What our columns can hold: PostgreSQL text has no NUL, integers 64 bits, a school year is a
# calendar year, a date a real day, a number a finite one.
_BIGINT = 2**63


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_BIGINT <= value < _BIGINT


def _is_number(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return _is_int(value)


def _is_date(value: Any) -> bool:
    if not (isinstance(value, str) and _DATE.fullmatch(value)):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_EXPECTED = {
    "str": "text without NUL characters",
    "int": "a whole number of at most 64 bits",
    "year": "a year from 1900 to 2100",
    "number": "a finite number",
    "date": "a date (YYYY-MM-DD)",
    "list": "a list",
    "object": "an object",
}


def _values(record: Any, path: str) -> list[tuple[str, Any]]:
    """(concrete path, value or _MISSING) for every place the path points to in the record."""
    found: list[tuple[str, Any]] = [("", record)]
    for part in path.split("."):
        many = part.endswith("[]")
        name = part.removesuffix("[]")
        step = []
        for prefix, value in found:
            here = f"{prefix}.{name}" if prefix else name
            inner = value.get(name, _MISSING) if isinstance(value, dict) else _MISSING
            if many:
                if isinstance(inner, list):
                    step.extend((f"{here}[{i}]", item) for i, item in enumerate(inner))
            else:
                step.append((here, inner))
        found = step
    return found


_MISSING = object()


def _explain(resource: str, record: Any) -> InvalidRecord | None:
    """The first way the record breaks the contract, naming the field, or None."""
    if not isinstance(record, dict):
        return InvalidRecord(resource, "", "$", "is not a JSON object", record)
    record_id = record.get("id") if isinstance(record.get("id"), str) else ""
    for path, (kind, required) in CONTRACT[resource].items():
        for where, value in _values(record, path):
            if value is _MISSING or value is None:
                if required:
                    return InvalidRecord(resource, record_id, where, "is required", record)
            elif not _type_ok(kind, value):
                error = f"must be {_EXPECTED[kind]}, got {type(value).__name__}"
                return InvalidRecord(resource, record_id, where, error, record)
    return None


# The same contract as plain checks, built once: a sync checks hundreds of thousands of
# records, nearly all valid, so the common answer must be cheap; _explain names the field of
# the rare bad one.
_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda value: isinstance(value, str) and "\x00" not in value,
    "int": _is_int,
    "year": lambda value: _is_int(value) and 1900 <= value <= 2100,
    "number": _is_number,
    "date": _is_date,
    "list": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}
# (keys to the value, keys inside each item of a list or None, type check, required)
_Check = tuple[tuple[str, ...], tuple[str, ...] | None, Callable[[Any], bool], bool]


def _compile(contract: dict[str, tuple[str, bool]]) -> tuple[_Check, ...]:
    checks = []
    for path, (kind, required) in contract.items():
        outer, _sep, inner = path.partition("[].")
        if "[]" in inner:
            raise ValueError(f"Only one list level is supported: {path}")
        checks.append(
            (
                tuple(outer.split(".")),
                tuple(inner.split(".")) if inner else None,
                _TYPE_CHECKS[kind],
                required,
            )
        )
    return tuple(checks)


_CHECKS = {resource: _compile(contract) for resource, contract in CONTRACT.items()}


def _dig(value: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _conforms(resource: str, record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    for keys, inner, type_ok, required in _CHECKS[resource]:
        value = record.get(keys[0]) if len(keys) == 1 else _dig(record, keys)
        if inner is not None:
            # "list[].key": every item's key; a missing or non-list list has no items to check.
            if isinstance(value, list):
                for item in value:
                    found = _dig(item, inner)
                    if found is None:
                        if required:
                            return False
                    elif not type_ok(found):
                        return False
        elif value is None:
            if required:
                return False
        elif not type_ok(value):
            return False
    return True


def validate(resource: str, record: Any) -> InvalidRecord | None:
    """The first way the record breaks the contract, or None."""
    if _conforms(resource, record):
        return None
    return _explain(resource, record)


# --- the contract as msgspec types: a page decoded and checked in one pass, in C -----------
# A page of valid records (nearly every page) is decoded straight into dicts holding only the
# fields of CONTRACT and ALSO_READ, 4-5 times faster than decoding it whole and checking each
# record in Python. The types are at least as strict as the checks above, so a page they
# accept is one the checks accept; any page they refuse is decoded and checked the slow way,
# which names each bad record's field.

_INT64 = Annotated[int, msgspec.Meta(ge=-_BIGINT, le=_BIGINT - 1)]
_FINITE = Annotated[float, msgspec.Meta(ge=-1.7976931348623157e308, le=1.7976931348623157e308)]
_KINDS: dict[str, Any] = {
    "str": str,  # NUL: a page holding "\\u0000" anywhere goes the slow way
    "int": _INT64,
    "year": Annotated[int, msgspec.Meta(ge=1900, le=2100)],
    "number": _INT64 | _FINITE,  # ints stay ints, as the slow way leaves them
    "date": Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")],
    "list": list[Any],
    "object": dict[str, Any],
    "any": Any,
}


def _record_type(resource: str) -> Any:
    """A TypedDict for a resource's records, nested as its contract paths are."""
    tree: dict[str, Any] = {}
    fields = {path: ("any", False) for path in ALSO_READ[resource]} | CONTRACT[resource]
    for path, (kind, required) in fields.items():
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            name = part.removesuffix("[]")
            child = node.setdefault(name, {"kind": "object", "required": False})
            if part.endswith("[]"):
                child["kind"] = "list"
            node = child.setdefault("fields", {})
        node.setdefault(leaf, {}).update(kind=kind, required=required)
    return _typed(f"{resource}_record", tree)


def _required(spec: dict[str, Any]) -> bool:
    """A path the contract requires, or an object holding one (missing, it holds nothing).
    A list may be missing: the contract checks only the items there are."""
    if spec["required"]:
        return True
    return spec["kind"] == "object" and any(map(_required, spec.get("fields", {}).values()))


def _typed(name: str, fields: dict[str, Any]) -> Any:
    annotations = {}
    for key, spec in fields.items():
        if "fields" in spec:
            inner = _typed(f"{name}_{key}", spec["fields"])
            value_type = list[inner] if spec["kind"] == "list" else inner
        else:
            value_type = _KINDS[spec["kind"]]
        if _required(spec):
            annotations[key] = Required[value_type]
        else:
            annotations[key] = NotRequired[value_type | None]
    return TypedDict(name, annotations, total=False)


_DECODERS = {resource: msgspec.json.Decoder(list[_record_type(resource)]) for resource in CONTRACT}
_DATE_PATHS = {
    resource: tuple(
        tuple(path.split(".")) for path, (kind, _required) in contract.items() if kind == "date"
    )
    for resource, contract in CONTRACT.items()
}


def decode_valid_page(resource: str, content: bytes) -> list[dict[str, Any]] | None:
    """The page's records when every one keeps the contract (only the fields we read), else
    None: the caller then decodes and checks it record by record."""
    if b"\\u0000" in content:
        return None
    try:
        records = _DECODERS[resource].decode(content)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    # The pattern lets 2024-02-30 through; fromisoformat does not.
    for keys in _DATE_PATHS[resource]:
        for record in records:
            value = _dig(record, keys)
            if value is not None and not _is_date(value):
                return None
    return records


# --- the client --------------------------------------------------------------------------------


class SisClient:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        timeout: float,
        max_attempts: int = 4,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        http: httpx.Client | None = None,
    ) -> None:
        if not base_url:
            raise SisError("The SIS is not configured (SIS_BASE_URL).")
        self.base_url = base_url.rstrip("/")
        self.credentials = (client_id, client_secret)
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.jitter = jitter
        self.http = http or httpx.Client(timeout=timeout)
        self.http.timeout = httpx.Timeout(timeout)
        self._urls: dict[str, str] | None = None
        self._token: str | None = None
        self._token_expires = 0.0
        self._auth_lock = threading.Lock()  # one discovery and one token for all threads
        self._count_lock = threading.Lock()
        self.requests = 0  # every HTTP exchange, retries included

    @classmethod
    def from_settings(cls, **overrides: Any) -> SisClient:
        options = {
            "base_url": settings.SIS_BASE_URL,
            "client_id": settings.SIS_CLIENT_ID,
            "client_secret": settings.SIS_CLIENT_SECRET,
            "timeout": settings.SIS_TIMEOUT_SECONDS,
        }
        return cls(**(options | overrides))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SisClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport, retries, token ---------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with retries for network errors, 429 and 5xx."""
        for attempt in range(1, self.max_attempts + 1):
            with self._count_lock:
                self.requests += 1
            try:
                response = self.http.request(method, url, **kwargs)
                # httpx binds the read stream to its response, a cycle that keeps the body
                # (up to a few hundred kB a page) until the cycle collector runs, which the
                # nightly sync does only between blocks. The body is read: let it go with
                # the response.
                response.stream = httpx.ByteStream(b"")
            except httpx.TransportError as error:
                problem = type(error).__name__
                wait = self._backoff(attempt)
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                problem = f"HTTP {response.status_code}"
                wait = self._retry_after(response) or self._backoff(attempt)
            if attempt == self.max_attempts:
                raise SisUnavailable(f"{problem} after {attempt} attempts")
            logger.warning("SIS %s, retrying in %.1f s (attempt %d)", problem, wait, attempt)
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        # Full jitter: spread retries of many workers over the whole interval.
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait) * (0.5 + self.jitter() / 2)

    def _retry_after(self, response: httpx.Response) -> float | None:
        raw = response.headers.get("Retry-After", "")
        try:
            return min(max(float(raw), 0.0), self.max_wait)
        except ValueError:
            return None

    def urls(self) -> dict[str, str]:
        if self._urls is None:
            with self._auth_lock:
                if self._urls is None:
                    self._urls = self._discover()
        return self._urls

    def _discover(self) -> dict[str, str]:
        body = self._json(self._send("GET", self.base_url + "/"), "discovery")
        try:
            urls = body["urls"]
            return {
                "oauth": urls["oauth"],
                "data": urls["dataManagementApi"].rstrip("/") + "/ed-fi/",
                "changes": urls.get("changeQueries", self.base_url + "/changeQueries/v1/"),
            }
        except (KeyError, TypeError, AttributeError):
            raise SisResponseError("The discovery document lacks its urls.") from None

    def _token_value(self) -> str:
        if self._token is None or time.monotonic() >= self._token_expires:
            oauth = self.urls()["oauth"]
            with self._auth_lock:
                # Another thread may have fetched one while this one waited.
                if self._token is None or time.monotonic() >= self._token_expires:
                    self._authenticate(oauth)
        return self._token

    def _authenticate(self, oauth: str) -> None:
        response = self._send(
            "POST", oauth, data={"grant_type": "client_credentials"}, auth=self.credentials
        )
        if response.status_code != 200:
            raise SisAuthError(f"The token endpoint answered HTTP {response.status_code}.")
        body = self._json(response, "token")
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise SisAuthError("The token endpoint sent no access token.")
        lifetime = body.get("expires_in") if isinstance(body.get("expires_in"), int) else 60
        # Refresh a little early so a token does not expire between check and use.
        self._token_expires = time.monotonic() + max(lifetime - 30, lifetime / 2)
        self._token = body["access_token"]

    def _forget_token(self, token: str) -> None:
        """Drop a token the SIS refused, unless another thread has replaced it already."""
        with self._auth_lock:
            if self._token == token:
                self._token = None

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """An authenticated GET; on 401 it fetches a new token and tries once more."""
        for renewed in (False, True):
            token = self._token_value()
            headers = {"Authorization": f"Bearer {token}"}
            response = self._send("GET", url, params=params, headers=headers)
            if response.status_code != 401 or renewed:
                break
            logger.info("SIS token refused, authenticating again")
            self._forget_token(token)
        if response.status_code != 200:
            raise SisResponseError(f"HTTP {response.status_code} from {_route(url)}")
        return response

    @staticmethod
    def _json(response: httpx.Response, what: str) -> Any:
        try:
            # msgspec decodes a page in half the time; it refuses a few things the standard
            # library reads (integers past 64 bits, NaN), which then go the slow way.
            return msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            pass
        try:
            return response.json()
        except ValueError:
            raise SisResponseError(f"The {what} response is not valid JSON.") from None

    # --- resources -------------------------------------------------------------------------

    def fetch_all(self, resource: str, *, page_size: int = PAGE_SIZE, **filters: Any) -> Fetched:
        """Every record of a resource matching the filters, page by page, checked one by one."""
        fetched = Fetched()
        for page in self.pages(resource, page_size=page_size, **filters):
            fetched.records.extend(page.records)
            fetched.invalid.extend(page.invalid)
        return fetched

    def pages(
        self, resource: str, *, page_size: int = PAGE_SIZE, in_flight: int = 1, **filters: Any
    ) -> Iterator[Fetched]:
        """The records of a resource one checked page at a time, so a caller can stream them.

        With `in_flight` > 1, that many pages are asked for at once, each in a thread of its
        own, so the SIS builds the next page while this one travels and is checked; they come
        back in order (a page past the end may be asked for, and is dropped).
        Raises SisPartialResponse when the list ends before Total-Count records arrived.
        """
        url = self.urls()["data"] + resource
        told: int | None = None  # Total-Count, once a page has said it

        def fetch(offset: int) -> tuple[Fetched, int | None]:
            nonlocal told
            if told is not None and offset >= told:
                return Fetched(), told  # past the end: not asked
            params = {**filters, "offset": offset, "limit": page_size, "totalCount": "true"}
            response = self.get(url, params)
            total = _int_header(response, "Total-Count")
            if told is None:
                told = total
            return self._checked_page(resource, response), total

        received = 0
        with contextlib.closing(_in_order(fetch, page_size, in_flight)) as answers:
            for fetched, total in answers:
                if len(fetched.ordered) > page_size:
                    # Pages are asked for at fixed offsets: a longer one would overlap the next.
                    raise SisResponseError(
                        f"{resource}: {len(fetched.ordered)} records for a limit of {page_size}."
                    )
                received += len(fetched.ordered)
                last = len(fetched.ordered) < page_size or (total is not None and received >= total)
                if last and total is not None and received < total:
                    raise SisPartialResponse(
                        f"{resource}: {received} of {total} records arrived before the list ended."
                    )
                yield fetched
                if last:
                    return

    def _checked_page(self, resource: str, response: httpx.Response) -> Fetched:
        records = decode_valid_page(resource, response.content)
        if records is not None:
            return Fetched(records=records, ordered=list(records))
        page = self._json(response, resource)
        if not isinstance(page, list):
            raise SisResponseError(f"The {resource} response is not a list.")
        fetched = Fetched()
        for record in page:
            problem = validate(resource, record)
            if problem is None:
                fetched.records.append(record)
                fetched.ordered.append(record)
            else:
                fetched.invalid.append(problem)
                fetched.ordered.append(problem)
        return fetched

    def total_count(self, resource: str, **filters: Any) -> int | None:
        """Total-Count of a resource list (one request for one record), None if not sent."""
        params = {**filters, "offset": 0, "limit": 1, "totalCount": "true"}
        return _int_header(self.get(self.urls()["data"] + resource, params), "Total-Count")

    def change_versions(self) -> tuple[int, int]:
        """(oldest, newest) change version the SIS can answer for."""
        response = self.get(self.urls()["changes"].rstrip("/") + "/availableChangeVersions")
        body = self._json(response, "availableChangeVersions")
        try:
            return int(body["oldestChangeVersion"]), int(body["newestChangeVersion"])
        except (KeyError, TypeError, ValueError):
            raise SisResponseError("availableChangeVersions lacks its versions.") from None

    def tracked_changes(self, resource: str, kind: str, window: dict[str, int]) -> list[dict]:
        """/deletes or /keyChanges entries of a resource in a change-version window."""
        url = self.urls()["data"] + f"{resource}/{kind}"
        entries: list[dict] = []
        while True:
            params = {**window, "offset": len(entries), "limit": PAGE_SIZE}
            page = self._json(self.get(url, params), f"{resource}/{kind}")
            if not isinstance(page, list):
                raise SisResponseError(f"The {resource}/{kind} response is not a list.")
            entries.extend(e for e in page if isinstance(e, dict))
            if len(page) < PAGE_SIZE:
                return entries


def _in_order(fetch: Callable[[int], T], step: int, in_flight: int) -> Iterator[T]:
    """fetch(0), fetch(step), fetch(2 * step)... for as long as the caller asks, up to
    `in_flight` of them running at once in threads; closing stops asking (those running
    finish first)."""
    if in_flight <= 1:
        yield from map(fetch, itertools.count(0, step))
        return
    offsets = itertools.count(0, step)
    with ThreadPoolExecutor(in_flight, thread_name_prefix="sis-page") as pool:
        ahead = deque(pool.submit(fetch, next(offsets)) for _ in range(in_flight))
        try:
            while True:
                answer = ahead.popleft().result()
                ahead.append(pool.submit(fetch, next(offsets)))
                yield answer
        finally:
            for future in ahead:
                future.cancel()


def _int_header(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def _route(url: str) -> str:
    # The path only: query strings can hold a student's id or name.
    return httpx.URL(url).path


def sis_state() -> dict:
    """Reachability of the SIS's discovery document, which needs no token."""
    if not settings.SIS_BASE_URL:
        return {"ok": False, "error": "not configured"}
    try:
        response = httpx.get(
            settings.SIS_BASE_URL.rstrip("/") + "/",
            timeout=min(settings.SIS_TIMEOUT_SECONDS, 2.0),
        )
    except httpx.HTTPError as error:
        return {"ok": False, "error": type(error).__name__}
    if response.status_code != 200:
        return {"ok": False, "error": f"HTTP {response.status_code}"}
    return {"ok": True}
