"""What every REST resource shares: running a query in a worker thread with its own
session, parsing list parameters into query-layer options, and writing pages.

Concurrency model, decided once: handlers are ``async``; each unit of database work runs
in a worker thread with a session opened and closed inside that thread. No session is
held by a dependency across the response, so a burst of requests cannot exhaust the
thread pool while holding connections.
"""

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel
from sqlmodel import Session

from api import queries, release
from api.db import run_database_work
from api.errors import InvalidQuery
from api.queries import Condition, ListOptions, PageResult, Resource, SortKey
from api.record_json import RecordJsonStore, json_bytes
from api.rest.formats import OutputFormat, csv_lines, ndjson_lines, negotiate
from api.vocab import label

T = TypeVar("T")

RESERVED_PARAMS = frozenset({"limit", "cursor", "sort", "format", "q", "lang", "facet", "bom"})
FORMAT_HELP = (
    "\n\nFormats: JSON (default), CSV or NDJSON by `?format=csv|ndjson` or `Accept: text/csv` / "
    "`application/x-ndjson` (anything else is a 406); `?bom=1` adds a UTF-8 BOM to CSV for Excel and WPS; "
    "`?lang=zh|en` (or Accept-Language) keeps one language's label columns in flat formats. "
    "`?facet=field` (repeatable) adds counts by that field's values to the JSON body. "
    "`?q=` keeps the records found by full-text search (Chinese, English, 5G, PM2.5)."
)

LimitParam = Annotated[int, Query(description=f"Page size, 1–{queries.MAX_PAGE_SIZE}.", ge=1, le=queries.MAX_PAGE_SIZE)]
CursorParam = Annotated[
    str | None,
    Query(description="Opaque cursor from the previous page's next_cursor (valid with the same sort).", json_schema_extra={"pattern": queries.CURSOR_PATTERN}),
]


def sort_query(resource: Resource) -> Any:
    """The ``sort`` parameter of ``resource``'s list, documented with the grammar it accepts
    (checked by the query layer, whose messages name the fields)."""
    key = "-?(?:" + "|".join(re.escape(name) for name in resource.sortable_fields()) + ")"
    return Query(
        description="Comma-separated fields; a leading '-' sorts descending (e.g. -value,period). The id always breaks ties.",
        json_schema_extra={"pattern": f"^(?:{key}(?:,{key})*)?$"},
    )

FILTER_HELP = (
    "\n\nFilters: `field=value` or `field__op=value` with op one of "
    "`exact, not, in, gt, gte, lt, lte, contains, isnull` (and `overlaps` for period, e.g. "
    "`period__overlaps=2021` finds `2021/2025`). `in` takes comma-separated values. "
    "Unknown fields or operators are a 400 problem that names them."
)


async def in_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a worker thread with its own short-lived session (``api.db.run_database_work``)."""
    return await run_database_work(request.app.state.engine, work)


def parse_sort(text: str | None) -> list[SortKey]:
    """``-value,period`` -> keys; whether the fields may be sorted on is the query layer's to say."""
    if not text:
        return []
    keys = []
    for part in text.split(","):
        name = part.removeprefix("-")
        if not name:
            raise InvalidQuery(f"sort: empty field in {text!r}", field="sort")
        keys.append(SortKey(name, descending=part.startswith("-")))
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
    q = request.query_params.get("q")
    options = ListOptions(parse_conditions(request, resource), parse_sort(sort), queries.clamp_limit(limit), cursor, q)
    queries.check_list_options(resource, options)
    return options


def page_body(page: PageResult, next_url: str | None, items: Sequence[orjson.Fragment]) -> dict[str, Any]:
    """The JSON list page: ``api.schemas.Page`` with the ``next`` link (records already serialised)."""
    return {
        "items": list(items),
        "total": page.total,
        "total_exact": page.total_exact,
        "limit": page.limit,
        "next_cursor": page.next_cursor,
        "next": next_url,
    }


def facet_body(facets: dict[str, list[queries.FacetValue]]) -> dict[str, list[dict[str, Any]]]:
    return {
        field: [{"value": facet.value, "label_zh": label(facet.value)[0], "label_en": label(facet.value)[1], "count": facet.count} for facet in values]
        for field, values in facets.items()
    }


def _page_headers(page: PageResult, next_url: str | None, output: OutputFormat) -> dict[str, str]:
    headers = {"X-Total-Count": str(page.total)} if page.total_exact else {}
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    if output.lang:
        headers["Content-Language"] = output.lang
    return headers


async def list_endpoint(
    request: Request,
    resource: Resource,
    options: ListOptions,
    public: type[BaseModel],
    present: Callable[[Session, Sequence[Any]], Sequence[BaseModel]],
) -> Response:
    """The body of every list endpoint: query a page (and facets), present its rows, write the
    page in the negotiated format."""
    output = negotiate(request)
    facet_fields = request.query_params.getlist("facet")
    for field in facet_fields:
        resource.spec(field)

    records: RecordJsonStore = request.app.state.record_json
    known = release.cached_release(request.app.state.engine)

    def work(session: Session) -> tuple[PageResult, Sequence[Any], dict[str, list[queries.FacetValue]]]:
        page = queries.list_rows(session, resource, options)
        facets = {field: queries.facet_counts(session, resource, options.conditions, field, options.q) for field in facet_fields}
        if output.name == "json":
            version = known.version if known else None
            return page, records.fragments(version, public.__name__, page.rows, lambda rows: present(session, rows)), facets
        return page, present(session, page.rows), facets

    page, items, facets = await in_session(request, work)
    next_url = str(request.url.include_query_params(cursor=page.next_cursor)) if page.next_cursor else None
    headers = _page_headers(page, next_url, output)
    if output.name == "csv":
        return StreamingResponse(csv_lines(public, items, output), media_type=output.media_type, headers=headers)
    if output.name == "ndjson":
        return StreamingResponse(ndjson_lines(public, items, output), media_type=output.media_type, headers=headers)
    body = page_body(page, next_url, items)
    if facet_fields:
        body["facets"] = facet_body(facets)
    return Response(json_bytes(body), media_type="application/json", headers=headers)


def each(convert: Callable[[Any], BaseModel]) -> Callable[[Session, Sequence[Any]], list[BaseModel]]:
    """A presenter for rows that need nothing more than their own columns."""
    return lambda _session, rows: [convert(row) for row in rows]
