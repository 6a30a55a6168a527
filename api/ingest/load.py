"""Write a validated bundle to the database: one transaction, idempotent, with counts.

The database is brought to exactly the bundle's rows for that report: new rows are
inserted, changed rows updated, rows no longer in the seed deleted. A second run
with the same seed changes nothing. The same transaction stores the release the data
makes up (``api.release.store_release``). Any error rolls the whole load back.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, insert, select, update
from sqlmodel import Session

from api.ingest.read import Bundle, Row
from api.models import TABLES_IN_LOAD_ORDER
from api.release import discard_stored_release, store_release


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


@dataclass
class LoadResult:
    tables: dict[str, TableCounts] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(counts.created + counts.updated + counts.deleted for counts in self.tables.values())

    def summary(self) -> str:
        lines = [
            f"{name}: {c.created} created, {c.updated} updated, {c.deleted} deleted, {c.unchanged} unchanged"
            for name, c in self.tables.items()
        ]
        return "\n".join(lines)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _scope_clause(table: Table, report_id: str, connection: Connection) -> Any:
    """Rows of this table that belong to the report being loaded."""
    if "report_id" in table.c:
        return table.c.report_id == report_id
    if table.name == "project_mentions":
        projects = _table(next(m for m in TABLES_IN_LOAD_ORDER if _table(m).name == "projects"))
        return table.c.project_id.in_(select(projects.c.id).where(projects.c.report_id == report_id))
    return None


def _existing(connection: Connection, table: Table, report_id: str) -> dict[Any, dict[str, Any]]:
    statement = select(table)
    clause = _scope_clause(table, report_id, connection)
    if clause is not None:
        statement = statement.where(clause)
    return {row["id"]: dict(row) for row in connection.execute(statement).mappings()}


def _plan(existing: Mapping[Any, Mapping[str, Any]], wanted: list[Row]) -> tuple[list[Row], list[Row], list[Any], int]:
    inserts, updates, unchanged = [], [], 0
    for row in wanted:
        current = existing.get(row["id"])
        if current is None:
            inserts.append(row)
        elif any(current.get(key) != value for key, value in row.items()):
            updates.append(row)
        else:
            unchanged += 1
    wanted_ids = {row["id"] for row in wanted}
    deletes = [key for key in existing if key not in wanted_ids]
    return inserts, updates, deletes, unchanged


def load_bundle(engine: Engine, bundle: Bundle, *, dry_run: bool = False) -> LoadResult:
    """Bring the database to the bundle's rows in one transaction (rolled back on ``dry_run``)."""
    result = LoadResult()
    tables = [_table(model) for model in TABLES_IN_LOAD_ORDER]
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            discard_stored_release(connection)  # before the deletes: it refers to a report
            plans = {}
            for table in tables:
                existing = _existing(connection, table, bundle.report_id)
                plans[table.name] = _plan(existing, bundle.tables.get(table.name, []))
            for table in tables:
                inserts, updates, _, unchanged = plans[table.name]
                if inserts:
                    connection.execute(insert(table), inserts)
                for row in updates:
                    connection.execute(update(table).where(table.c.id == row["id"]).values(**row))
                result.tables[table.name] = TableCounts(created=len(inserts), updated=len(updates), unchanged=unchanged)
            for table in reversed(tables):
                deletes = plans[table.name][2]
                for chunk_start in range(0, len(deletes), 500):
                    connection.execute(delete(table).where(table.c.id.in_(deletes[chunk_start : chunk_start + 500])))
                result.tables[table.name].deleted = len(deletes)
            if not dry_run:
                with Session(bind=connection) as session:
                    store_release(session)
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return result
