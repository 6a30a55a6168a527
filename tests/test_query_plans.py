"""On PostgreSQL, every read path is served by an index, as the planner chooses it by itself.

The database holds the report and synthetic copies of it (``tests/perf/scale.py``), vacuumed and
analysed, so that the statistics know what is selective. Each test runs the query layer's own
function, records the statements it sends, and reads their EXPLAIN. A filter on a value that few
rows of a large table have must use an index. A filter on a common value (``status=actual``) is
rightly a scan of the whole table, and so is any read of a table of a few pages (the reports, the
indicators every report shares, and here the sections), so every filter, sort and facet is also
checked within one report (``report=…``), the way lists are read when there are many reports.
Over every report, a list's first page is read from an index in its default order, and its total
is counted only up to ``queries.EXACT_TOTAL_LIMIT`` rows.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from api import migrate, queries
from api.db import create_db_engine
from api.ingest.load import load_bundle
from api.ingest.read import Bundle
from api.queries import Condition, ListOptions, Resource, SortKey
from tests.perf.scale import add_synthetic_copies, synthetic_report_id

pytestmark = pytest.mark.postgres

COPIES = 15  # with the report: 16 reports, about 32 000 rows
SELECTIVE = 0.02  # a value at most this share of the rows have
LARGE = 100  # pages (800 kB): below that the planner rightly reads the table whole
ONE_REPORT = Condition("report_id", "exact", synthetic_report_id(7))
# Reports and indicators are a few pages each (indicators are shared by every report): read whole.
GROWING_RESOURCES = [resource for resource in queries.RESOURCES.values() if "report_id" in resource.fields]
FILTERS = [(resource, name) for resource in GROWING_RESOURCES for name in resource.fields if name != "report_id"]
SORTS = [(resource, name) for resource in GROWING_RESOURCES for name, spec in resource.fields.items() if spec.sortable]
FACETS = [(resource, name) for resource in GROWING_RESOURCES for name in queries.facetable_fields(resource)]


@pytest.fixture(scope="module")
def many_reports(postgres_databases: Any, bundle: Bundle) -> Iterator[Engine]:
    """A PostgreSQL database with the report and COPIES synthetic copies."""
    engine = create_db_engine(postgres_databases.create(), statement_timeout_ms=60_000)
    migrate.upgrade(engine)
    load_bundle(engine, bundle)
    with engine.begin() as connection:
        add_synthetic_copies(connection, COPIES)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))  # VACUUM also merges the GIN indexes' pending entries
    yield engine
    engine.dispose()


def plans(engine: Engine, work: Callable[[Session], object]) -> list[str]:
    """The EXPLAIN of every statement ``work`` sends, with the values it sends them with."""
    sent: list[tuple[str, Any]] = []

    def record(_connection: object, _cursor: object, statement: str, parameters: Any, *_args: object) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            work(session)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        return [
            "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)) for statement, parameters in sent
        ]


def assert_indexed(found: list[str], table: str) -> None:
    assert found, "no statement was sent"
    for plan in found:
        assert f"Seq Scan on {table} " not in plan + " ", plan
        assert "Index" in plan, plan


def _table(resource: Resource) -> str:
    return str(resource.model.__tablename__)


def rarest_value(engine: Engine, resource: Resource, name: str) -> tuple[Any, float, int]:
    """The field's least common value, the share of rows that have it, and the table's pages."""
    through_indicator = resource is queries.OBSERVATIONS and name == "topic"
    column = "indicators.topic" if through_indicator else name
    source = "observations JOIN indicators ON indicators.id = observations.indicator_id" if through_indicator else _table(resource)
    with engine.connect() as connection:
        total = connection.execute(text(f"SELECT count(*) FROM {_table(resource)}")).scalar_one()  # noqa: S608 - names from the query layer
        rarest = f"SELECT {column}, count(*) FROM {source} WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY count(*), {column} LIMIT 1"  # noqa: S608
        value, count = connection.execute(text(rarest)).one()
        pages = connection.execute(text("SELECT relpages FROM pg_class WHERE relname = :table"), {"table": _table(resource)}).scalar_one()
    return value, count / total, pages


def _condition(resource: Resource, name: str, value: Any) -> Condition:
    """``contains`` takes what a person would type: eight characters from the middle of the text."""
    if "contains" not in resource.fields[name].operators:
        return Condition(name, "exact", value)
    middle = len(value) // 2
    return Condition(name, "contains", value[max(middle - 4, 0) : middle + 4])


@pytest.mark.parametrize(("resource", "name"), FILTERS, ids=[f"{r.name}.{n}" for r, n in FILTERS])
def test_a_filter_on_a_rare_value_uses_an_index_and_any_filter_within_a_report_does(
    many_reports: Engine, resource: Resource, name: str
) -> None:
    value, share, pages = rarest_value(many_reports, resource, name)
    condition = _condition(resource, name, value)
    if share <= SELECTIVE and pages >= LARGE:
        assert_indexed(
            plans(many_reports, lambda session: queries.list_rows(session, resource, ListOptions([condition]))), _table(resource)
        )
    scoped = ListOptions([ONE_REPORT, condition])
    assert_indexed(plans(many_reports, lambda session: queries.list_rows(session, resource, scoped)), _table(resource))


@pytest.mark.parametrize(("resource", "name"), SORTS, ids=[f"{r.name}.{n}" for r, n in SORTS])
def test_a_sorted_page_of_one_report_uses_an_index(many_reports: Engine, resource: Resource, name: str) -> None:
    options = ListOptions([ONE_REPORT], [SortKey(name, descending=True)], limit=20)
    assert_indexed(plans(many_reports, lambda session: queries.list_rows(session, resource, options)), _table(resource))


@pytest.mark.parametrize(("resource", "name"), FACETS, ids=[f"{r.name}.{n}" for r, n in FACETS])
def test_facet_counts_of_one_report_use_an_index(many_reports: Engine, resource: Resource, name: str) -> None:
    assert_indexed(plans(many_reports, lambda session: queries.facet_counts(session, resource, [ONE_REPORT], name)), _table(resource))


@pytest.mark.parametrize("resource", GROWING_RESOURCES, ids=[resource.name for resource in GROWING_RESOURCES])
def test_the_first_page_over_every_report_is_read_from_the_default_order_index(many_reports: Engine, resource: Resource) -> None:
    found = plans(many_reports, lambda session: queries.list_rows(session, resource, ListOptions(limit=50)))
    assert any(f"Index Scan using ix_{_table(resource)}_default_order" in plan for plan in found), found


def test_a_common_value_over_every_report_is_paged_from_the_default_order_index(many_reports: Engine) -> None:
    common = ListOptions([Condition("status", "exact", "actual")], limit=50)
    found = plans(many_reports, lambda session: queries.list_rows(session, queries.OBSERVATIONS, common))
    assert any("Index Scan using ix_observations_default_order" in plan and "Sort" not in plan for plan in found), found


def test_a_total_over_every_report_stops_counting_at_the_limit(many_reports: Engine) -> None:
    statement = queries.filtered(queries.OBSERVATIONS, [Condition("status", "exact", "actual")])
    (plan,) = plans(many_reports, lambda session: queries.count_up_to(session, statement, limit=1_000))
    assert plan.index("Limit") < plan.index("Index Only Scan using ix_observations_status"), plan
    assert "rows=1001 " in plan, plan


def test_full_text_search_uses_the_gin_index(many_reports: Engine) -> None:
    matches, page = plans(many_reports, lambda session: queries.search_documents(session, q="教育"))
    assert "ix_search_documents_tokens_tsv" in matches, matches
    assert_indexed([page], "search_documents")
    scoped = ListOptions([ONE_REPORT], q="教育")
    assert_indexed(plans(many_reports, lambda session: queries.list_rows(session, queries.OBSERVATIONS, scoped)), "observations")


@pytest.mark.parametrize("resource", GROWING_RESOURCES, ids=[resource.name for resource in GROWING_RESOURCES])
def test_a_lookup_by_id_uses_the_primary_key(many_reports: Engine, resource: Resource) -> None:
    with Session(many_reports) as session:
        key = session.exec(queries.filtered(resource, [])).first().id  # type: ignore[union-attr]
    found = plans(many_reports, lambda session: queries.get_row(session, resource.model, key, resource.name))
    assert all(f"Index Scan using pk_{_table(resource)}" in plan for plan in found), found


def test_nested_graphql_lookups_use_indexes(many_reports: Engine) -> None:
    with Session(many_reports) as session:
        indicators = [row.id for row in session.exec(queries.filtered(queries.INDICATORS, [])).all()[:5]]
        projects = [row.id for row in session.exec(queries.filtered(queries.PROJECTS, [ONE_REPORT])).all()[:5]]
    assert_indexed(
        plans(many_reports, lambda session: queries.observations_for_indicators(session, indicator_ids=indicators)), "observations"
    )
    assert_indexed(plans(many_reports, lambda session: queries.mentions_for_projects(session, project_ids=projects)), "project_mentions")
