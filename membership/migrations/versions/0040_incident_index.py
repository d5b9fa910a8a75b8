"""The designers' incident list reads the incidents alone, not the whole audit trail

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-01 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None

WHERE = ("action IN ('instance.incident', 'process.incident', 'instance.timer_failed', "
         "'process.start_failed')")


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_incidents', ['id'], unique=False,
                              postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_incidents', sqlite_where=sa.text(WHERE))
