"""Responses computed once per release and replayed from memory, ahead of the framework.

The data changes only when a release is loaded (``api.release``), so a read's response is fixed
by the release and the request: method, path, sorted query, the request headers the response
depends on (Accept, Accept-Encoding as gzip or not, Accept-Language, whether an Origin is sent,
and the scheme and host that absolute links are built from) and, for a GraphQL POST, the
body's hash. The first such request runs the whole stack; the next ones get the same bytes from
here, or a 304 when their validators match the stored ETag (``api.rest.http_cache`` decides,
and made the ETag in the first place).

The store is an LRU bounded by bytes (``response_cache_bytes``; 0 turns it off), emptied when the
release version changes. It keeps only complete 200 responses of the public read paths: never an
error, a GraphQL result with errors, a response that sets a cookie or says ``no-store``/``private``,
nor one bigger than an eighth of the budget. Identical requests that arrive while the first is
being answered wait for its bytes rather than compute them again. A GraphQL POST is a read here
because the schema has no mutations (``tests/test_response_cache.py`` checks that it stays so).
"""

import asyncio
import hashlib
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import release
from api.rest.http_cache import is_not_modified
from api.security import BodyTooLarge, read_body_ahead, replay

PUBLIC_READ_PREFIXES = ("/v1/", "/graphql")
GRAPHQL_PATH = "/graphql"
MAX_CACHED_POST_BODY = 64 * 1024
ENTRY_OVERHEAD = 256  # bytes of an entry's own object and its place in the LRU's dict and list
NOT_MODIFIED_HEADERS = (b"etag", b"last-modified", b"cache-control", b"vary")
# Header names, and the values of these headers, repeat from answer to answer: one object serves every entry.
SHARED_VALUES = frozenset({b"content-type", b"cache-control", b"vary", b"last-modified", b"content-encoding", b"content-language"})
MAX_SHARED = 4096

RequestKey = tuple[bytes | str | bool, ...]
RawHeaders = list[tuple[bytes, bytes]]
_shared: dict[bytes, bytes] = {}


def _one_of(value: bytes) -> bytes:
    if len(_shared) < MAX_SHARED:
        return _shared.setdefault(value, value)
    return _shared.get(value, value)


def _compact(headers: Sequence[tuple[bytes, bytes]]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((_one_of(name), _one_of(value) if name in SHARED_VALUES else value) for name, value in headers)


def _own_size(part: object) -> int:
    """Bytes an entry holds by itself: nothing for an object every entry shares."""
    return 0 if isinstance(part, bytes) and _shared.get(part) is part else sys.getsizeof(part)


class CachedResponse:
    """A 200's headers and body, and the memory they hold (``size``)."""

    __slots__ = ("body", "etag", "headers", "size")

    def __init__(self, headers: Sequence[tuple[bytes, bytes]], body: bytes, etag: str | None) -> None:
        self.headers = _compact(headers)
        self.body = body
        self.etag = etag
        own_headers = sum(sys.getsizeof(pair) + _own_size(pair[1]) for pair in self.headers)
        self.size = sys.getsizeof(body) + sys.getsizeof(self.headers) + own_headers

    def not_modified_headers(self) -> RawHeaders:
        return [(name, value) for name, value in self.headers if name in NOT_MODIFIED_HEADERS or name.startswith(b"access-control-")]


def _key_size(key: RequestKey) -> int:
    return sys.getsizeof(key) + sum(_own_size(part) for part in key if not isinstance(part, bool))


class ResponseStore:
    """Responses of one release, least recently used first out once ``max_bytes`` is passed."""

    def __init__(self, max_bytes: int, *, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max(max_bytes, 0)
        self.max_entry_bytes = self.max_bytes // 8 if max_entry_bytes is None else max_entry_bytes
        self.used_bytes = 0
        self.hits = 0
        self.misses = 0
        self._version: str | None = None
        self._entries: OrderedDict[RequestKey, tuple[CachedResponse, int]] = OrderedDict()  # with the bytes each holds

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, version: str, key: RequestKey) -> CachedResponse | None:
        self._follow(version)
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[0]

    def put(self, version: str, key: RequestKey, response: CachedResponse) -> None:
        self._follow(version)
        size = response.size + _key_size(key) + ENTRY_OVERHEAD
        if size > self.max_entry_bytes:
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.used_bytes -= previous[1]
        self._entries[key] = (response, size)
        self.used_bytes += size
        while self.used_bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.used_bytes -= evicted

    def clear(self) -> None:
        """Forget every response and start counting again."""
        self._entries.clear()
        self.used_bytes = self.hits = self.misses = 0

    def _follow(self, version: str) -> None:
        """Forget every response of an older release."""
        if version != self._version:
            self._entries.clear()
            self.used_bytes = 0
            self._version = version


def request_key(scope: Scope, headers: dict[bytes, bytes], body: bytes = b"") -> RequestKey:
    """What the response to this request depends on, besides the release."""
    query = b"&".join(sorted(scope.get("query_string", b"").split(b"&")))
    return (
        scope["method"],
        scope.get("scheme", "http"),
        headers.get(b"host") or repr(scope.get("server")),
        scope.get("root_path", ""),
        scope["path"],
        query,
        headers.get(b"accept", b""),
        b"gzip" in headers.get(b"accept-encoding", b""),
        headers.get(b"accept-language", b""),
        b"origin" in headers,
        headers.get(b"content-type", b"") if body else b"",
        hashlib.sha256(body).digest() if body else b"",
    )


def _is_public_read(scope: Scope) -> bool:
    method: str = scope["method"]
    path: str = scope["path"]
    if method == "POST":
        return path == GRAPHQL_PATH
    return method in ("GET", "HEAD") and path.startswith(PUBLIC_READ_PREFIXES)


def _storable_start(message: Message) -> bool:
    if message["status"] != 200:
        return False
    for name, value in message.get("headers", ()):
        if name == b"set-cookie" or (name == b"cache-control" and (b"no-store" in value or b"private" in value)):
            return False
    return True


def _is_graphql_error(path: str, body: bytes) -> bool:
    """GraphQL answers errors with a 200 and a top-level "errors" key; no field of ours is named so."""
    return path == GRAPHQL_PATH and b'"errors":' in body


async def _small_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The request body if it is complete and small enough to key on, and a receive that gives it again."""
    try:
        messages = await read_body_ahead(receive, MAX_CACHED_POST_BODY)
    except BodyTooLarge as too_large:
        return None, replay(too_large.messages, receive)
    if messages[-1]["type"] != "http.request":  # the client left before the body's end
        return None, replay(messages, receive)
    return b"".join(m.get("body", b"") for m in messages), replay(messages, receive)


class ResponseCacheMiddleware:
    def __init__(self, app: ASGIApp, *, store: ResponseStore, engine: Engine) -> None:
        self.app = app
        self.store = store
        self.engine = engine
        self._in_flight: dict[RequestKey, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.store.enabled or not _is_public_read(scope):
            await self.app(scope, receive, send)
            return
        current = release.cached_release(self.engine)
        headers = dict(scope["headers"])
        if current is None or b"range" in headers:  # no release known yet (the app computes it), or a part of a file asked for
            await self.app(scope, receive, send)
            return
        body = b""
        if scope["method"] == "POST":
            whole, receive = await _small_body(receive)
            if whole is None:
                await self.app(scope, receive, send)
                return
            body = whole
        key = request_key(scope, headers, body)
        entry = self.store.get(current.version, key)
        if entry is None and (flight := self._in_flight.get(key)) is not None:
            await flight.wait()  # the same request is being answered: wait for its bytes rather than compute them again
            entry = self.store.get(current.version, key)
        if entry is None:
            await self._respond_and_store(scope, receive, send, key, current.version)
            return
        conditional = b"if-none-match" in headers or b"if-modified-since" in headers
        if conditional and entry.etag and is_not_modified(
            _text(headers, b"if-none-match"), _text(headers, b"if-modified-since"), entry.etag, current.last_modified
        ):
            await _send(send, 304, entry.not_modified_headers(), b"")
        else:
            await _send(send, 200, entry.headers, entry.body)

    async def _respond_and_store(self, scope: Scope, receive: Receive, send: Send, key: RequestKey, version: str) -> None:
        start: RawHeaders | None = None
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal start, size
            kind = message["type"]
            if kind == "http.response.start":
                start = list(message.get("headers", [])) if _storable_start(message) else None  # copied before outer layers add theirs
            elif kind == "http.response.body" and start is not None:
                chunk = message.get("body", b"")
                size += len(chunk)
                chunks.append(chunk)
                if size > self.store.max_entry_bytes:
                    start = None
                    chunks.clear()
                elif not message.get("more_body", False):
                    self._store(scope["path"], key, version, start, b"".join(chunks))
            else:
                start = None
            await send(message)

        flight = None if key in self._in_flight else self._in_flight.setdefault(key, asyncio.Event())
        try:
            await self.app(scope, receive, capture)
        finally:
            if flight is not None:
                del self._in_flight[key]
                flight.set()

    def _store(self, path: str, key: RequestKey, version: str, headers: RawHeaders, body: bytes) -> None:
        current = release.cached_release(self.engine)
        if current is None or current.version != version or _is_graphql_error(path, body):
            return
        self.store.put(version, key, CachedResponse(headers, body, _text(dict(headers), b"etag")))


def _text(headers: dict[bytes, bytes], name: bytes) -> str | None:
    value = headers.get(name)
    return None if value is None else value.decode("latin-1")


async def _send(send: Callable[[Message], Awaitable[None]], status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes) -> None:
    # Fresh messages and a fresh header list each time: outer middleware edits them in place.
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body})
