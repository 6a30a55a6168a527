"""search index: documents, plus FTS5 (SQLite) or a GIN tsvector index (PostgreSQL)

The tokens are ASCII words made by api.search (CJK unigrams and bigrams, Latin words,
hex-encoded), so neither engine needs a language-aware parser.

Revision ID: 9fca87c91069
Revises: a69ef0619119
Create Date: 2026-11-26 02:35:38.649511
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '9fca87c91069'
down_revision: str | None = 'a69ef0619119'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SQLITE_FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_documents', tokenize='unicode61')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.rowid, new.tokens); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.rowid, old.tokens); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.rowid, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.rowid, new.tokens); END",
)
SQLITE_FTS_DROP = (
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TABLE IF EXISTS search_fts",
)
POSTGRES_GIN = (
    "CREATE INDEX ix_search_documents_tokens_tsv ON search_documents "
    "USING gin (array_to_tsvector(string_to_array(tokens, ' ')))"
)


def upgrade() -> None:
    op.create_table('search_documents',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title_zh', sa.Text(), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_search_documents_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_report_id'), ['report_id'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_GIN)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS_DROP:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_documents_tokens_tsv")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_report_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_record_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_kind'))

    op.drop_table('search_documents')
