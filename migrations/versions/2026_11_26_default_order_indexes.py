"""default order indexes: a list over every report reads its first page from an index (PostgreSQL)

A list sorts nulls last by ordering on (is-null flag, value) for each sort key, then the id
(``api.queries._order_components``). No index on the plain columns serves that order, so a list
over every report (no ``report=`` filter) read and sorted every matching row to return 50: at a
thousand reports, hundreds of thousands. An index on exactly those expressions, in the default
order of each table that grows with the reports, lets the planner walk it and stop after a page.
The expressions must stay the ones the query layer sends (``tests/test_query_plans.py`` checks
that the planner uses these indexes). SQLite holds one report and compares bound parameters that
an expression index cannot match, so they are made on PostgreSQL only.

Revision ID: c8f2b3d4e5a6
Revises: b7e1a2c3d4f5
Create Date: 2026-11-26 08:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'c8f2b3d4e5a6'
down_revision: str | None = 'b7e1a2c3d4f5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


DEFAULT_ORDER = {
    'sections': 'position',
    'observations': 'char_start',
    'projects': 'char_start',
    'livelihood_items': 'char_start',
    'five_year_goals': 'char_start',
}


def _nulls_last(column: str) -> str:
    return f'(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END), {column}'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in DEFAULT_ORDER.items():
        op.execute(f'CREATE INDEX ix_{table}_default_order ON {table} ({_nulls_last(column)}, {_nulls_last("id")})')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in DEFAULT_ORDER:
        op.execute(f'DROP INDEX IF EXISTS ix_{table}_default_order')
