"""A registration link keeps the password's hash between the confirmation and the registration

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-01 08:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('one_time_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_hash', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('one_time_tokens', schema=None) as batch_op:
        batch_op.drop_column('kept_hash')
