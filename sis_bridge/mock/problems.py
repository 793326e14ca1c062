"""Ed-Fi problem-details error bodies (RFC 9457, as ODS/API 7.2+ sends them)."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse

LIMIT_MESSAGE = "Limit must be omitted or set to a value between 0 and {maximum}."


def problem(
    status: int,
    type_: str,
    title: str,
    detail: str,
    *,
    errors: list[str] | None = None,
    validation_errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "detail": detail,
        "type": type_,
        "title": title,
        "status": status,
        "correlationId": uuid.uuid4().hex,
    }
    if validation_errors is not None:
        body["validationErrors"] = validation_errors
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers)


def unauthorized(message: str, *, invalid_token: bool = False) -> JSONResponse:
    challenge = 'Bearer error="invalid_token"' if invalid_token else "Bearer"
    return problem(
        401,
        "urn:ed-fi:api:security:authentication",
        "Authentication Failed",
        "The caller could not be authenticated.",
        errors=[message],
        headers={"WWW-Authenticate": challenge},
    )


def forbidden() -> JSONResponse:
    return problem(
        403,
        "urn:ed-fi:api:security:authorization:access-denied:resource",
        "Authorization Denied",
        "Access to the requested data could not be authorized.",
        errors=[],
    )


def not_found() -> JSONResponse:
    return problem(
        404, "urn:ed-fi:api:not-found", "Not Found", "The specified item could not be found."
    )


def parameter_invalid(detail: str, message: str) -> JSONResponse:
    return problem(
        400,
        "urn:ed-fi:api:bad-request:parameter-validation-failed",
        "Parameter Validation Failed",
        detail,
        errors=[message],
    )


def method_not_allowed() -> JSONResponse:
    return problem(
        405,
        "urn:ed-fi:api:method-not-allowed",
        "Method Not Allowed",
        "The mock SIS is read-only: only GET is supported on resources.",
    )


def optimistic_lock_failed() -> JSONResponse:
    return problem(
        412,
        "urn:ed-fi:api:optimistic-lock-failed",
        "Optimistic Lock Failed",
        "The item has been modified by another user.",
    )


def system_error() -> JSONResponse:
    return problem(
        500,
        "urn:ed-fi:api:system",
        "System Error",
        "An unexpected error occurred on the server.",
    )


def too_many_requests(retry_after: int) -> JSONResponse:
    # Data calls are rate-limited by a gateway in front of the ODS, not by the ODS itself: the
    # URN here is ours.
    return problem(
        429,
        "urn:ed-fi:api:too-many-requests",
        "Too Many Requests",
        "The request rate limit was exceeded. Retry after the time in the Retry-After header.",
        headers={"Retry-After": str(retry_after)},
    )


def too_many_tokens() -> JSONResponse:
    return problem(
        429,
        "urn:ed-fi:api:security:authentication:too-many-tokens",
        "Too Many Tokens",
        "Too many access tokens have been requested. "
        "Access tokens should be reused until they expire.",
    )
