"""What every REST resource shares: running a query in a worker thread with its own
session, parsing list parameters into query-layer options, and writing pages.

Concurrency model, decided once: handlers are ``async``; each unit of database work runs
in a worker thread with a session opened and closed inside that thread. No session is
held by a dependency across the response, so a burst of requests cannot exhaust the
thread pool while holding connections.
"""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import queries
from api.errors import InvalidQuery, ServiceUnavailable
from api.queries import Condition, ListOptions, PageResult, Resource, SortKey

T = TypeVar("T")

RESERVED_PARAMS = frozenset({"limit", "cursor", "sort", "format", "q", "lang", "facet", "bom"})

LimitParam = Annotated[int, Query(description="Page size, 1–500.", ge=1, le=queries.MAX_PAGE_SIZE)]
CursorParam = Annotated[str | None, Query(description="Opaque cursor from the previous page's next_cursor.")]
SortParam = Annotated[
    str | None,
    Query(description="Comma-separated fields; a leading '-' sorts descending (e.g. -value,period). The id always breaks ties."),
]

FILTER_HELP = (
    "\n\nFilters: `field=value` or `field__op=value` with op one of "
    "`exact, not, in, gt, gte, lt, lte, contains, isnull` (and `overlaps` for period, e.g. "
    "`period__overlaps=2021` finds `2021/2025`). `in` takes comma-separated values. "
    "Unknown fields or operators are a 400 problem that names them."
)


async def in_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a worker thread with its own short-lived session."""
    engine = request.app.state.engine

    def run() -> T:
        with Session(engine) as session:
            return work(session)

    try:
        return await run_in_threadpool(run)
    except (OperationalError, PoolTimeout) as error:
        raise ServiceUnavailable("the database is not reachable right now; try again shortly") from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise ServiceUnavailable("the database connection was lost; try again shortly") from error
        raise


def parse_sort(text: str | None) -> list[SortKey]:
    if not text:
        return []
    keys = []
    for part in text.split(","):
        name = part.strip()
        if not name or name == "-":
            raise InvalidQuery(f"sort: empty field in {text!r}", field="sort")
        keys.append(SortKey(name.lstrip("-"), descending=name.startswith("-")))
    return keys


def parse_conditions(request: Request, resource: Resource) -> list[Condition]:
    conditions = []
    for name, value in request.query_params.multi_items():
        if name in RESERVED_PARAMS:
            continue
        field, _, operator = name.partition("__")
        resource.spec(field)
        conditions.append(Condition(field, operator or "exact", value))
    return conditions


def list_options(request: Request, resource: Resource, limit: int, cursor: str | None, sort: str | None) -> ListOptions:
    """Validate every list parameter up front, before any SQL runs."""
    options = ListOptions(parse_conditions(request, resource), parse_sort(sort), queries.clamp_limit(limit), cursor)
    for condition in options.conditions:
        queries.condition_clause(resource, condition)
    return options


def page_body(request: Request, page: PageResult, items: Sequence[BaseModel]) -> dict[str, Any]:
    next_url = str(request.url.include_query_params(cursor=page.next_cursor)) if page.next_cursor else None
    return {
        "items": [item.model_dump(mode="json") for item in items],
        "total": page.total,
        "limit": page.limit,
        "next_cursor": page.next_cursor,
        "next": next_url,
    }


def page_response(request: Request, page: PageResult, items: Sequence[BaseModel]) -> JSONResponse:
    body = page_body(request, page, items)
    headers = {"X-Total-Count": str(page.total)}
    if body["next"]:
        headers["Link"] = f'<{body["next"]}>; rel="next"'
    return JSONResponse(body, headers=headers)


async def list_endpoint(
    request: Request,
    resource: Resource,
    options: ListOptions,
    present: Callable[[Session, list[Any]], Sequence[BaseModel]],
) -> JSONResponse:
    """The body of every list endpoint: query a page, present its rows, write the page."""

    def work(session: Session) -> tuple[PageResult, Sequence[BaseModel]]:
        page = queries.list_rows(session, resource, options)
        return page, present(session, page.rows)

    page, items = await in_session(request, work)
    return page_response(request, page, items)


def each(convert: Callable[[Any], BaseModel]) -> Callable[[Session, list[Any]], list[BaseModel]]:
    """A presenter for rows that need nothing more than their own columns."""
    return lambda _session, rows: [convert(row) for row in rows]
