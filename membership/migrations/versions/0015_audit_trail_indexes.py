"""audit trail indexes: the rows of one person (as actor, and as the member acted for), newest first

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 01:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_actor', ['actor_user_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_on_behalf', ['on_behalf_of_user_id', 'id'], unique=False,
                              postgresql_where=sa.text("on_behalf_of_user_id IS NOT NULL"),
                              sqlite_where=sa.text("on_behalf_of_user_id IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_on_behalf', sqlite_where=sa.text("on_behalf_of_user_id IS NOT NULL"))
        batch_op.drop_index('ix_audit_events_actor')
