"""The query layer: every statement the API runs is built here, for REST and GraphQL alike.

Plain functions, session first, options keyword-only. A filter, a sort key, a page size
or a cursor rule lives here once; the transports only translate their syntax into
``Condition``/``SortKey`` values and call these functions.
"""

import base64
import binascii
import heapq
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlalchemy import Column, ColumnElement, Integer, MetaData, Result, Table, Text, and_, case, cast, false, func, literal_column, or_
from sqlalchemy.sql import Executable
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from api import models, search, verify
from api.coverage import CoverageReport, coverage_report
from api.errors import InvalidQuery, NotFound
from api.ingest.keys import KEY_PATTERN

ModelT = TypeVar("ModelT", bound=SQLModel)

OPERATORS = ("exact", "not", "in", "gt", "gte", "lt", "lte", "contains", "isnull", "overlaps")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
KEY = re.compile(KEY_PATTERN)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"  # unpadded URL-safe base64, as encode_cursor writes it


@dataclass(frozen=True)
class FieldSpec:
    """A filterable field: its SQL expression, value type and allowed operators."""

    expression: Callable[[], ColumnElement[Any]]
    kind: type = str
    operators: tuple[str, ...] = ("exact", "not", "in", "isnull")
    sortable: bool = False
    through: "ForeignField | None" = None


@dataclass(frozen=True)
class ForeignField:
    """A column of another table reached by a foreign key. A filter on it is a semi-join
    (``key IN (SELECT id FROM other WHERE column …)``), which the two tables' indexes serve;
    compared as a correlated subquery, every row of the list would be read."""

    key: Callable[[], ColumnElement[Any]]
    target: Callable[[], ColumnElement[Any]]
    column: Callable[[], ColumnElement[Any]]


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    value: Any


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class ListOptions:
    conditions: Sequence[Condition] = ()
    sort: Sequence[SortKey] = ()
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None
    q: str | None = None


@dataclass
class PageResult:
    rows: list[Any]
    total: int
    limit: int
    next_cursor: str | None
    total_exact: bool = True  # False: more than ``total`` rows match (see ``count_up_to``)


@dataclass(frozen=True)
class Resource:
    """What a list endpoint of one table may filter and sort on."""

    name: str
    model: type[SQLModel]
    fields: dict[str, FieldSpec]
    default_sort: tuple[SortKey, ...]
    aliases: dict[str, str] = field(default_factory=dict)

    def spec(self, name: str) -> FieldSpec:
        key = self.aliases.get(name, name)
        if key not in self.fields:
            raise InvalidQuery(f"unknown field {name!r} for {self.name}", field=name, allowed=sorted(self.fields))
        return self.fields[key]

    def sortable_fields(self) -> list[str]:
        return sorted(name for name, spec in self.fields.items() if spec.sortable)


# field specs ----------------------------------------------------------------

TEXT_OPS = ("exact", "not", "in", "contains", "isnull")
NUMBER_OPS = ("exact", "not", "in", "gt", "gte", "lt", "lte", "isnull")


def _column(model: type[SQLModel], name: str) -> Callable[[], ColumnElement[Any]]:
    return lambda: getattr(model, name)


def _text(model: type[SQLModel], name: str, *, sortable: bool = True) -> FieldSpec:
    return FieldSpec(_column(model, name), str, TEXT_OPS, sortable)


def _keyword(model: type[SQLModel], name: str, *, sortable: bool = True) -> FieldSpec:
    return FieldSpec(_column(model, name), str, ("exact", "not", "in", "isnull"), sortable)


def _number(model: type[SQLModel], name: str, kind: type = int) -> FieldSpec:
    return FieldSpec(_column(model, name), kind, NUMBER_OPS, True)


def _provenance_fields(model: type[SQLModel]) -> dict[str, FieldSpec]:
    return {
        "section_id": _keyword(model, "section_id"),
        "quote": _text(model, "quote", sortable=False),
        "char_start": _number(model, "char_start"),
    }


def _indicator_topic() -> ColumnElement[Any]:
    return (
        select(models.Indicator.topic)
        .where(models.Indicator.id == models.Observation.indicator_id)
        .scalar_subquery()
    )


REPORTS = Resource(
    "reports",
    models.Report,
    {"id": _keyword(models.Report, "id"), "year": _number(models.Report, "year"), "region_zh": _text(models.Report, "region_zh")},
    (SortKey("id"),),
)
SECTIONS = Resource(
    "sections",
    models.Section,
    {
        "id": _keyword(models.Section, "id"),
        "report_id": _keyword(models.Section, "report_id"),
        "parent_id": _keyword(models.Section, "parent_id"),
        "level": _keyword(models.Section, "level"),
        "number": _keyword(models.Section, "number"),
        "depth": _number(models.Section, "depth"),
        "position": _number(models.Section, "position"),
        "heading_zh": _text(models.Section, "heading_zh"),
        "heading_en": _text(models.Section, "heading_en"),
        "char_start": _number(models.Section, "char_start"),
    },
    (SortKey("position"),),
    {"report": "report_id", "parent": "parent_id"},
)
INDICATORS = Resource(
    "indicators",
    models.Indicator,
    {
        "id": _keyword(models.Indicator, "id"),
        "topic": _keyword(models.Indicator, "topic"),
        "name_zh": _text(models.Indicator, "name_zh"),
        "name_en": _text(models.Indicator, "name_en"),
    },
    (SortKey("id"),),
)
OBSERVATIONS = Resource(
    "observations",
    models.Observation,
    {
        "id": _keyword(models.Observation, "id"),
        "report_id": _keyword(models.Observation, "report_id"),
        "indicator_id": _keyword(models.Observation, "indicator_id"),
        "topic": FieldSpec(
            _indicator_topic,
            str,
            ("exact", "not", "in"),
            False,
            ForeignField(_column(models.Observation, "indicator_id"), _column(models.Indicator, "id"), _column(models.Indicator, "topic")),
        ),
        "period": FieldSpec(_column(models.Observation, "period"), str, ("exact", "not", "in", "overlaps"), True),
        "period_start": _number(models.Observation, "period_start"),
        "period_end": _number(models.Observation, "period_end"),
        "status": _keyword(models.Observation, "status"),
        "measure": _keyword(models.Observation, "measure"),
        "scope": _keyword(models.Observation, "scope"),
        "value": _number(models.Observation, "value", float),
        "base_value": _number(models.Observation, "base_value", float),
        "unit": _keyword(models.Observation, "unit"),
        "unit_code": _keyword(models.Observation, "unit_code"),
        "qualifier": _keyword(models.Observation, "qualifier"),
        "direction": _keyword(models.Observation, "direction"),
        **_provenance_fields(models.Observation),
    },
    (SortKey("char_start"),),
    {"indicator": "indicator_id", "section": "section_id", "report": "report_id"},
)
PROJECTS = Resource(
    "projects",
    models.Project,
    {
        "id": _keyword(models.Project, "id"),
        "report_id": _keyword(models.Project, "report_id"),
        "category": _keyword(models.Project, "category"),
        "status": _keyword(models.Project, "status"),
        "year": _number(models.Project, "year"),
        "flagship": FieldSpec(_column(models.Project, "flagship"), bool, ("exact",), True),
        "name_zh": _text(models.Project, "name_zh"),
        "name_en": _text(models.Project, "name_en"),
        **_provenance_fields(models.Project),
    },
    (SortKey("char_start"),),
    {"section": "section_id", "report": "report_id"},
)
LIVELIHOOD_ITEMS = Resource(
    "livelihood_items",
    models.LivelihoodItem,
    {
        "id": _keyword(models.LivelihoodItem, "id"),
        "report_id": _keyword(models.LivelihoodItem, "report_id"),
        "category": _keyword(models.LivelihoodItem, "category"),
        "status": _keyword(models.LivelihoodItem, "status"),
        "year": _number(models.LivelihoodItem, "year"),
        "value": _number(models.LivelihoodItem, "value", float),
        "unit": _keyword(models.LivelihoodItem, "unit"),
        "description_zh": _text(models.LivelihoodItem, "description_zh"),
        "description_en": _text(models.LivelihoodItem, "description_en"),
        **_provenance_fields(models.LivelihoodItem),
    },
    (SortKey("char_start"),),
    {"section": "section_id", "report": "report_id"},
)
FIVE_YEAR_GOALS = Resource(
    "five_year_goals",
    models.FiveYearGoal,
    {
        "id": _keyword(models.FiveYearGoal, "id"),
        "report_id": _keyword(models.FiveYearGoal, "report_id"),
        "plan": _keyword(models.FiveYearGoal, "plan"),
        "kind": _keyword(models.FiveYearGoal, "kind"),
        "dimension": _keyword(models.FiveYearGoal, "dimension"),
        "indicator_id": _keyword(models.FiveYearGoal, "indicator_id"),
        "target_value": _number(models.FiveYearGoal, "target_value", float),
        "description_zh": _text(models.FiveYearGoal, "description_zh"),
        "description_en": _text(models.FiveYearGoal, "description_en"),
        **_provenance_fields(models.FiveYearGoal),
    },
    (SortKey("char_start"),),
    {"indicator": "indicator_id", "section": "section_id", "report": "report_id"},
)
RESOURCES = {r.name: r for r in (REPORTS, SECTIONS, INDICATORS, OBSERVATIONS, PROJECTS, LIVELIHOOD_ITEMS, FIVE_YEAR_GOALS)}


# values, conditions, sorting ------------------------------------------------


def coerce_value(spec: FieldSpec, name: str, raw: Any) -> Any:
    """Turn a transport's value (a query-string text, or a typed GraphQL value) into the field's type."""
    if isinstance(raw, str) and "\x00" in raw:  # no text of the report holds U+0000, and PostgreSQL cannot compare with it
        raise InvalidQuery(f"{name}: a value may not contain the character U+0000", field=name)
    if raw is None or isinstance(raw, spec.kind) and not (spec.kind is int and isinstance(raw, bool)):
        return raw
    text = str(raw).strip()
    try:
        if spec.kind is bool:
            if text.lower() in ("true", "1", "yes"):
                return True
            if text.lower() in ("false", "0", "no"):
                return False
            raise ValueError(text)
        if spec.kind is int:
            return _whole_number(int(text))
        if spec.kind is float:
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(text)
            return value
    except ValueError:
        expected = f"a whole number from {INT_MIN} to {INT_MAX}" if spec.kind is int else f"a valid {spec.kind.__name__}"
        raise InvalidQuery(f"{name}: {raw!r} is not {expected}", field=name) from None
    return text


def _whole_number(value: int) -> int:
    """Whole-number columns are 32-bit (SQL INTEGER, as GraphQL's Int): a value beyond can match
    nothing, and would make PostgreSQL fail rather than say so."""
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(value)
    return value


def _period_bounds(name: str, text: str) -> tuple[int, int]:
    start, _, end = str(text).partition("/")
    try:
        return _whole_number(int(start)), _whole_number(int(end or start))
    except ValueError:
        raise InvalidQuery(f"{name}: {text!r} is not a year or a year interval like 2021/2025", field=name) from None


def condition_clause(resource: Resource, condition: Condition) -> ColumnElement[bool]:
    spec = resource.spec(condition.field)
    if spec.through is not None:
        return _foreign_clause(resource, condition, spec.through)
    name = f"{condition.field}__{condition.operator}"
    if condition.operator not in spec.operators:
        raise InvalidQuery(
            f"operator {condition.operator!r} is not allowed on {condition.field!r}",
            field=name,
            allowed=list(spec.operators),
        )
    column = spec.expression()
    operator, raw = condition.operator, condition.value
    if operator == "isnull":
        wanted = coerce_value(FieldSpec(spec.expression, bool), name, raw)
        return column.is_(None) if wanted else column.is_not(None)
    if operator == "overlaps":
        start, end = _period_bounds(name, raw)
        model: Any = resource.model
        return and_(model.period_start <= end, model.period_end >= start)
    if operator == "in":
        values = raw if isinstance(raw, list | tuple) else [part for part in str(raw).split(",") if part != ""]
        if not values:
            return false()
        return column.in_([coerce_value(spec, name, value) for value in values])
    value = coerce_value(spec, name, raw)
    if operator == "contains":
        return column.contains(str(value), autoescape=True)
    comparisons: dict[str, Callable[[Any], ColumnElement[bool]]] = {
        "exact": lambda v: column == v,
        "not": lambda v: or_(column != v, column.is_(None)),
        "gt": lambda v: column > v,
        "gte": lambda v: column >= v,
        "lt": lambda v: column < v,
        "lte": lambda v: column <= v,
    }
    return comparisons[operator](value)


def _foreign_clause(resource: Resource, condition: Condition, through: ForeignField) -> ColumnElement[bool]:
    spec = replace(resource.spec(condition.field), expression=through.column, through=None)
    local = Resource(resource.name, resource.model, {condition.field: spec}, resource.default_sort)
    if condition.operator == "not":  # rows whose foreign value is not this one (or is null)
        matching = condition_clause(local, Condition(condition.field, "exact", condition.value))
        return through.key().not_in(select(through.target()).where(matching))
    return through.key().in_(select(through.target()).where(condition_clause(local, condition)))


def _sort_keys(resource: Resource, sort: Sequence[SortKey]) -> list[SortKey]:
    keys: list[SortKey] = []
    for key in sort or resource.default_sort:
        spec = resource.spec(key.field)
        if not spec.sortable:
            raise InvalidQuery(f"cannot sort on {key.field!r}", field="sort", allowed=resource.sortable_fields())
        keys.append(SortKey(resource.aliases.get(key.field, key.field), key.descending))
    if not any(key.field == "id" for key in keys):
        keys.append(SortKey("id"))
    return keys


def _order_components(resource: Resource, keys: list[SortKey]) -> list[tuple[ColumnElement[Any], bool]]:
    """Each key sorts nulls last: (is-null flag ascending, value in the asked direction)."""
    components: list[tuple[ColumnElement[Any], bool]] = []
    for key in keys:
        column = resource.fields[key.field].expression()
        components.append((case((column.is_(None), 1), else_=0), False))
        components.append((column, key.descending))
    return components


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: Sequence[type]) -> list[Any]:
    """The (null flag, value) pairs of a cursor for sort keys of these kinds. Anything else is
    refused here: a value of another type would reach SQL (and PostgreSQL would refuse it there)."""
    try:
        if not re.fullmatch(CURSOR_PATTERN, cursor):
            raise ValueError(cursor)
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidQuery("cursor is not one this API issued", field="cursor") from None
    if not isinstance(values, list) or len(values) != 2 * len(kinds):
        raise InvalidQuery("cursor does not match this sort order", field="cursor")
    pairs = zip(values[::2], values[1::2], kinds, strict=True)
    if not all(flag in (0, 1) and not isinstance(flag, bool) and _is_cursor_value(value, kind) for flag, value, kind in pairs):
        raise InvalidQuery("cursor is not one this API issued", field="cursor")
    return values


def _is_cursor_value(value: Any, kind: type) -> bool:
    if value is None:
        return True
    if isinstance(value, bool) or kind is bool:
        return isinstance(value, bool) and kind is bool
    if kind is float:
        return isinstance(value, int | float)
    if kind is int:
        return isinstance(value, int) and INT_MIN <= value <= INT_MAX
    return isinstance(value, kind) and not (isinstance(value, str) and "\x00" in value)


def _sort_kinds(resource: Resource, keys: list[SortKey]) -> list[type]:
    return [resource.fields[key.field].kind for key in keys]


def check_list_options(resource: Resource, options: ListOptions) -> None:
    """Refuse invalid list options (filters, search words, sort keys, cursor) before any SQL runs."""
    if options.q is not None:
        validate_search_query(options.q)
    for condition in options.conditions:
        condition_clause(resource, condition)
    keys = _sort_keys(resource, options.sort)
    if options.cursor:
        decode_cursor(options.cursor, _sort_kinds(resource, keys))


def _after_cursor(components: list[tuple[ColumnElement[Any], bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after the cursor in the lexicographic order of the components."""
    disjuncts = []
    for index, (column, descending) in enumerate(components):
        value = values[index]
        if value is None:
            continue
        equal_prefix = [c == v if v is not None else c.is_(None) for (c, _), v in zip(components[:index], values[:index], strict=True)]
        beyond = column < value if descending else column > value
        disjuncts.append(and_(*equal_prefix, beyond))
    return or_(*disjuncts) if disjuncts else false()


def clamp_limit(limit: int, maximum: int = MAX_PAGE_SIZE, *, name: str = "limit") -> int:
    """A page size: at most ``maximum``; below 1 it is refused (``name`` is what the transport calls it)."""
    if limit < 1:
        raise InvalidQuery(f"{name} must be at least 1 (got {limit})", field=name)
    return min(limit, maximum)


def filtered(resource: Resource, conditions: Sequence[Condition], q: str | None = None, *, dialect: str = "sqlite") -> SelectOfScalar[Any]:
    statement = select(resource.model)
    for condition in conditions:
        statement = statement.where(condition_clause(resource, condition))
    if q is not None:
        model: Any = resource.model
        matching = select(models.SearchDocument.record_id).where(models.SearchDocument.kind == resource.name, _text_match(q, dialect))
        statement = statement.where(model.id.in_(matching))
    return statement


EXACT_TOTAL_LIMIT = 10_000


@dataclass(frozen=True)
class Total:
    """How many rows match: ``count`` exactly, or, when ``exact`` is false, more than ``count``."""

    count: int
    exact: bool


def count_up_to(session: Session, statement: SelectOfScalar[Any], limit: int | None = None) -> Total:
    """The rows ``statement`` selects, counted exactly up to ``limit``.

    An exact count reads every matching row (or index entry), so it grows with the data: over
    every report, hundreds of thousands. Past ``limit`` the count stops and says so; a page of
    one report (a few thousand rows at most) is always counted exactly."""
    limit = EXACT_TOTAL_LIMIT if limit is None else limit
    rows = statement.with_only_columns(literal_column("1"), maintain_column_froms=True).limit(limit + 1)
    counted = run_read(session, select(func.count()).select_from(rows.subquery())).scalar_one()
    return Total(min(counted, limit), counted <= limit)


# full-text search ------------------------------------------------------------

_FTS = Table("search_fts", MetaData(), Column("rowid", Integer), Column("tokens", Text))
_DOCUMENT_ROWID = literal_column("search_documents.rowid")


def _terms(q: str) -> list[search.QueryTerm]:
    terms = search.query_terms(q)
    if not terms:
        raise InvalidQuery("q: give at least one word or Chinese character to search for", field="q")
    return terms


def validate_search_query(q: str) -> None:
    _terms(q)


def _tsvector() -> ColumnElement[Any]:
    """PostgreSQL's stored tsvector of the tokens (made by the migrations; not a model column)."""
    from sqlalchemy.dialects.postgresql import TSVECTOR  # only PostgreSQL searches this way; SQLite serving never loads the dialect

    return literal_column("search_documents.tokens_tsv", type_=TSVECTOR)


def _text_match(q: str, dialect: str) -> ColumnElement[bool]:
    terms = _terms(q)
    if dialect == "sqlite":
        rowids = select(_FTS.c.rowid).where(literal_column("search_fts").op("MATCH")(search.fts5_query(terms)))
        return _DOCUMENT_ROWID.in_(rowids)
    from sqlalchemy.dialects.postgresql import TSQUERY

    return _tsvector().op("@@")(cast(search.tsquery(terms), TSQUERY))


@dataclass
class SearchHit:
    document: models.SearchDocument
    score: float


def search_documents(
    session: Session, *, q: str, kinds: Sequence[str] = (), report: str | None = None, limit: int = 20
) -> tuple[list[SearchHit], int]:
    """Records matching every word of ``q``, best first, and how many match in all.

    The engine's index finds the matches; the ranking is computed here from the tokens
    (``api.search.relevance``), so SQLite and PostgreSQL order results identically. Every
    match is ranked, so only the columns the ranking reads are fetched for each; whole
    documents only for the results returned.
    """
    limit = clamp_limit(limit, 100)
    terms = _terms(q)
    document = models.SearchDocument
    statement = select(document.id, document.kind, document.record_id, document.title_zh, document.title_en, document.tokens)
    statement = statement.where(_text_match(q, _dialect(session)))
    if kinds:
        statement = statement.where(document.kind.in_(list(kinds)))
    if report is not None:
        statement = statement.where(document.report_id == report)
    rows = run_read(session, statement)
    ranked = ((-search.relevance(f"{row.title_zh} {row.title_en}", row.tokens, terms), row.kind, row.record_id, row.id) for row in rows)
    matches = itertools.count()  # zip draws one number per match, and none after the last: the best are kept, not all
    best = heapq.nsmallest(limit, (key for key, _ in zip(ranked, matches, strict=False)))
    documents = rows_by_ids(session, models.SearchDocument, [key for *_, key in best])
    return [SearchHit(documents[key], -negated) for negated, _, _, key in best], next(matches)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


FACETABLE_KINDS = (str, int, bool)


@dataclass(frozen=True)
class FacetValue:
    value: Any
    count: int


def facet_counts(
    session: Session, resource: Resource, conditions: Sequence[Condition], field: str, q: str | None = None
) -> list[FacetValue]:
    """Counts of the filtered rows by the values of ``field`` (most frequent first, then by value)."""
    spec = resource.spec(field)
    if spec.kind not in FACETABLE_KINDS or spec.operators == TEXT_OPS:
        raise InvalidQuery(f"cannot facet on {field!r}", field="facet", allowed=facetable_fields(resource))
    column = spec.expression().label("facet_value")
    statement = select(column, func.count().label("n")).select_from(resource.model)
    for condition in conditions:
        statement = statement.where(condition_clause(resource, condition))
    if q is not None:
        matching = filtered(resource, (), q, dialect=_dialect(session)).with_only_columns(resource.model.id)  # type: ignore[attr-defined]
        statement = statement.where(resource.model.id.in_(matching))  # type: ignore[attr-defined]
    statement = statement.group_by(column).order_by(func.count().desc(), column)
    return [FacetValue(value, int(count)) for value, count in run_read(session, statement)]


def facetable_fields(resource: Resource) -> list[str]:
    return sorted(name for name, spec in resource.fields.items() if spec.kind in FACETABLE_KINDS and spec.operators != TEXT_OPS)


def list_rows(session: Session, resource: Resource, options: ListOptions) -> PageResult:
    """One keyset page of ``resource`` rows: filtered, in a stable order, with the total
    (exact up to ``EXACT_TOTAL_LIMIT``)."""
    limit = clamp_limit(options.limit)
    matching = filtered(resource, options.conditions, options.q, dialect=_dialect(session))
    keys = _sort_keys(resource, options.sort)
    components = _order_components(resource, keys)
    statement = matching
    if options.cursor:
        statement = statement.where(_after_cursor(components, decode_cursor(options.cursor, _sort_kinds(resource, keys))))
    statement = statement.order_by(*(c.desc() if d else c.asc() for c, d in components)).limit(limit + 1)
    rows = plain_rows(session, statement)
    has_more = len(rows) > limit
    rows = rows[:limit]
    # A first page that holds every match is its own total: no second statement to count them.
    total = count_up_to(session, matching) if options.cursor or has_more else Total(len(rows), exact=True)
    next_cursor = encode_cursor(_cursor_values(rows[-1], keys)) if has_more and rows else None
    return PageResult(rows=rows, total=total.count, limit=limit, next_cursor=next_cursor, total_exact=total.exact)


def all_rows(session: Session, resource: Resource) -> list[Any]:
    """Every row of ``resource`` in its default order (the order of its pages), in one statement."""
    components = _order_components(resource, _sort_keys(resource, ()))
    return plain_rows(session, select(resource.model).order_by(*(c.desc() if d else c.asc() for c, d in components)))


def row_cursor(resource: Resource, options: ListOptions, row: Any) -> str:
    """The cursor that continues a listing right after ``row`` (a Relay edge cursor)."""
    return encode_cursor(_cursor_values(row, _sort_keys(resource, options.sort)))


def _cursor_values(row: Any, keys: list[SortKey]) -> list[Any]:
    values: list[Any] = []
    for key in keys:
        value = getattr(row, key.field)
        values.extend([1 if value is None else 0, value])
    return values


def run_read(session: Session, statement: Executable) -> Result[Any]:
    """Run a read as a Core statement on the session's connection, in its transaction.

    The ORM path (``session.exec``) builds an ORM compile state even for statements that select
    plain columns (with fetchall for lists: R-mix, 6,524 distinct reads, 414 -> 516 req/s)."""
    return session.connection().execute(statement)


def plain_rows(session: Session, statement: SelectOfScalar[Any]) -> list[Any]:
    """The rows of a ``select(Model)`` as plain rows (``row.id``, ``row.quote`` …), not ORM objects.

    Nothing here writes a row back, and building and tracking an ORM object per row cost about
    as much as the query itself on a 50-row page."""
    return list(run_read(session, statement).all())


def _first(rows: list[Any]) -> Any:
    return rows[0] if rows else None


def get_row(session: Session, model: type[ModelT], key: str, kind: str) -> ModelT:
    if not KEY.fullmatch(key):  # not an id of any record: no need to ask the database
        raise NotFound(kind, key)
    row = _first(plain_rows(session, select(model).where(model.id == key)))  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(kind, key)
    return row


# resources ------------------------------------------------------------------


def list_reports(session: Session, *, options: ListOptions) -> PageResult:
    return list_rows(session, REPORTS, options)


def get_report(session: Session, *, key: str) -> models.Report:
    return get_row(session, models.Report, key, "report")


def list_sections(session: Session, *, options: ListOptions) -> PageResult:
    return list_rows(session, SECTIONS, options)


def get_section(session: Session, *, key: str) -> models.Section:
    return get_row(session, models.Section, key, "section")


def list_indicators(session: Session, *, options: ListOptions) -> PageResult:
    return list_rows(session, INDICATORS, options)


def get_indicator(session: Session, *, key: str) -> models.Indicator:
    return get_row(session, models.Indicator, key, "indicator")


def list_observations(session: Session, *, options: ListOptions) -> PageResult:
    return list_rows(session, OBSERVATIONS, options)


def get_observation(session: Session, *, key: str) -> models.Observation:
    return get_row(session, models.Observation, key, "observation")


def list_projects(session: Session, *, options: ListOptions) -> PageResult:
    return list_rows(session, PROJECTS, options)


def get_project(session: Session, *, key: str) -> models.Project:
    return get_row(session, models.Project, key, "project")


def list_livelihood_items(session: Session, *, options: ListOptions) -> PageResult:
    return list_rows(session, LIVELIHOOD_ITEMS, options)


def get_livelihood_item(session: Session, *, key: str) -> models.LivelihoodItem:
    return get_row(session, models.LivelihoodItem, key, "livelihood item")


def list_five_year_goals(session: Session, *, options: ListOptions) -> PageResult:
    return list_rows(session, FIVE_YEAR_GOALS, options)


def get_five_year_goal(session: Session, *, key: str) -> models.FiveYearGoal:
    return get_row(session, models.FiveYearGoal, key, "five-year goal")


# batched lookups (one statement for many parents: no N+1) --------------------


def observations_for_indicators(session: Session, *, indicator_ids: Sequence[str]) -> dict[str, list[models.Observation]]:
    grouped: dict[str, list[models.Observation]] = {key: [] for key in indicator_ids}
    if not indicator_ids:
        return grouped
    statement = (
        select(models.Observation)
        .where(models.Observation.indicator_id.in_(list(set(indicator_ids))))
        .order_by(models.Observation.period_start, models.Observation.char_start, models.Observation.id)
    )
    for observation in plain_rows(session, statement):
        grouped[observation.indicator_id].append(observation)
    return grouped


def mentions_for_projects(session: Session, *, project_ids: Sequence[str]) -> dict[str, list[models.ProjectMention]]:
    grouped: dict[str, list[models.ProjectMention]] = {key: [] for key in project_ids}
    if not project_ids:
        return grouped
    statement = (
        select(models.ProjectMention)
        .where(models.ProjectMention.project_id.in_(list(set(project_ids))))
        .order_by(models.ProjectMention.char_start, models.ProjectMention.id)
    )
    for mention in plain_rows(session, statement):
        grouped[mention.project_id].append(mention)
    return grouped


def rows_by_ids(session: Session, model: type[ModelT], ids: Sequence[str]) -> dict[str, ModelT]:
    """Many rows of one table by primary key in one statement."""
    wanted = [key for key in set(ids) if key is not None]
    if not wanted:
        return {}
    column: Any = model.id  # type: ignore[attr-defined]
    return {row.id: row for row in plain_rows(session, select(model).where(column.in_(wanted)))}


SENTENCE_ENDS = "。!?!?\n"


@dataclass(frozen=True)
class Passage:
    report: models.Report
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    section: models.Section | None

    @property
    def text(self) -> str:
        return self.report.text[self.start : self.end]

    @property
    def sentence(self) -> str:
        return self.report.text[self.sentence_start : self.sentence_end].strip()


def report_text_passage(session: Session, *, key: str, start: int, end: int) -> Passage:
    """A passage of the text, the whole sentences around it, and the deepest section holding it."""
    report = get_report(session, key=key)
    if not 0 <= start <= end <= report.char_count:
        raise InvalidQuery(f"start/end must satisfy 0 <= start <= end <= {report.char_count}", field="start")
    text = report.text
    sentence_start = max((text.rfind(mark, 0, start) for mark in SENTENCE_ENDS), default=-1) + 1
    ends = [position for mark in SENTENCE_ENDS if (position := text.find(mark, max(end - 1, 0))) != -1]
    sentence_end = min(ends) + 1 if ends else len(text)
    section = session.exec(
        select(models.Section)
        .where(models.Section.report_id == key, models.Section.char_start <= start, models.Section.char_end >= end)
        .order_by(models.Section.depth.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    return Passage(report, start, end, sentence_start, max(sentence_end, sentence_start), section)


def coverage_for_report(session: Session, *, key: str) -> CoverageReport:
    """Which numbers of the report's text the data covers, excludes (with reason) or misses."""
    report = get_report(session, key=key)
    valued: list[dict[str, Any]] = []
    for model in (models.Observation, models.LivelihoodItem):
        column: Any = model.report_id  # type: ignore[attr-defined]
        for row in session.exec(select(model).where(column == key)):
            valued.append({"id": row.id, "value_text": row.value_text, "char_start": row.char_start, "char_end": row.char_end})
    exclusions = session.exec(select(models.CoverageExclusion).where(models.CoverageExclusion.report_id == key).order_by(models.CoverageExclusion.id))
    return coverage_report(report.text, valued, [row.model_dump() for row in exclusions])


def database_is_reachable(session: Session) -> bool:
    session.exec(select(1)).one()
    return True


def verify_sentence(session: Session, *, text: str) -> list[verify.Claim]:
    """Match every number of ``text`` (with its unit and year) to the report's observations."""
    observations = list(session.exec(select(models.Observation).order_by(models.Observation.char_start)))
    names = {row.id: row.name_zh for row in session.exec(select(models.Indicator))}
    units = sorted({o.unit for o in observations if o.unit} | {"%"})
    return verify.check_sentence(text, observations, names, units)
