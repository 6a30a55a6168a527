"""The API's HTML pages (Swagger UI at /docs, ReDoc at /redoc, GraphiQL at /graphql) load
everything from the API itself: fastapi-offline ships Swagger UI and ReDoc, ``api/static``
ships GraphiQL. A Content-Security-Policy on every HTML response makes the browser hold
them to it: nothing may come from, or be sent to, another host.
"""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
OFFLINE_DOCS_URL = "/static-offline-docs"  # where fastapi-offline serves Swagger UI, ReDoc and the favicon
_REDOC_BUNDLE = Path(fastapi_offline.__file__).resolve().parent / "static" / "redoc.standalone.js"
# ReDoc 2 always shows the Redocly logo under its menu, loaded from Redocly's CDN. With an empty
# source the browser requests nothing and ReDoc's own onError handler hides the image.
_REDOC_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'

# The directives beside the scripts' own; each exception is one that a page needs and none
# reaches another host (tests/test_docs_in_browser.py fails without it). Styles may be inline
# because the bundled UIs (emotion in GraphiQL, styled-components in ReDoc) inject <style>
# elements at run time; images and fonts may be data: URIs (Swagger UI's icons, GraphiQL's
# embedded fonts); ReDoc starts its search worker from a blob: URL.
_POLICY = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
)
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def content_security_policy(html: bytes) -> str:
    """A policy for ``html`` that allows only this origin, and the page's own inline scripts by hash."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in _INLINE_SCRIPT.findall(html)]
    return "; ".join((*_POLICY, " ".join(("script-src 'self'", *hashes))))


class ContentSecurityPolicyMiddleware:
    """Adds :func:`content_security_policy` to every uncompressed ``text/html`` response.

    Added before the compressing middleware, so that it reads the page as written."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def send_with_policy(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and _is_plain_html(message):
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            MutableHeaders(scope=start)["Content-Security-Policy"] = content_security_policy(bytes(body))
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, send_with_policy)


def _is_plain_html(start: Message) -> bool:
    headers = MutableHeaders(scope=start)
    return headers.get("content-type", "").startswith("text/html") and "content-encoding" not in headers


docs_router = APIRouter(include_in_schema=False)


@docs_router.get("/redoc")
async def redoc_page(request: Request) -> HTMLResponse:
    """fastapi-offline's ReDoc page, with the bundle that loads nothing from elsewhere."""
    root = request.scope.get("root_path", "")
    return get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{root}{OFFLINE_DOCS_URL}/favicon.png",
        with_google_fonts=False,
    )


@docs_router.get("/redoc/redoc.standalone.js")
async def redoc_bundle() -> Response:
    return Response(_offline_redoc_bundle(), media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"})


@cache
def _offline_redoc_bundle() -> bytes:
    return _REDOC_BUNDLE.read_bytes().replace(_REDOC_LOGO, b'""')
