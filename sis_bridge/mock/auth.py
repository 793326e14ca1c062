"""OAuth2 client credentials and bearer tokens, as the ODS/API token endpoint behaves."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

from . import catalog as cat
from .problems import too_many_tokens


class TokenError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def response(self) -> JSONResponse:
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=self.status, headers={"Cache-Control": "no-store"})


@dataclass
class TokenStore:
    client_id: str
    client_secret: str
    lifetime: int = 1800
    per_client_limit: int | None = None  # the ODS default is 15; None: no limit
    clock: Callable[[], float] = time.monotonic
    _tokens: dict[str, float] = field(default_factory=dict)

    def issue(self) -> tuple[str, int]:
        now = self.clock()
        self._tokens = {t: expiry for t, expiry in self._tokens.items() if expiry > now}
        if self.per_client_limit is not None and len(self._tokens) >= self.per_client_limit:
            raise TooManyTokens
        token = secrets.token_hex(16)
        self._tokens[token] = now + self.lifetime
        return token, self.lifetime

    def is_valid(self, token: str) -> bool:
        expiry = self._tokens.get(token)
        return expiry is not None and expiry > self.clock()

    def revoke(self, token: str) -> None:
        self._tokens.pop(token, None)

    def revoke_all(self) -> None:
        self._tokens.clear()


class TooManyTokens(Exception):
    pass


async def _body_fields(request: Request) -> dict[str, str]:
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not raw:
        return {}
    if content_type == "application/json":
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise TokenError(
                400, "invalid_request", "The request body is not valid JSON."
            ) from None
        if not isinstance(parsed, dict):
            raise TokenError(400, "invalid_request", "The request body must be a JSON object.")
        return {k: str(v) for k, v in parsed.items() if v is not None}
    if content_type in {"application/x-www-form-urlencoded", ""}:
        return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    raise TokenError(400, "invalid_request", f"Unsupported content type '{content_type}'.")


def _basic_credentials(header: str) -> tuple[str, str] | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise TokenError(401, "invalid_client", "Only the Basic authorization scheme is supported.")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TokenError(400, "invalid_request", "The Authorization header is malformed.") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise TokenError(400, "invalid_request", "The Authorization header is malformed.")
    return client_id, secret


async def token_endpoint(request: Request) -> JSONResponse:
    store: TokenStore = request.app.state.tokens
    try:
        fields = await _body_fields(request)
        basic = _basic_credentials(request.headers.get("authorization", ""))
        in_body = "client_id" in fields or "client_secret" in fields
        if basic and in_body:
            raise TokenError(
                400,
                "invalid_client",
                "Send client credentials in the header or the body, not both.",
            )
        grant_type = fields.get("grant_type")
        if not grant_type:
            raise TokenError(400, "invalid_request", "The grant_type parameter is required.")
        if grant_type != "client_credentials":
            raise TokenError(400, "unsupported_grant_type", f"Unsupported grant '{grant_type}'.")
        client_id, secret = basic or (fields.get("client_id"), fields.get("client_secret"))
        if not client_id or not secret:
            raise TokenError(401, "invalid_request", "The client id and secret are required.")
        known = secrets.compare_digest(client_id, store.client_id) and secrets.compare_digest(
            secret, store.client_secret
        )
        if not known:
            raise TokenError(401, "invalid_client", "The client credentials are not valid.")
        scope = fields.get("scope")
        if scope is not None and (
            not scope.isdigit() or int(scope) not in {cat.LEA_ID, *cat.SCHOOL_IDS}
        ):
            raise TokenError(
                400, "invalid_scope", "The scope must be an education organization of the client."
            )
        token, lifetime = store.issue()
    except TokenError as error:
        return error.response()
    except TooManyTokens:
        return too_many_tokens()
    body: dict[str, object] = {
        "access_token": token,
        "expires_in": lifetime,
        "token_type": "bearer",
    }
    if scope is not None:
        body["scope"] = scope
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def bearer_token(request: Request) -> tuple[str | None, str | None]:
    """(token, None) for a well-formed Bearer header, else (None, the Ed-Fi error message)."""
    header = request.headers.get("authorization")
    if header is None or not header.strip():
        return None, "Authorization header is missing."
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "Invalid Authorization header."
    return token.strip(), None
