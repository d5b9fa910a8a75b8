"""The history of registered data read by time: an office's list of its members' changes, the digest

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-01 05:00:00
"""

from alembic import op

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_changes_at'), ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_changes_at'))
