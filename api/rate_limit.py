"""Per-client rate limiting: fixed windows per client address, counted in process (the default)
or in Redis (when ``REDIS_URL`` is set, so that worker processes share one count).

Windows are aligned on the clock (a "1200/minute" window is one wall-clock minute), so the end of
the window is known without asking the store: in process, one dict of counts per window, dropped
whole when the next window starts (no locks, no timers: the event loop is one thread); in Redis,
one INCR+EXPIRE round trip per request through the ``limits`` library. A client can send up to
twice the limit across a window boundary: acceptable for a generous guard against runaway
clients, and what makes a request cost one dict update.

Every limited response carries ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``
(seconds until the window ends) and ``RateLimit-Policy`` (IETF draft "RateLimit header fields for
HTTP"); past the limit the answer is a 429 problem with ``Retry-After``. Health probes are exempt.

The client is the connection's peer address. Behind a reverse proxy that is the proxy: uvicorn
takes the client from ``X-Forwarded-For`` only when the peer is in ``--forwarded-allow-ips``
(environment ``FORWARDED_ALLOW_IPS``; 127.0.0.1 by default), never from any peer.

Redis that does not answer (0.25 s) pauses limiting for 10 s with a warning: the API fails open
rather than refusing every client. ``limits`` (and through it redis) is imported only then: it
would cost every process start otherwise.

The limiter sits outside CORS (api.main), so its 429 carries the CORS headers itself, with the same
exposed list, so that a page on another origin can read Retry-After.
"""

import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.rest.problems import problem_response

EXEMPT_PREFIXES = ("/health/",)
REDIS_TIMEOUT_S = 0.25
PAUSE_AFTER_REDIS_FAILURE_S = 10.0
WINDOW_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE = re.compile(r"\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*", re.IGNORECASE)

logger = logging.getLogger("api")

Headers = list[tuple[bytes, bytes]]


def parse_rate(text: str) -> tuple[int, int]:
    """``1200/minute``, ``10 per second``, ``100/5 minutes`` -> (requests, window seconds)."""
    match = RATE.fullmatch(text)
    if match is None:
        raise ValueError(f"rate limit {text!r}: write it as requests/window, e.g. 1200/minute (second, minute, hour or day)")
    amount, multiple, unit = match.groups()
    return int(amount), int(multiple or 1) * WINDOW_SECONDS[unit.lower()]


class LocalCounts:
    """Requests per client in the current window, in this process."""

    def __init__(self, window_s: int) -> None:
        self.window_s = window_s
        self.window = -1
        self.counts: dict[str, int] = {}

    def hit(self, client: str, window: int) -> int:
        if window != self.window:
            self.window, self.counts = window, {}
        count = self.counts.get(client, 0) + 1
        self.counts[client] = count
        return count


class SharedCounts:
    """Requests per client in the current window, in Redis; ``None`` while Redis does not answer."""

    def __init__(self, redis_url: str, key_prefix: str, window_s: int) -> None:
        from limits.aio.storage import RedisStorage
        from limits.errors import StorageError

        self.redis_url = redis_url
        self.window_s = window_s
        self.storage_error = StorageError
        self.storage: RedisStorage = RedisStorage(
            "async+" + redis_url,
            implementation="redispy",
            wrap_exceptions=True,
            key_prefix=key_prefix,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
        )
        self.paused_until = 0.0

    async def hit(self, client: str, window: int) -> int | None:
        if time.monotonic() < self.paused_until:
            return None
        try:
            return await self.storage.incr(f"{self.window_s}/{window}/{client}", self.window_s)
        except self.storage_error as error:
            self.paused_until = time.monotonic() + PAUSE_AFTER_REDIS_FAILURE_S
            pause, cause = PAUSE_AFTER_REDIS_FAILURE_S, error.storage_error
            logger.warning("rate limiting paused for %.0f s: Redis at %s did not answer (%s)", pause, self.redis_url, cause)
            return None


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        rate: str,
        redis_url: str | None = None,
        key_prefix: str = "cixi-report-api",
        expose_headers: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.limit, self.window_s = parse_rate(rate)
        self.local = LocalCounts(self.window_s) if redis_url is None else None
        self.shared = SharedCounts(redis_url, key_prefix, self.window_s) if redis_url is not None else None
        self.limit_header = (b"ratelimit-limit", str(self.limit).encode())
        self.policy_header = (b"ratelimit-policy", f"{self.limit};w={self.window_s}".encode())
        self.cors_headers = [(b"access-control-allow-origin", b"*")]
        if expose_headers:
            self.cors_headers.append((b"access-control-expose-headers", ", ".join(expose_headers).encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        client = peer[0] if peer else "-"
        now = time.time()
        window = int(now // self.window_s)
        used = self.local.hit(client, window) if self.local is not None else await self.shared.hit(client, window)  # type: ignore[union-attr]
        if used is None:
            await self.app(scope, receive, send)
            return
        reset_s = (window + 1) * self.window_s - int(now)  # whole seconds to the window's end, at least 1
        remaining = str(max(0, self.limit - used)).encode()
        headers = [self.limit_header, (b"ratelimit-remaining", remaining), (b"ratelimit-reset", str(reset_s).encode()), self.policy_header]
        if used > self.limit:
            await self._refuse(scope, receive, send, headers, reset_s)
            return
        await self.app(scope, receive, _adding(headers, send))

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, headers: Headers, reset_s: int) -> None:
        detail = f"more than {self.limit} requests in {self.window_s} s from this client; retry after {reset_s} s"
        response = problem_response(429, "Too many requests", detail, headers={"Retry-After": str(reset_s)})
        response.raw_headers.extend(headers)
        response.raw_headers.extend(self.cors_headers)
        await response(scope, receive, send)


def _adding(headers: Headers, send: Send) -> Callable[[Message], Any]:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":  # a new message: the one sent may be kept and sent again
            message = {**message, "headers": [*message.get("headers", ()), *headers]}
        await send(message)

    return send_with_headers
