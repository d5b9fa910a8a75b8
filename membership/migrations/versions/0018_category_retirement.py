"""member categories can be retired (no longer offered to applications, kept on memberships)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 07:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('member_categories', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
