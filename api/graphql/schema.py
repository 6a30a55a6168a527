"""The GraphQL schema: root fields are thin resolvers over ``api.queries``."""

import logging
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from fastapi import Request
from graphql import GraphQLError
from sqlmodel import Session
from strawberry.extensions import MaskErrors, ParserCache, SchemaExtension, ValidationCache
from strawberry.fastapi import GraphQLRouter
from strawberry.types import ExecutionContext, Info

from api import queries, schemas
from api.datasets import DATASETS, search_results
from api.db import retry_after_s, run_database_work
from api.errors import ApiError, InvalidQuery, ServiceUnavailable
from api.graphql import types
from api.graphql.inputs import conditions_from_where, sort_field_enum, sort_keys, where_input
from api.graphql.limits import CACHE_SIZE, MAX_FIRST, limit_extensions
from api.graphql.loaders import build_loaders
from api.graphql.router import GraphQLEndpoint
from api.queries import ListOptions, PageResult, Resource
from api.vocab import label

NodeT = TypeVar("NodeT")
logger = logging.getLogger("api")


@strawberry.type(description="An item and the cursor that continues after it.")
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type(description="How many of the filtered records have one value of a field.")
class FacetValue:
    value: str | None
    label_zh: str
    label_en: str
    count: int


@strawberry.type(description="Counts of the filtered records by the values of one field.")
class Facet:
    field: str
    values: list[FacetValue]


@strawberry.type(description="A page of a list with its total (Relay connection).")
class Connection(Generic[NodeT]):
    total_count: int = strawberry.field(
        description=f"Records matching the filters, counted up to {queries.EXACT_TOTAL_LIMIT:,} (see totalCountExact)."
    )
    total_count_exact: bool = strawberry.field(
        description=f"false: counting stopped at {queries.EXACT_TOTAL_LIMIT:,}, and more than totalCount match."
    )
    page_info: types.PageInfo
    edges: list[Edge[NodeT]]
    nodes: list[NodeT]
    facets: list[Facet] = strawberry.field(description="Counts by the fields named in the list's facet argument.")


def _sort_input(resource: Resource) -> type:
    enum = sort_field_enum(resource)
    name = enum.__name__.removesuffix("Field")
    namespace: dict[str, Any] = {"__annotations__": {"field": enum, "descending": bool}, "descending": False}
    cls = type(name, (), namespace)
    return strawberry.input(cls, description=f"A sort key for {resource.name.replace('_', ' ')}.")


WHERE = {name: where_input(resource) for name, resource in queries.RESOURCES.items()}
SORT = {name: _sort_input(resource) for name, resource in queries.RESOURCES.items()}


async def _connection(
    info: Info,
    resource: Resource,
    where: Any,
    sort: list[Any] | None,
    first: int,
    after: str | None,
    convert: Callable[[Any], Any],
    q: str | None = None,
    facet: list[str] | None = None,
) -> Connection[Any]:
    options = ListOptions(conditions_from_where(where), sort_keys(sort), queries.clamp_limit(first, MAX_FIRST, name="first"), after, q)
    queries.check_list_options(resource, options)

    for field in facet or ():
        resource.spec(field)

    def work(session: Session) -> tuple[PageResult, list[Any], list[str], dict[str, list[queries.FacetValue]]]:
        counts = {field: queries.facet_counts(session, resource, options.conditions, field, options.q) for field in facet or ()}
        page = queries.list_rows(session, resource, options)
        return page, [convert(row) for row in page.rows], [queries.row_cursor(resource, options, row) for row in page.rows], counts

    page, nodes, cursors, counts = await run_database_work(info.context["engine"], work)
    edges = [Edge(cursor=cursor, node=node) for cursor, node in zip(cursors, nodes, strict=True)]
    return Connection(
        total_count=page.total,
        total_count_exact=page.total_exact,
        page_info=types.PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor),
        edges=edges,
        nodes=nodes,
        facets=[Facet(field=field, values=[_facet_value(value) for value in values]) for field, values in counts.items()],
    )


def _facet_value(facet: queries.FacetValue) -> FacetValue:
    label_zh, label_en = label(facet.value)
    value = None if facet.value is None else str(facet.value).lower() if isinstance(facet.value, bool) else str(facet.value)
    return FacetValue(value=value, label_zh=label_zh, label_en=label_en, count=facet.count)


async def _one(info: Info, fetch: Callable[[Session], Any], convert: Callable[[Any], Any]) -> Any:
    try:
        return await run_database_work(info.context["engine"], lambda session: convert(fetch(session)))
    except queries.NotFound:
        return None


def _section(row: Any) -> types.Section:
    return types.as_type(types.Section, schemas.SectionPublic.from_row(row))


def _report(row: Any) -> types.Report:
    return types.as_type(types.Report, schemas.ReportPublic.from_row(row))


def _indicator(row: Any) -> types.Indicator:
    return types.as_type(types.Indicator, schemas.IndicatorPublic.from_row(row, []))


def _observation(row: Any) -> types.Observation:
    return types.as_type(types.Observation, schemas.ObservationPublic.from_row(row))


def _project(row: Any) -> types.Project:
    return types.as_type(types.Project, schemas.ProjectPublic.from_row(row, []))


def _livelihood_item(row: Any) -> types.LivelihoodItem:
    return types.as_type(types.LivelihoodItem, schemas.LivelihoodItemPublic.from_row(row))


def _goal(row: Any) -> types.FiveYearGoal:
    return types.as_type(types.FiveYearGoal, schemas.FiveYearGoalPublic.from_row(row))


First = Annotated[int, strawberry.argument(description=f"Page size, 1–{MAX_FIRST}.")]
After = Annotated[str | None, strawberry.argument(description="endCursor of the previous page.")]
Facets = Annotated[list[str] | None, strawberry.argument(description="Fields to count the filtered records by (status, category, period …).")]
Q = Annotated[str | None, strawberry.argument(description="Keep the records found by full-text search (Chinese, English, 5G, PM2.5).")]


@strawberry.type
class Query:
    @strawberry.field(description="Reports served by this API.")
    async def reports(
        self, info: Info, where: WHERE["reports"] | None = None, sort: list[SORT["reports"]] | None = None, first: First = 50, after: After = None, q: Q = None, facet: Facets = None  # type: ignore[valid-type]
    ) -> Connection[types.Report]:
        return await _connection(info, queries.REPORTS, where, sort, first, after, _report, q, facet)

    @strawberry.field(description="One report by id (e.g. cixi-2021).")
    async def report(self, info: Info, id: strawberry.ID) -> types.Report | None:  # noqa: A002 - GraphQL's conventional argument name
        return await _one(info, lambda session: queries.get_report(session, key=str(id)), _report)

    @strawberry.field(description="The report's heading tree, in document order.")
    async def sections(
        self, info: Info, where: WHERE["sections"] | None = None, sort: list[SORT["sections"]] | None = None, first: First = 50, after: After = None, q: Q = None, facet: Facets = None  # type: ignore[valid-type]
    ) -> Connection[types.Section]:
        return await _connection(info, queries.SECTIONS, where, sort, first, after, _section, q, facet)

    @strawberry.field(description="One section by id.")
    async def section(self, info: Info, id: strawberry.ID) -> types.Section | None:  # noqa: A002
        return await _one(info, lambda session: queries.get_section(session, key=str(id)), _section)

    @strawberry.field(description="Indicator concepts, each with its observations.")
    async def indicators(
        self, info: Info, where: WHERE["indicators"] | None = None, sort: list[SORT["indicators"]] | None = None, first: First = 50, after: After = None, q: Q = None, facet: Facets = None  # type: ignore[valid-type]
    ) -> Connection[types.Indicator]:
        return await _connection(info, queries.INDICATORS, where, sort, first, after, _indicator, q, facet)

    @strawberry.field(description="One indicator by id (e.g. gdp).")
    async def indicator(self, info: Info, id: strawberry.ID) -> types.Indicator | None:  # noqa: A002
        return await _one(info, lambda session: queries.get_indicator(session, key=str(id)), _indicator)

    @strawberry.field(description="Every number of the report as an observation of an indicator.")
    async def observations(
        self, info: Info, where: WHERE["observations"] | None = None, sort: list[SORT["observations"]] | None = None, first: First = 50, after: After = None, q: Q = None, facet: Facets = None  # type: ignore[valid-type]
    ) -> Connection[types.Observation]:
        return await _connection(info, queries.OBSERVATIONS, where, sort, first, after, _observation, q, facet)

    @strawberry.field(description="One observation by id (e.g. gdp-2020-citywide).")
    async def observation(self, info: Info, id: strawberry.ID) -> types.Observation | None:  # noqa: A002
        return await _one(info, lambda session: queries.get_observation(session, key=str(id)), _observation)

    @strawberry.field(description="Named projects.")
    async def projects(
        self, info: Info, where: WHERE["projects"] | None = None, sort: list[SORT["projects"]] | None = None, first: First = 50, after: After = None, q: Q = None, facet: Facets = None  # type: ignore[valid-type]
    ) -> Connection[types.Project]:
        return await _connection(info, queries.PROJECTS, where, sort, first, after, _project, q, facet)

    @strawberry.field(description="One project by id (e.g. tongsujiayong-railway).")
    async def project(self, info: Info, id: strawberry.ID) -> types.Project | None:  # noqa: A002
        return await _one(info, lambda session: queries.get_project(session, key=str(id)), _project)

    @strawberry.field(description="People's-livelihood (民生) items.")
    async def livelihood_items(
        self, info: Info, where: WHERE["livelihood_items"] | None = None, sort: list[SORT["livelihood_items"]] | None = None, first: First = 50, after: After = None, q: Q = None, facet: Facets = None  # type: ignore[valid-type]
    ) -> Connection[types.LivelihoodItem]:
        return await _connection(info, queries.LIVELIHOOD_ITEMS, where, sort, first, after, _livelihood_item, q, facet)

    @strawberry.field(description="One livelihood item by id.")
    async def livelihood_item(self, info: Info, id: strawberry.ID) -> types.LivelihoodItem | None:  # noqa: A002
        return await _one(info, lambda session: queries.get_livelihood_item(session, key=str(id)), _livelihood_item)

    @strawberry.field(description="14th Five-Year Plan goals, major tasks and the 2035 vision.")
    async def five_year_goals(
        self, info: Info, where: WHERE["five_year_goals"] | None = None, sort: list[SORT["five_year_goals"]] | None = None, first: First = 50, after: After = None, q: Q = None, facet: Facets = None  # type: ignore[valid-type]
    ) -> Connection[types.FiveYearGoal]:
        return await _connection(info, queries.FIVE_YEAR_GOALS, where, sort, first, after, _goal, q, facet)

    @strawberry.field(description="One five-year goal by id.")
    async def five_year_goal(self, info: Info, id: strawberry.ID) -> types.FiveYearGoal | None:  # noqa: A002
        return await _one(info, lambda session: queries.get_five_year_goal(session, key=str(id)), _goal)


    @strawberry.field(description="Full-text search across every dataset, best first.")
    async def search(
        self,
        info: Info,
        q: str,
        kinds: list[str] | None = None,
        report: Annotated[str | None, strawberry.argument(description="Only this report's records (e.g. cixi-2021).")] = None,
        first: Annotated[int, strawberry.argument(description="How many results, 1–100.")] = 20,
    ) -> types.SearchResults:
        unknown = sorted(set(kinds or ()) - set(DATASETS))
        if unknown:
            raise InvalidQuery(f"unknown kind {unknown[0]!r}", field="kinds")
        limit = queries.clamp_limit(first, MAX_FIRST, name="first")

        def work(session: Session) -> schemas.SearchResults:
            hits, total = queries.search_documents(session, q=q, kinds=kinds or (), report=report, limit=limit)
            return search_results(q, hits, total, str(info.context["request"].base_url) + "v1/")

        return types.as_type(types.SearchResults, await run_database_work(info.context["engine"], work))


def _should_mask(error: GraphQLError) -> bool:
    """Hide unexpected errors; keep the API's own messages (bad filter values, unknown kinds)."""
    original = error.original_error
    return original is not None and not isinstance(original, ApiError)


def _code(error: ApiError) -> str:
    return "SERVICE_UNAVAILABLE" if isinstance(error, ServiceUnavailable) else "BAD_USER_INPUT"


class ErrorCodes(SchemaExtension):
    """Labels the API's own errors with the codes most GraphQL clients know: ``BAD_USER_INPUT`` for
    a refusal of a request's values (the client's mistake), ``SERVICE_UNAVAILABLE`` for a database
    outage (worth retrying later)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result is not None else None) or ():
            if isinstance(error.original_error, ApiError):
                error.extensions = {**(error.extensions or {}), "code": _code(error.original_error)}


class OutageStatus(SchemaExtension):
    """An answer left without data by a database outage is an HTTP 503 with ``Retry-After``, as
    REST's is. Partial data (a root field that did not need the database) stays a 200, but no answer
    with errors may be kept by a browser or proxy (``Cache-Control: no-store``; the GET of a query is
    otherwise cacheable, ``api.rest.http_cache``)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result, context = self.execution_context.result, self.execution_context.context
        if result is None or not isinstance(context, dict) or "response" not in context:  # run without HTTP
            return
        if result.errors:
            context["response"].headers["Cache-Control"] = "no-store"
        if _has_data(result.data) or not any(isinstance(error.original_error, ServiceUnavailable) for error in result.errors or ()):
            return
        context["response"].status_code = 503
        context["response"].headers["Retry-After"] = str(retry_after_s(context["request"].app.state.settings.statement_timeout_ms))


def _has_data(data: dict[str, Any] | None) -> bool:
    return data is not None and any(value is not None for value in data.values())


class ApiSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """One warning line for an outage, however many fields it failed; nothing for the API's
        refusals of a request's values (REST logs neither); a traceback for anything else."""
        outages = [original for original in (error.original_error for error in errors) if isinstance(original, ServiceUnavailable)]
        if outages:
            logger.warning("GraphQL: %s (%s)", outages[0].detail, outages[0].extra.get("cause", "no cause given"))
        super().process_errors([error for error in errors if not isinstance(error.original_error, ApiError)], execution_context)


schema = ApiSchema(
    query=Query,
    extensions=[
        *limit_extensions(),
        # Fresh extensions per request share one bounded cache each (strawberry keys it by maxsize).
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        lambda: MaskErrors(should_mask_error=_should_mask),
        ErrorCodes,
        OutageStatus,
    ],
)


async def _context(request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    return {"request": request, "engine": engine, "loaders": build_loaders(engine)}


def graphql_router() -> GraphQLRouter[Any, None]:
    return GraphQLEndpoint(schema, context_getter=_context, include_in_schema=False)
