"""the inbox at national scale: joint statistics of a task's association and status

JMA holds a fifth of the open tasks but a smaller share of all tasks; planned as if association
and status were independent, PostgreSQL expected 2,000 of JMA's 20,000 open tasks and sorted them
all for an inbox page sorted by due date (76 ms) instead of reading the index in order (11 ms).

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 23:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text('CREATE STATISTICS IF NOT EXISTS st_human_tasks_association_status (mcv) '
                           'ON association_id, status FROM human_tasks'))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text('DROP STATISTICS IF EXISTS st_human_tasks_association_status'))
