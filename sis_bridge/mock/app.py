"""The mock LAUSD SIS web app: Ed-Fi ODS/API 7.x routes over the generated dataset."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import faults as flt
from . import problems
from .auth import TokenStore, bearer_token, token_endpoint
from .dataset import RESOURCES, Dataset, InvalidFilter, Page

DEFAULT_LIMIT = 25
DEPENDENCY_ORDER = (
    "schools",
    "courses",
    "students",
    "studentSchoolAssociations",
    "studentAcademicRecords",
    "courseTranscripts",
)


class RecordsResponse(JSONResponse):
    """Records as JSON, encoded by msgspec: the same bytes as Starlette's JSONResponse (compact,
    UTF-8) in a tenth of the time, which matters when a sync pages through 100,000 students."""

    def render(self, content: Any) -> bytes:
        return msgspec.json.encode(content)


@dataclass
class Settings:
    seed: int = 42
    students: int = 2000
    client_id: str = "reengage"
    client_secret: str = "reengage-dev-secret"  # noqa: S105 - the documented development value
    token_lifetime: int = 1800
    token_limit: int | None = None
    max_limit: int = 500
    public_url: str | None = None


class MockSIS:
    """The ASGI application: fault injection around the Starlette routes."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.dataset = Dataset(settings.seed, settings.students)
        self.tokens = TokenStore(
            settings.client_id,
            settings.client_secret,
            lifetime=settings.token_lifetime,
            per_client_limit=settings.token_limit,
            clock=clock,
        )
        self.faults = flt.FaultQueue()
        self.routes = _starlette(self)
        self._asgi = flt.FaultMiddleware(self.routes, self.faults, self.tokens.revoke)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._asgi(scope, receive, send)


def create_app(clock: Callable[[], float] = time.monotonic, **settings: Any) -> MockSIS:
    return MockSIS(Settings(**settings), clock=clock)


def _sis(request: Request) -> MockSIS:
    return request.app.state.sis


def _base_url(request: Request) -> str:
    return (_sis(request).settings.public_url or str(request.base_url)).rstrip("/")


# --- anonymous routes ---------------------------------------------------------------------


async def discovery(request: Request) -> JSONResponse:
    base = _base_url(request)
    return JSONResponse(
        {
            "version": "7.3",
            "informationalVersion": "7.3 (reengage mock LAUSD SIS)",
            "suite": "3",
            "build": "7.3.0.0",
            "apiMode": "Sandbox",
            "dataModels": [
                {
                    "name": "Ed-Fi",
                    "version": "5.0.0",
                    "informationalVersion": "The Ed-Fi Data Model 5.0",
                }
            ],
            "urls": {
                "dependencies": f"{base}/metadata/data/v3/dependencies",
                "oauth": f"{base}/oauth/token",
                "dataManagementApi": f"{base}/data/v3/",
                "changeQueries": f"{base}/changeQueries/v1/",
            },
        }
    )


async def dependencies(request: Request) -> JSONResponse:
    return JSONResponse(
        [
            {"resource": f"/ed-fi/{name}", "order": order, "operations": ["Create", "Update"]}
            for order, name in enumerate(DEPENDENCY_ORDER, start=1)
        ]
    )


# --- authenticated routes -----------------------------------------------------------------


def _unauthenticated(request: Request) -> Response | None:
    token, message = bearer_token(request)
    if token is None:
        return problems.unauthorized(message or "Invalid Authorization header.")
    if not _sis(request).tokens.is_valid(token):
        return problems.unauthorized("Invalid token or token expired.", invalid_token=True)
    return None


@dataclass
class Paging:
    offset: int
    limit: int
    with_total: bool
    window: tuple[int | None, int | None]


def _paging(request: Request) -> Paging | Response:
    params = request.query_params
    maximum = _sis(request).settings.max_limit
    if "pageToken" in params or "pageSize" in params:
        return problems.parameter_invalid(
            "Cursor paging is not supported.", "Use offset and limit to page through resources."
        )
    try:
        limit = int(params.get("limit", DEFAULT_LIMIT))
        if not 0 <= limit <= maximum:
            raise ValueError
    except ValueError:
        return problems.parameter_invalid(
            "The limit parameter was incorrect.", problems.LIMIT_MESSAGE.format(maximum=maximum)
        )
    try:
        offset = int(params.get("offset", 0))
        if offset < 0:
            raise ValueError
    except ValueError:
        return problems.parameter_invalid(
            "The offset parameter was incorrect.",
            "Offset must be omitted or set to a value greater than or equal to 0.",
        )
    total = params.get("totalCount", "false").lower()
    if total not in {"true", "false"}:
        return problems.parameter_invalid(
            "The totalCount parameter was incorrect.", "TotalCount must be true or false."
        )
    window: list[int | None] = []
    for name in ("minChangeVersion", "maxChangeVersion"):
        raw = params.get(name)
        try:
            window.append(None if raw is None else int(raw))
        except ValueError:
            return problems.parameter_invalid(
                f"The {name} parameter was incorrect.", f"{name} must be a whole number."
            )
    return Paging(offset, limit, total == "true", (window[0], window[1]))


def _resource(request: Request) -> str:
    resource = request.path_params["resource"]
    if resource not in RESOURCES:
        raise HTTPException(404)
    return resource


async def available_change_versions(request: Request) -> Response:
    if denied := _unauthenticated(request):
        return denied
    dataset = _sis(request).dataset
    return JSONResponse(
        {"oldestChangeVersion": 0, "newestChangeVersion": dataset.newest_change_version}
    )


async def list_resource(request: Request) -> Response:
    resource = _resource(request)
    if request.method != "GET":
        return problems.method_not_allowed()
    if denied := _unauthenticated(request):
        return denied
    paging = _paging(request)
    if isinstance(paging, Response):
        return paging
    filters = {k: v for k, v in request.query_params.items() if k not in _PAGING_PARAMS}
    try:
        page = _sis(request).dataset.find(
            resource, filters, paging.window, paging.offset, paging.limit, paging.with_total
        )
    except InvalidFilter as error:
        return problems.parameter_invalid("A query parameter was incorrect.", str(error))
    return await _page_response(request, resource, page)


_PAGING_PARAMS = frozenset(
    ("offset", "limit", "totalCount", "minChangeVersion", "maxChangeVersion")
)


async def _page_response(request: Request, resource: str, page: Page) -> Response:
    queue = _sis(request).faults
    slow = flt.take_for_response(request.scope, queue, "slow_pages")
    if slow is not None:
        await asyncio.sleep(slow.ms / 1000)
    items = page.items
    malformed = flt.take_for_response(request.scope, queue, "malformed")
    if malformed is not None:
        items = flt.corrupt(resource, items, malformed.every)
    partial = flt.take_for_response(request.scope, queue, "partial")
    if partial is not None:
        items = flt.truncate(items, partial.mode)
    headers = {"Total-Count": str(page.total)} if page.total is not None else None
    response = RecordsResponse(items, headers=headers)
    if partial is not None and partial.mode == "body":
        return flt.cut_body(response)
    return response


async def tracked_changes(request: Request) -> Response:
    resource = _resource(request)
    if denied := _unauthenticated(request):
        return denied
    paging = _paging(request)
    if isinstance(paging, Response):
        return paging
    kind = request.url.path.rsplit("/", 1)[-1]
    entries = _sis(request).dataset.tracked_changes(resource, kind, paging.window)
    headers = {"Total-Count": str(len(entries))} if paging.with_total else None
    return RecordsResponse(entries[paging.offset : paging.offset + paging.limit], headers=headers)


def _etag_matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    tags = {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}
    return etag in tags or "*" in tags


async def item(request: Request) -> Response:
    resource = _resource(request)
    if denied := _unauthenticated(request):
        return denied
    record = _sis(request).dataset.get(resource, request.path_params["id"])
    if record is None:
        return problems.not_found()
    etag = record["_etag"]
    if request.method in {"PUT", "DELETE"}:
        if_match = request.headers.get("if-match")
        if if_match is not None and not _etag_matches(if_match, etag):
            return problems.optimistic_lock_failed()
        return problems.method_not_allowed()
    headers = {"ETag": f'"{etag}"'}
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    queue = _sis(request).faults
    malformed = flt.take_for_response(request.scope, queue, "malformed")
    if malformed is not None:
        record = flt.corrupt(resource, [record], malformed.every)[0]
    partial = flt.take_for_response(request.scope, queue, "partial")
    if partial is not None and partial.mode == "nested":
        record = flt.truncate([record], "nested")[0]
    return RecordsResponse(record, headers=headers)


# --- test and demo controls (never faulted, no token) ---------------------------------------


async def health(request: Request) -> JSONResponse:
    sis = _sis(request)
    return JSONResponse(
        {
            "status": "ok",
            "seed": sis.settings.seed,
            "students": sis.settings.students,
            "initialLoadChangeVersion": sis.dataset.initial_load_version,
            "newestChangeVersion": sis.dataset.newest_change_version,
        }
    )


async def fault_control(request: Request) -> Response:
    queue = _sis(request).faults
    if request.method == "DELETE":
        queue.clear()
        return Response(status_code=204)
    if request.method == "POST":
        try:
            body = json.loads(await request.body())
            if isinstance(body, dict) and "faults" in body:
                body = body["faults"]
            new = [flt.fault_from_json(f) for f in (body if isinstance(body, list) else [body])]
        except (ValueError, TypeError) as error:
            return problems.problem(
                400,
                "urn:ed-fi:api:bad-request",
                "Bad Request",
                "The fault could not be read.",
                errors=[str(error)],
            )
        for fault in new:
            queue.add(fault)
        return JSONResponse({"faults": [f.to_json() for f in queue.pending()]}, status_code=201)
    return JSONResponse({"faults": [f.to_json() for f in queue.pending()]})


async def bump(request: Request) -> Response:
    """Simulate an edit in the SIS: the student's records get the next change version."""
    sis = _sis(request)
    uid = request.query_params.get("studentUniqueId")
    if uid is None and (raw := await request.body()):
        try:
            uid = json.loads(raw).get("studentUniqueId")
        except (ValueError, AttributeError):
            uid = None
    index = sis.dataset.index_for(uid) if isinstance(uid, str) else None
    if index is None:
        return problems.not_found()
    version = sis.dataset.bump(index)
    return JSONResponse({"studentUniqueId": uid, "changeVersion": version})


async def expire_tokens(request: Request) -> Response:
    _sis(request).tokens.revoke_all()
    return Response(status_code=204)


async def _not_found(request: Request, exc: Exception) -> Response:
    return problems.not_found()


async def _server_error(request: Request, exc: Exception) -> Response:
    return problems.system_error()


def _starlette(sis: MockSIS) -> Starlette:
    resource = "/data/v3/ed-fi/{resource}"
    app = Starlette(
        routes=[
            Route("/", discovery),
            Route("/oauth/token", token_endpoint, methods=["POST"]),
            Route("/metadata/data/v3/dependencies", dependencies),
            Route("/changeQueries/v1/availableChangeVersions", available_change_versions),
            Route(f"{resource}/deletes", tracked_changes),
            Route(f"{resource}/keyChanges", tracked_changes),
            Route(resource, list_resource, methods=["GET", "POST", "PUT", "DELETE"]),
            Route(f"{resource}/{{id}}", item, methods=["GET", "PUT", "DELETE"]),
            Route("/_mock/health", health),
            Route("/_mock/faults", fault_control, methods=["GET", "POST", "DELETE"]),
            Route("/_mock/bump", bump, methods=["POST"]),
            Route("/_mock/tokens", expire_tokens, methods=["DELETE"]),
        ],
        exception_handlers={404: _not_found, 500: _server_error},
    )
    app.state.sis = sis
    app.state.tokens = sis.tokens
    return app
