"""The changes list filtered by kind of field reads the kind's changes by time

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-01 09:30:00
"""

from alembic import op

revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.create_index('ix_profile_changes_field_at', ['field', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_changes_field_at')
