"""Synthetic releases for the scale benchmarks: the report copied under other ids, in a PostgreSQL
database of their own.

Copy ``n`` of report ``cixi-2021`` is report ``synthetic-0001-2021`` (…), titled
``[合成数据 0001] …`` / ``[synthetic 0001] …`` with region ``合成市0001`` / ``Synthetic City 0001``:
clearly not a real city. Every row that belongs to the report (sections, observations, projects and
their mentions, livelihood items, five-year goals, coverage exclusions, search documents) is copied
with ``-syn0001`` appended to its id and to every id it refers to, except indicators: they are
concepts shared by every report, as they would be across cities. Only the benchmarks and the
query-plan test create such databases; the API never loads or serves synthetic data by itself.

The copies are made by the database (one ``INSERT … SELECT … generate_series`` per table), so
1000 copies (about two million rows) take minutes, not hours. ``build`` stores the release of the
copies in the same transaction (``api.release.store_release``), as a seed does, so that the API
reads it instead of computing it on its first request. Storing it reads every row into Python
once, one table at a time: the version is defined over the public records as the query layer
presents them and as Python's ``json`` writes them (``api.release.compute_release``), which no SQL
of both engines reproduces byte for byte; a second definition in SQL could only drift from it.

    python -m tests.perf.scale create bench_x100 --factor 100   # createdb, migrate, seed, copy, ANALYZE
    python -m tests.perf.scale drop bench_x100
"""

import argparse
import os
import subprocess
import time
from collections.abc import Iterator

from sqlalchemy import Column, Connection, Engine, Integer, Table, text
from sqlmodel import Session

from api import migrate
from api.db import create_db_engine, metadata
from api.ingest.load import load_bundle
from api.ingest.read import read_bundle
from api.release import store_release
from api.settings import SEED_DIR

SOURCE_REPORT = "cixi-2021"
BUILD_TIMEOUT_MS = 3_600_000  # copying a thousand reports' rows takes minutes, not the API's seconds
POSTGRES_ADMIN = os.environ.get("BENCH_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432")
# Tables whose rows are shared by every report, never copied.
SHARED_TABLES = ("indicators",)
# Rows of tables without a report_id belong to the report through this parent.
BELONGS_THROUGH = {"project_mentions": ("project_id", "projects")}
COPIED_REFERENCES = ("sections", "observations", "projects")  # ids that get the copy's suffix
SYNTHETIC_TEXT = {
    "title_zh": "'[合成数据 ' || {n} || '] ' || title_zh",
    "title_en": "'[synthetic ' || {n} || '] ' || title_en",
    "region_zh": "'合成市' || {n}",
    "region_en": "'Synthetic City ' || {n}",
}


def synthetic_report_id(number: int) -> str:
    return f"synthetic-{number:04d}-2021"


def _number(series: str) -> str:
    return f"lpad({series}::text, 4, '0')"


def _copied_value(table: Table, column: Column[object], series: str, stride: str) -> str:
    """The SQL for ``column`` in copy ``series`` of a row of ``table``."""
    name = column.name
    suffix = f"'-syn' || {_number(series)}"
    if table.name == "reports" and name == "id":
        return f"'synthetic-' || {_number(series)} || '-2021'"
    if table.name == "reports" and name in SYNTHETIC_TEXT:
        return SYNTHETIC_TEXT[name].format(n=_number(series))
    if name == "report_id" or (table.name == "search_documents" and name == "record_id"):
        copied_report = f"'synthetic-' || {_number(series)} || '-2021'"
        return copied_report if name == "report_id" else f"CASE WHEN kind = 'reports' THEN {copied_report} ELSE record_id || {suffix} END"
    if column.primary_key and isinstance(column.type, Integer):
        return f"{name} + {series} * {stride}"
    referred = {key.column.table.name for key in column.foreign_keys}
    if column.primary_key or referred & set(COPIED_REFERENCES):
        return f"{name} || {suffix}"
    return name


def copy_statement(table: Table, copies: int) -> str:
    """One INSERT that adds ``copies`` copies of the source report's rows of ``table``."""
    columns = list(table.columns)
    stride = f"(SELECT coalesce(max({columns[0].name}), 0) + 1 FROM {table.name})"  # noqa: S608 - names from the metadata
    values = ", ".join(_copied_value(table, column, "copy.n", stride) for column in columns)
    if table.name == "reports":
        belongs = f"id = '{SOURCE_REPORT}'"
    elif table.name in BELONGS_THROUGH:
        key, parent = BELONGS_THROUGH[table.name]
        belongs = f"{key} IN (SELECT id FROM {parent} WHERE report_id = '{SOURCE_REPORT}')"  # noqa: S608 - names from the metadata
    else:
        belongs = f"report_id = '{SOURCE_REPORT}'"
    names = ", ".join(column.name for column in columns)
    return (
        f"INSERT INTO {table.name} ({names}) SELECT {values} "  # noqa: S608 - names from the metadata
        f"FROM (SELECT * FROM {table.name} WHERE {belongs}) AS source_rows CROSS JOIN generate_series(1, {copies}) AS copy(n)"
    )


def copied_tables() -> Iterator[Table]:
    for table in metadata.sorted_tables:  # parents before children
        if table.name not in SHARED_TABLES:
            yield table


def add_synthetic_copies(connection: Connection, copies: int) -> dict[str, int]:
    """Add ``copies`` synthetic copies of the report; returns the rows added per table. The stored
    release then describes the data without them, until the caller stores it again (``build`` does).

    The GIN indexes (search tokens, trigrams) are dropped first and built again after: building
    one from all rows at once is many times faster than adding a million rows to it one by one."""
    added: dict[str, int] = {}
    if copies < 1:
        return added
    gin = connection.execute(
        text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE '% USING gin %'")
    ).all()
    for name, _ in gin:
        connection.execute(text(f'DROP INDEX "{name}"'))
    for table in copied_tables():
        added[table.name] = connection.execute(text(copy_statement(table, copies))).rowcount
    for _, definition in gin:
        connection.execute(text(definition))
    return added


def seeded_database(url: str) -> Engine:
    """A database at ``url`` migrated and loaded with the report (the same code paths as production)."""
    engine = create_db_engine(url, statement_timeout_ms=BUILD_TIMEOUT_MS)
    migrate.upgrade(engine)
    load_bundle(engine, read_bundle(SEED_DIR))
    return engine


def create_database(name: str) -> str:
    subprocess.run(["dropdb", "--if-exists", "--force", *_connection_options(), name], check=True)  # noqa: S603, S607 - fixed tools
    subprocess.run(["createdb", *_connection_options(), "--encoding", "UTF8", "--template", "template0", name], check=True)  # noqa: S603, S607
    return f"{POSTGRES_ADMIN}/{name}"


def drop_database(name: str) -> None:
    subprocess.run(["dropdb", "--if-exists", "--force", *_connection_options(), name], check=True)  # noqa: S603, S607 - fixed tools


def _connection_options() -> list[str]:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN)
    return ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]


def build(name: str, factor: int) -> tuple[str, dict[str, int], float]:
    """A fresh database holding ``factor`` times the report's rows: the report and factor - 1 copies."""
    started = time.perf_counter()
    url = create_database(name)
    engine = seeded_database(url)
    with engine.begin() as connection:
        added = add_synthetic_copies(connection, factor - 1)
        connection.execute(text("ANALYZE"))  # plans for the release's reads know the copies
        with Session(bind=connection) as session:
            store_release(session)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))  # VACUUM also merges the GIN indexes' pending entries
    engine.dispose()
    return url, added, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="Synthetic scale databases (PostgreSQL) for the benchmarks.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="createdb, migrate, seed, add factor - 1 synthetic copies, ANALYZE")
    create.add_argument("name")
    create.add_argument("--factor", type=int, default=100)
    drop = commands.add_parser("drop", help="dropdb")
    drop.add_argument("name")
    args = parser.parse_args()
    if args.command == "create":
        url, added, seconds = build(args.name, args.factor)
        print(f"{url}: {sum(added.values())} synthetic rows in {seconds:.1f} s")
    else:
        drop_database(args.name)


if __name__ == "__main__":
    main()
