"""query indexes: every filter and sort column, and trigram indexes for `contains` on PostgreSQL

Lists filter and sort on any of these columns; without an index each such query reads the
whole table, which is what grows with the data. On PostgreSQL, `contains` (LIKE '%…%') on
quotes, names, headings and descriptions is served by pg_trgm GIN indexes. pg_trgm is a trusted
extension: a role with CREATE on the database may create it; when the migrating role may not
(a writer that owns only the schema's objects) and no one has created it yet, the trigram indexes
are left out and `contains` reads the table; run this migration again after an administrator's
`CREATE EXTENSION pg_trgm` (downgrade to the previous revision, then upgrade) to add them.
SQLite has no trigram index; its embedded database holds one report.

Search on PostgreSQL matches a stored tsvector column (`tokens_tsv`, generated from `tokens`) instead
of an expression: a row found through another index (one report's records) is then checked without
building its tsvector again, which cost every row a parse of its whole token list. The GIN index keeps
its name and moves to the column.

Revision ID: 7018819d659c
Revises: 0b47ce9bbdb8
Create Date: 2026-11-26 05:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7018819d659c'
down_revision: str | None = '0b47ce9bbdb8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEXED_COLUMNS = {
    'five_year_goals': ('char_start', 'description_en', 'description_zh', 'target_value'),
    'indicators': ('name_en', 'name_zh'),
    'livelihood_items': ('base_value', 'char_start', 'description_en', 'description_zh', 'qualifier', 'unit', 'unit_code'),
    'observations': ('base_value', 'char_start', 'direction', 'qualifier', 'unit', 'unit_code'),
    'project_mentions': ('char_start',),
    'projects': ('char_start', 'name_en', 'name_zh'),
    'reports': ('region_zh',),
    'sections': ('char_start', 'depth', 'heading_en', 'heading_zh', 'number'),
}
# PostgreSQL only: the text columns `contains` filters on (api.queries TEXT_OPS).
TRIGRAM_COLUMNS = {
    'five_year_goals': ('quote', 'description_zh', 'description_en'),
    'indicators': ('name_zh', 'name_en'),
    'livelihood_items': ('quote', 'description_zh', 'description_en'),
    'observations': ('quote',),
    'projects': ('quote', 'name_zh', 'name_en'),
    'reports': ('region_zh',),
    'sections': ('heading_zh', 'heading_en'),
}


TOKENS_EXPRESSION = "array_to_tsvector(string_to_array(tokens, ' '))"


def upgrade() -> None:
    for table, columns in INDEXED_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'ALTER TABLE search_documents ADD COLUMN tokens_tsv tsvector GENERATED ALWAYS AS ({TOKENS_EXPRESSION}) STORED')
    op.execute('DROP INDEX ix_search_documents_tokens_tsv')
    op.execute('CREATE INDEX ix_search_documents_tokens_tsv ON search_documents USING gin (tokens_tsv)')
    if _trigrams_available():
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for table, columns in TRIGRAM_COLUMNS.items():
            for column in columns:
                op.execute(f'CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)')


def _trigrams_available() -> bool:
    """pg_trgm is there already, or this role may create it."""
    return bool(
        op.get_bind().exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') "
            "OR (has_database_privilege(current_database(), 'CREATE') "
            "AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'))"
        ).scalar()
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table, columns in TRIGRAM_COLUMNS.items():
            for column in columns:
                op.execute(f'DROP INDEX IF EXISTS ix_{table}_{column}_trgm')
        op.execute('DROP INDEX ix_search_documents_tokens_tsv')
        op.execute('ALTER TABLE search_documents DROP COLUMN tokens_tsv')
        op.execute(f'CREATE INDEX ix_search_documents_tokens_tsv ON search_documents USING gin ({TOKENS_EXPRESSION})')
    for table, columns in INDEXED_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
