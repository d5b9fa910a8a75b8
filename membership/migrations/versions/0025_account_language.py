"""an account remembers the language last chosen on the screens; its mails are written in it

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 16:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lang', sa.String(length=2), nullable=False, server_default='ja'))


def downgrade() -> None:
    with op.batch_alter_table('user_accounts', schema=None) as batch_op:
        batch_op.drop_column('lang')
