"""The application: REST under /v1, GraphQL at /graphql, probes under /health."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from api import __version__
from api.db import create_db_engine
from api.graphql.schema import graphql_router
from api.pages import STATIC_DIR, ContentSecurityPolicyMiddleware, docs_router
from api.rate_limit import RateLimitMiddleware
from api.record_json import RecordJsonStore
from api.response_cache import ResponseCacheMiddleware, ResponseStore
from api.rest import v1
from api.rest.health import router as health_router
from api.rest.http_cache import HttpCacheMiddleware
from api.rest.problems import BEFORE_ANY_PROBE, EVERY_V1_OPERATION, install_problem_handlers
from api.security import HeadAsGetMiddleware, RequestBodyLimitMiddleware, SecurityHeadersMiddleware
from api.settings import Settings, get_settings
from api.web.routes import router as web_router

DESCRIPTION = """
Every fact of the **2021 Cixi Municipal Government Work Report** (2021年慈溪市政府工作报告) as
structured, bilingual, citable records: indicators and their observations, projects,
people's-livelihood items, five-year goals, and the report's sections and text.

Every record carries its source: the verbatim quote and its character offsets in the
report's canonical text (`/v1/reports/cixi-2021/text`). Errors are RFC 9457 problem+json.
GraphQL is at `/graphql` (schema in `openapi/schema.graphql`).
"""

# What a page on another origin may read of an answer: CORS for the app's, the rate limiter for its 429.
EXPOSED_HEADERS = [
    *("ETag", "Last-Modified", "Link", "X-Total-Count", "Content-Language", "Retry-After"),
    *("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"),
]


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app for ``settings``; pass ``engine`` to share one (tests do)."""
    settings = settings or get_settings()
    app: FastAPI = FastAPIOffline(
        title="Cixi 2021 Government Work Report API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=_TAGS,
        redoc_url=None,  # api.pages serves ReDoc without its CDN logo
        # No OpenTelemetry here: FastAPI's check for its providers would cost every answer ~15 µs,
        # a third of what a response from api.response_cache costs.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        lifespan=_worker_threads(settings.worker_threads),
    )
    app.state.settings = settings
    app.state.engine = engine or create_db_engine(
        settings.database_url, statement_timeout_ms=settings.statement_timeout_ms, read_only=True, pool_size=settings.worker_threads
    )
    install_problem_handlers(app)
    app.add_middleware(ContentSecurityPolicyMiddleware)  # innermost: reads HTML pages before compression
    app.add_middleware(HttpCacheMiddleware, engine=app.state.engine, max_age=settings.cache_max_age)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "Accept-Language", "If-None-Match", "If-Modified-Since", "Content-Type"],
        expose_headers=EXPOSED_HEADERS,
    )
    app.state.response_cache = ResponseStore(settings.response_cache_bytes)
    app.state.record_json = RecordJsonStore(settings.record_json_bytes)
    app.add_middleware(ResponseCacheMiddleware, store=app.state.response_cache, engine=app.state.engine)
    if settings.rate_limiting:  # outside the response cache: cached answers count too
        limits = {"rate": settings.rate_limit, "redis_url": settings.redis_url, "key_prefix": settings.rate_limit_key_prefix}
        app.add_middleware(RateLimitMiddleware, **limits, expose_headers=EXPOSED_HEADERS)  # its 429 is answered outside CORS
    app.add_middleware(HeadAsGetMiddleware)  # outside the caches, so that HEAD shares GET's entries
    app.add_middleware(RequestBodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer carries the headers
    app.include_router(v1, responses=EVERY_V1_OPERATION)
    app.include_router(health_router, responses=BEFORE_ANY_PROBE)
    app.include_router(docs_router)
    app.include_router(web_router)  # the pages for people: /, /report, /charts, browse and record pages
    app.include_router(graphql_router(), prefix="/graphql")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _worker_threads(count: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Size the thread pool that PostgreSQL work runs in (``Settings.worker_threads``).

    AnyIO's default of 40 threads on two cores starved the event loop: under 256 connections,
    requests waited more than 10 s before the app read them, while 8 threads answered every one."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = count
        yield

    return lifespan


_TAGS: list[dict[str, Any]] = [
    {"name": "reports", "description": "Source documents and their canonical text."},
    {"name": "sections", "description": "The report's heading tree."},
    {"name": "indicators", "description": "Indicator concepts with their observations."},
    {"name": "observations", "description": "Every number of the report, with its quote."},
    {"name": "projects", "description": "Named projects and their status."},
    {"name": "livelihood items", "description": "People's-livelihood (民生) items."},
    {"name": "five-year goals", "description": "14th Five-Year Plan goals and the 2035 vision."},
    {"name": "health", "description": "Liveness and readiness."},
]
