"""citations: section heading paths and ready-to-paste citations on every fact

Derived at load time from the report and the heading tree; existing rows get empty
citations until the next seed run fills them.

Revision ID: 0b47ce9bbdb8
Revises: 9fca87c91069
Create Date: 2026-11-26 02:39:05.298023
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0b47ce9bbdb8'
down_revision: str | None = '9fca87c91069'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table('five_year_goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_path_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('section_path_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cite_gbt7714', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('cite_apa', sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table('livelihood_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_path_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('section_path_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cite_gbt7714', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('cite_apa', sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_path_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('section_path_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cite_gbt7714', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('cite_apa', sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table('project_mentions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_path_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('section_path_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cite_gbt7714', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('cite_apa', sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_path_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('section_path_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cite_gbt7714', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('cite_apa', sa.Text(), nullable=False, server_default=""))




def downgrade() -> None:

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('cite_apa')
        batch_op.drop_column('cite_gbt7714')
        batch_op.drop_column('section_path_en')
        batch_op.drop_column('section_path_zh')

    with op.batch_alter_table('project_mentions', schema=None) as batch_op:
        batch_op.drop_column('cite_apa')
        batch_op.drop_column('cite_gbt7714')
        batch_op.drop_column('section_path_en')
        batch_op.drop_column('section_path_zh')

    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_column('cite_apa')
        batch_op.drop_column('cite_gbt7714')
        batch_op.drop_column('section_path_en')
        batch_op.drop_column('section_path_zh')

    with op.batch_alter_table('livelihood_items', schema=None) as batch_op:
        batch_op.drop_column('cite_apa')
        batch_op.drop_column('cite_gbt7714')
        batch_op.drop_column('section_path_en')
        batch_op.drop_column('section_path_zh')

    with op.batch_alter_table('five_year_goals', schema=None) as batch_op:
        batch_op.drop_column('cite_apa')
        batch_op.drop_column('cite_gbt7714')
        batch_op.drop_column('section_path_en')
        batch_op.drop_column('section_path_zh')


