"""dashboard indexes: open tasks by kind, layer and age, and recent completions, as partial indexes

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_human_tasks_open_summary', ['kind', 'application_kind', 'layer', 'created_at'],
                              unique=False, postgresql_where=sa.text("status = 'open'"),
                              sqlite_where=sa.text("status = 'open'"))
        batch_op.create_index('ix_human_tasks_completed_at', ['completed_at', 'kind'], unique=False,
                              postgresql_where=sa.text("status = 'completed'"),
                              sqlite_where=sa.text("status = 'completed'"))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_completed_at', sqlite_where=sa.text("status = 'completed'"))
        batch_op.drop_index('ix_human_tasks_open_summary', sqlite_where=sa.text("status = 'open'"))
