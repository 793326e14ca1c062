"""Faults injected on request, so tests and demos exercise the SIS adapter's failure handling.

Two ways in:

- ``POST /_mock/faults`` with a JSON object (or a list of them, or ``{"faults": [...]}``) queues
  faults for the next matching requests; ``GET`` lists them, ``DELETE`` clears them::

      {"kind": "error", "status": 503, "count": 2, "path_prefix": "/data/v3/ed-fi/students"}

  ``count`` (default 1) is how many matching requests the fault hits; ``null`` means until
  cleared. ``path_prefix`` (default ``/data/``) limits it to paths starting with it; ``/`` also
  hits discovery and the token endpoint. ``/_mock/...`` routes are never faulted.

- the ``X-Mock-Fault`` request header applies faults to that one request, whatever its path:
  ``X-Mock-Fault: latency;ms=300, error;status=502``.

Kinds and their options:

=================  ==================================================================
``latency``        wait ``ms`` (default 500) before handling the request
``error``          answer ``status`` (403, 500, 502, 503, 504; default 503); 500 and 403 carry
                   Ed-Fi problem bodies, 502-504 a gateway HTML page; ``retry_after`` adds
                   a Retry-After header
``rate_limit``     answer 429 with ``Retry-After: retry_after`` (default 1 second)
``drop``           close the connection without any response (clients see a protocol error)
``token_expired``  answer 401 invalid_token and revoke the bearer token presented, as if it
                   expired mid-sync; the client must fetch a new token
``slow_pages``     wait ``ms`` (default 500) before sending each list page
``malformed``      corrupt records 0, ``every``, 2*``every``... (default every 3rd) of a page
                   or item: alternately a field of the wrong type and a missing required field
``partial``        ``mode`` ``truncate`` (default: only the first half of the page's records,
                   Total-Count unchanged), ``nested`` (nested arrays removed) or ``body``
                   (the JSON text cut in half)
=================  ==================================================================
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from . import problems

HEADER = "x-mock-fault"
SCOPE_KEY = "mock_sis.faults"
BEFORE_HANDLING = ("drop", "error", "rate_limit", "token_expired")
KINDS = ("latency", *BEFORE_HANDLING, "slow_pages", "malformed", "partial")
ERROR_STATUSES = (403, 500, 502, 503, 504)
PARTIAL_MODES = ("truncate", "nested", "body")

# How "malformed" breaks a record of each resource: a value of the wrong type, or a missing
# required field.
WRONG_TYPE: dict[str, tuple[str, Any]] = {
    "schools": ("schoolId", "884001-A"),
    "courses": ("numberOfParts", "one"),
    "students": ("birthDate", 20080913),
    "studentSchoolAssociations": ("entryDate", 20230814),
    "studentAcademicRecords": ("cumulativeEarnedCredits", "forty-five"),
    "courseTranscripts": ("earnedCredits", "five"),
}
MISSING_REQUIRED = {
    "schools": "nameOfInstitution",
    "courses": "courseTitle",
    "students": "lastSurname",
    "studentSchoolAssociations": "schoolReference",
    "studentAcademicRecords": "termDescriptor",
    "courseTranscripts": "courseAttemptResultDescriptor",
}


class DroppedConnection(Exception):
    """Raised in place of closing the socket when there is no socket (in-process test client)."""


@dataclass
class Fault:
    kind: str
    count: int | None = 1
    path_prefix: str = "/data/"
    ms: int = 500
    status: int = 503
    retry_after: int | None = None
    every: int = 3
    mode: str = "truncate"

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def fault_from_json(data: Any) -> Fault:
    if not isinstance(data, dict):
        raise ValueError("A fault must be a JSON object.")
    unknown = set(data) - {f.name for f in dataclasses.fields(Fault)}
    if unknown:
        raise ValueError(f"Unknown fault fields: {', '.join(sorted(unknown))}.")
    fault = Fault(**data)
    _validate(fault)
    return fault


def _validate(fault: Fault) -> None:
    if fault.kind not in KINDS:
        raise ValueError(f"Unknown fault kind '{fault.kind}'; one of {', '.join(KINDS)}.")
    numbers = (fault.ms, fault.status, fault.every, fault.retry_after or 0, fault.count or 0)
    if not all(isinstance(n, int) and n >= 0 for n in numbers):
        raise ValueError("count, ms, status, every and retry_after must be whole numbers >= 0.")
    if fault.kind == "error" and fault.status not in ERROR_STATUSES:
        raise ValueError(f"status must be one of {ERROR_STATUSES}.")
    if fault.kind == "partial" and fault.mode not in PARTIAL_MODES:
        raise ValueError(f"mode must be one of {PARTIAL_MODES}.")
    if fault.every < 1:
        raise ValueError("every must be at least 1.")
    if not isinstance(fault.path_prefix, str) or not fault.path_prefix.startswith("/"):
        raise ValueError("path_prefix must start with '/'.")


def faults_from_header(value: str) -> list[Fault]:
    """``latency;ms=300, error;status=502`` -> two single-request faults for any path."""
    faults = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        kind, *options = (o.strip() for o in part.split(";"))
        fields: dict[str, Any] = {"kind": kind.replace("-", "_"), "path_prefix": "/"}
        for option in options:
            name, _, raw = option.partition("=")
            name = name.strip().replace("-", "_")
            fields[name] = raw.strip() if name == "mode" else _int(raw)
        faults.append(fault_from_json(fields))
    return faults


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"'{raw}' is not a whole number.") from None


class FaultQueue:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[Fault]:
        return list(self._faults)

    def take(self, kinds: tuple[str, ...], path: str) -> Fault | None:
        """Consume one hit of the first queued fault of these kinds that matches the path."""
        for fault in self._faults:
            if fault.kind in kinds and path.startswith(fault.path_prefix):
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                return fault
        return None


def take_for_response(scope: Scope, queue: FaultQueue, kind: str) -> Fault | None:
    """A fault of ``kind`` for this response: from the request header first, then the queue."""
    for fault in scope.get(SCOPE_KEY, ()):
        if fault.kind == kind:
            return fault
    return queue.take((kind,), scope["path"])


def corrupt(resource: str, items: list[dict[str, Any]], every: int) -> list[dict[str, Any]]:
    result = []
    for position, item in enumerate(items):
        if position % every == 0:
            item = dict(item)
            if (position // every) % 2 == 0:
                field, value = WRONG_TYPE[resource]
                item[field] = value
            else:
                item.pop(MISSING_REQUIRED[resource], None)
        result.append(item)
    return result


def truncate(items: list[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    if mode == "truncate":
        return items[: len(items) // 2]
    if mode == "nested":
        return [{k: v for k, v in item.items() if not isinstance(v, list)} for item in items]
    return items


def cut_body(response: Response) -> Response:
    body = bytes(response.body)
    return Response(
        body[: math.ceil(len(body) / 2)],
        status_code=response.status_code,
        headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
    )


class FaultMiddleware:
    """Outermost ASGI layer: it must see uvicorn's own ``send`` to be able to drop a connection."""

    def __init__(self, app: ASGIApp, queue: FaultQueue, revoke_token: Any) -> None:
        self.app = app
        self.queue = queue
        self.revoke_token = revoke_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_mock/"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        try:
            from_header = faults_from_header(headers.get(HEADER.encode(), b"").decode("latin-1"))
        except (ValueError, TypeError) as error:
            response = problems.parameter_invalid("The X-Mock-Fault header is invalid.", str(error))
            await response(scope, receive, send)
            return
        scope[SCOPE_KEY] = from_header
        path = scope["path"]

        latency = next((f for f in from_header if f.kind == "latency"), None)
        latency = latency or self.queue.take(("latency",), path)
        if latency is not None:
            await asyncio.sleep(latency.ms / 1000)

        fault = next((f for f in from_header if f.kind in BEFORE_HANDLING), None)
        fault = fault or self.queue.take(BEFORE_HANDLING, path)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "drop":
            await _drop_connection(send)
        else:
            await self._respond(fault, headers)(scope, receive, send)

    def _respond(self, fault: Fault, headers: dict[bytes, bytes]) -> Response:
        if fault.kind == "rate_limit":
            return problems.too_many_requests(fault.retry_after or 1)
        if fault.kind == "token_expired":
            scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                self.revoke_token(token.strip())
            return problems.unauthorized("The access token has expired.", invalid_token=True)
        if fault.status == 500:
            response = problems.system_error()
        elif fault.status == 403:
            response = problems.forbidden()
        else:
            phrase = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
            text = f"{fault.status} {phrase[fault.status]}"
            page = f"<html><head><title>{text}</title></head><body><h1>{text}</h1></body></html>"
            response = HTMLResponse(page, status_code=fault.status)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response


async def _drop_connection(send: Send) -> None:
    # uvicorn's send is a bound method of its request cycle, which holds the socket's transport.
    # Closing it and letting the loop run marks the cycle disconnected, so uvicorn does not
    # answer with a 500 of its own.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise DroppedConnection("The mock SIS dropped the connection (X-Mock-Fault: drop).")
    transport.close()
    for _ in range(3):
        await asyncio.sleep(0)
