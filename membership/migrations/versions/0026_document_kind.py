"""a document says what it is: 提出書類, 履歴書・経歴書 or その他 (seed 000's upload slots)

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 16:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), nullable=False, server_default='submission'))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('kind')
