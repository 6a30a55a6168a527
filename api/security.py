"""What HTTP may ask of the API, and what every answer carries: bodies bounded in size,
HEAD served as GET, and the security headers on every response (errors, 304s, static files
and pages included). Pure ASGI middleware, outside the framework, so nothing slips past them.
"""

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.rest.problems import internal_error_response, problem_response

# The same on every response. X-Frame-Options is for browsers older than CSP's frame-ancestors.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# For everything that is not a page (JSON, CSV, problems, files): nothing may load, nothing may frame it.
# HTML pages carry their own policy (api.pages.ContentSecurityPolicyMiddleware), which is kept.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every response, and :data:`DATA_POLICY` where no policy is set.

    A 304 gets no policy: a browser copies a 304's headers onto the response it stored, and the
    stored one already has the right policy (a page's own, or the data policy).

    Being outermost, it also answers an exception that no handler answered: Starlette's last-resort
    handler sends its 500 around every middleware, so that answer would carry none of these headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if message["status"] != 304:
                    headers.setdefault("Content-Security-Policy", DATA_POLICY)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:
                await internal_error_response()(scope, receive, send_with_headers)
            raise  # for the server's log; the client has its answer


class BodyTooLarge(Exception):
    def __init__(self, messages: list[Message]) -> None:
        super().__init__()
        self.messages = messages  # read so far, the last one past the limit


async def read_body_ahead(receive: Receive, max_bytes: int) -> list[Message]:
    """The request's messages up to the end of its body, or to the client's leaving (a disconnect).

    Raises :class:`BodyTooLarge` as soon as the body passes ``max_bytes``, having read no further."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > max_bytes:
            raise BodyTooLarge(messages)
        if not message.get("more_body", False):
            return messages


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that gives the messages read ahead, then whatever the client sends next (a disconnect)."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


class RequestBodyLimitMiddleware:
    """Answers 413 (problem+json) to a request whose body is over ``max_body_bytes``.

    A declared Content-Length over the limit is refused before anything is read. Otherwise the
    body is read ahead, up to the limit and no further, so a chunked body without a length is
    refused as well, whether or not the operation would have read it."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(scope, receive, send)
            return
        try:
            messages = await read_body_ahead(receive, self.max_body_bytes)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)
            return
        await self.app(scope, replay(messages, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the request body is over {self.max_body_bytes} bytes; this API reads no bigger body"
        await problem_response(413, "Content too large", detail, headers={"Connection": "close"})(scope, receive, send)


class HeadAsGetMiddleware:
    """Answers HEAD exactly as GET, without the body (RFC 9110 §9.3.2).

    FastAPI routes only the methods an operation declares; this way every GET operation, page
    and file answers HEAD with the same status and headers, and the OpenAPI document lists GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def send_without_body(message: Message) -> None:
            nonlocal finished
            if message["type"] != "http.response.body":
                await send(message)
            elif not finished and not message.get("more_body", False):
                finished = True
                await send({"type": "http.response.body", "body": b""})

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
