"""HTTP caching for every GET: ETag, Last-Modified, Cache-Control and Vary, and 304s.

The data changes only when a release is loaded, so a response is determined by the
release and the canonical request (path, sorted query, negotiated media type and
language). The ETag is derived from exactly those, before the handler runs: a
conditional request that matches is answered 304 without touching the database.
"""

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from sqlalchemy import Engine
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import release
from api.db import run_database_work

UNCACHED_PREFIXES = ("/health", "/docs", "/redoc", "/static")
VARY = "Accept, Accept-Language"


def canonical_request(scope: Scope, headers: Headers) -> str:
    query = "&".join(sorted(scope.get("query_string", b"").decode("latin-1").split("&")))
    accept = headers.get("accept", "")
    language = headers.get("accept-language", "")
    return "\n".join((scope["path"], query, accept, language))


def entity_tag(version: str, canonical: str) -> str:
    digest = hashlib.sha256(f"{version}\n{canonical}".encode()).hexdigest()[:24]
    return f'W/"{digest}"'


def _matches(if_none_match: str, tag: str) -> bool:
    candidates = [candidate.strip() for candidate in if_none_match.split(",")]
    bare = tag.removeprefix("W/")
    return "*" in candidates or any(candidate.removeprefix("W/") == bare for candidate in candidates)


def _not_modified_since(if_modified_since: str, last_modified: Any) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return since is not None and since.tzinfo is not None and last_modified <= since


def is_not_modified(if_none_match: str | None, if_modified_since: str | None, tag: str, last_modified: datetime) -> bool:
    """Whether a conditional GET may be answered 304: If-None-Match decides when present,
    else If-Modified-Since (RFC 9110 §13.2.2)."""
    if if_none_match is not None:
        return bool(if_none_match) and _matches(if_none_match, tag)
    return bool(if_modified_since) and _not_modified_since(if_modified_since or "", last_modified)


def _no_store(message: Message) -> bool:
    """The handler said its answer must not be kept (a GraphQL result with errors)."""
    return any(name == b"cache-control" and b"no-store" in value for name, value in message.get("headers", ()))


class HttpCacheMiddleware:
    def __init__(self, app: ASGIApp, *, engine: Engine, max_age: int = 300) -> None:
        self.app = app
        self.engine = engine
        self.max_age = max_age

    async def _release(self) -> release.Release | None:
        known = release.cached_release(self.engine)
        if known is not None:
            return known

        try:
            return await run_database_work(self.engine, release.current_release)
        except Exception:  # noqa: BLE001 - no release (empty or unreachable database): serve uncached, the handler reports the problem
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(UNCACHED_PREFIXES):
            await self.app(scope, receive, send)
            return
        current = await self._release()
        if current is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        tag = entity_tag(current.version, canonical_request(scope, headers))
        last_modified = format_datetime(current.last_modified, usegmt=True)
        if is_not_modified(headers.get("if-none-match"), headers.get("if-modified-since"), tag, current.last_modified):
            await self._not_modified(send, tag, last_modified)
            return

        async def send_with_validators(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200 and not _no_store(message):
                response_headers = MutableHeaders(scope=message)
                response_headers.setdefault("ETag", tag)
                response_headers["Last-Modified"] = last_modified
                response_headers["Cache-Control"] = f"public, max-age={self.max_age}"
                response_headers["Vary"] = VARY
            await send(message)

        await self.app(scope, receive, send_with_validators)

    async def _not_modified(self, send: Send, tag: str, last_modified: str) -> None:
        headers = [
            (b"etag", tag.encode()),
            (b"last-modified", last_modified.encode()),
            (b"cache-control", f"public, max-age={self.max_age}".encode()),
            (b"vary", VARY.encode()),
        ]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
