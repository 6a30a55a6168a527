"""stored release: the release version, digest and counts, written with the data they describe

The seed computes the release (api/release.py) in the transaction that loads the data and stores
it here; a serving process reads this one row instead of hashing every row of every table.
A database loaded before this revision has no row until its next seed: the API then computes
the release on its first request, as before (`python -m api serve` stores it for the embedded
database).

Revision ID: b7e1a2c3d4f5
Revises: 7018819d659c
Create Date: 2026-11-26 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'b7e1a2c3d4f5'
down_revision: str | None = '7018819d659c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('releases',
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('data_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('temporal_start', sa.Integer(), nullable=False),
    sa.Column('temporal_end', sa.Integer(), nullable=False),
    sa.Column('schema_revision', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_releases_report_id_reports')),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_releases'))
    )


def downgrade() -> None:
    op.drop_table('releases')
