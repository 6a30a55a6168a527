"""The browse pages: one dataset as a searchable, filterable, sortable table.

A page's query string is the REST list's query string (``status=planned&year=2021&q=…&sort=…``):
it is parsed by the same code as ``/v1/...`` (``api.rest.common.list_options``), so the
"this page as data" links are the same URL under ``/v1``, and a filter rule lives in one place.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from pydantic import BaseModel
from sqlmodel import Session

from api import models, queries
from api.datasets import DATASETS, Dataset
from api.errors import InvalidQuery
from api.queries import Condition, ListOptions
from api.rest.common import list_options
from api.web.i18n import Words
from api.web.links import Params, api_path, link

PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 20
PAGE_ONLY_PARAMS = frozenset({"lang", "format", "bom", "facet"})  # of the page, or of the API's formats: never a filter
FORM_PARAMS = frozenset({"q", "limit", "cursor"})


@dataclass(frozen=True)
class Column:
    heading: str
    sort: str | None = None


@dataclass(frozen=True)
class Listing:
    """How one dataset is browsed: its facets, its table columns, and what its rows need besides."""

    dataset: Dataset
    facets: tuple[str, ...]
    columns: tuple[Column, ...]
    extras: Callable[[Session, Sequence[Any]], dict[str, Any]] = lambda _session, _rows: {}

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def path(self) -> str:
        return f"/{self.dataset.path}"


def _indicator_names(session: Session, rows: Sequence[Any]) -> dict[str, Any]:
    return {"indicators": queries.rows_by_ids(session, models.Indicator, [row.indicator_id for row in rows if row.indicator_id])}


LISTINGS: dict[str, Listing] = {
    listing.name: listing
    for listing in (
        Listing(
            DATASETS["indicators"],
            ("topic",),
            (Column("col.name", "name_zh"), Column("col.topic", "topic"), Column("col.observations")),
        ),
        Listing(
            DATASETS["observations"],
            ("status", "period", "measure", "topic"),
            (
                Column("col.indicator", "indicator_id"),
                Column("col.period", "period"),
                Column("col.status", "status"),
                Column("col.value", "value"),
                Column("col.quote", "char_start"),
            ),
            _indicator_names,
        ),
        Listing(
            DATASETS["projects"],
            ("status", "category", "year", "flagship"),
            (
                Column("col.name", "name_zh"),
                Column("col.category", "category"),
                Column("col.status", "status"),
                Column("col.year", "year"),
                Column("col.flagship", "flagship"),
            ),
        ),
        Listing(
            DATASETS["livelihood_items"],
            ("status", "category", "year"),
            (
                Column("col.description", "char_start"),
                Column("col.category", "category"),
                Column("col.status", "status"),
                Column("col.year", "year"),
                Column("col.value", "value"),
            ),
        ),
        Listing(
            DATASETS["five_year_goals"],
            ("plan", "kind", "dimension"),
            (
                Column("col.description", "char_start"),
                Column("col.kind", "kind"),
                Column("col.dimension", "dimension"),
                Column("col.target", "target_value"),
            ),
        ),
    )
}


@dataclass(frozen=True)
class BrowseQuery:
    """A browse page's request: its non-empty parameters and the query-layer options they make."""

    params: tuple[tuple[str, str], ...]
    options: ListOptions

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.params if key == name), None)

    def without(self, *names: str) -> list[tuple[str, str]]:
        return [(key, value) for key, value in self.params if key not in names]


def browse_query(request: Request, listing: Listing) -> BrowseQuery:
    """Parse and validate a browse page's query string, before any SQL runs.

    Empty fields of the filter form (``status=``) mean "any" and are dropped; the rest is
    handed to the REST parser on an equivalent request."""
    params = tuple((key, value) for key, value in request.query_params.multi_items() if value.strip() and key not in PAGE_ONLY_PARAMS)
    limit = _page_size(next((value for key, value in params if key == "limit"), None))
    cleaned = Request({**request.scope, "query_string": urlencode(params).encode()})
    values = dict(params)
    options = list_options(cleaned, listing.dataset.resource, limit, values.get("cursor"), values.get("sort"))
    return BrowseQuery(params, options)


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise InvalidQuery(f"limit: {raw!r} is not a whole number", field="limit") from None
    if not 1 <= size <= queries.MAX_PAGE_SIZE:
        raise InvalidQuery(f"limit must be between 1 and {queries.MAX_PAGE_SIZE} (got {size})", field="limit")
    return size


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    field: str
    heading: str
    options: tuple[FacetOption, ...]


@dataclass(frozen=True)
class SortLink:
    column: Column
    href: str | None
    state: str  # ascending | descending | none


@dataclass
class BrowseView:
    listing: Listing
    query: BrowseQuery
    records: Sequence[BaseModel]
    total: int
    total_exact: bool
    limit: int
    next_href: str | None
    first_href: str | None
    facets: list[Facet]
    hidden: list[tuple[str, str]]
    sort_links: list[SortLink]
    json_href: str
    csv_href: str
    extras: dict[str, Any] = field(default_factory=dict)


def _facet_selected(query: BrowseQuery, name: str) -> str | None:
    return query.value(name) or query.value(f"{name}__exact")


def _same_field(listing: Listing, condition: Condition, name: str) -> bool:
    resource = listing.dataset.resource
    return resource.aliases.get(condition.field, condition.field) == name


def _facet(session: Session, listing: Listing, query: BrowseQuery, name: str, words: Words) -> Facet:
    """Counts by ``name`` under every filter but the one on ``name`` itself, so the choice
    lists the alternatives and not only the current value."""
    others = [c for c in query.options.conditions if not _same_field(listing, c, name)]
    values = queries.facet_counts(session, listing.dataset.resource, others, name, query.options.q)
    selected = _facet_selected(query, name)
    options = tuple(
        FacetOption(_as_param(facet.value), words.label(facet.value), facet.count, _as_param(facet.value) == selected)
        for facet in values
        if facet.value is not None
    )
    return Facet(name, f"col.{name}", options)


def _as_param(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _sort_link(words: Words, listing: Listing, query: BrowseQuery, column: Column) -> SortLink:
    if column.sort is None:
        return SortLink(column, None, "none")
    key = _in_language(listing, column.sort, words.lang)
    current = query.value("sort") or ""
    state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
    wanted = f"-{key}" if state == "ascending" else key
    return SortLink(column, link(words.lang, listing.path, [*query.without("sort", "cursor"), ("sort", wanted)]), state)


def _in_language(listing: Listing, key: str, lang: str) -> str:
    """A name column sorts by the names the page shows: name_en on an English page."""
    english = key.removesuffix("_zh") + "_en"
    return english if lang == "en" and key.endswith("_zh") and english in listing.dataset.resource.fields else key


def browse(session: Session, listing: Listing, query: BrowseQuery, words: Words) -> BrowseView:
    """One page of the table, its facets and its links: a bounded number of statements
    (count, rows, one per facet, and the presenter's batched lookups)."""
    page = queries.list_rows(session, listing.dataset.resource, query.options)
    records = listing.dataset.present(session, page.rows)
    facets = [_facet(session, listing, query, name, words) for name in listing.facets]
    controlled = {*FORM_PARAMS, *(name for name in listing.facets), *(f"{name}__exact" for name in listing.facets)}
    data_params: Params = [*query.without("limit"), ("limit", str(page.limit))]
    return BrowseView(
        listing=listing,
        query=query,
        records=records,
        total=page.total,
        total_exact=page.total_exact,
        limit=page.limit,
        next_href=link(words.lang, listing.path, [*query.without("cursor"), ("cursor", page.next_cursor)]) if page.next_cursor else None,
        first_href=link(words.lang, listing.path, query.without("cursor")) if query.options.cursor else None,
        facets=facets,
        hidden=[(key, value) for key, value in query.params if key not in controlled],
        sort_links=[_sort_link(words, listing, query, column) for column in listing.columns],
        json_href=api_path(listing.name, params=data_params),
        csv_href=api_path(listing.name, params=[*data_params, ("format", "csv")]),
        extras=listing.extras(session, page.rows),
    )
