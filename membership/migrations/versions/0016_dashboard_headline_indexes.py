"""dashboard headline figures: the open-task summary index also holds the due date, the claimant
(overdue, due soon, unclaimed) and the office (JMA's figures by prefecture), the completions index
the creation time (lead time), so that JMA's dashboard is still answered from the indexes alone

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
COMPLETED = sa.text("status = 'completed'")


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_open_summary', sqlite_where=OPEN)
        batch_op.drop_index('ix_human_tasks_completed_at', sqlite_where=COMPLETED)
        batch_op.create_index('ix_human_tasks_open_summary',
                              ['kind', 'application_kind', 'layer', 'created_at', 'due_at', 'claimed_by_user_id',
                               'association_id'],
                              unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_human_tasks_completed_at', ['completed_at', 'kind', 'created_at'], unique=False,
                              postgresql_where=COMPLETED, sqlite_where=COMPLETED)


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_completed_at', sqlite_where=COMPLETED)
        batch_op.drop_index('ix_human_tasks_open_summary', sqlite_where=OPEN)
        batch_op.create_index('ix_human_tasks_open_summary', ['kind', 'application_kind', 'layer', 'created_at'],
                              unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_human_tasks_completed_at', ['completed_at', 'kind'], unique=False,
                              postgresql_where=COMPLETED, sqlite_where=COMPLETED)
