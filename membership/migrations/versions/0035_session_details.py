"""A training session's hours, fee, last day to apply and contact

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-01 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('fee', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('apply_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('contact', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        for column in ('contact', 'apply_by', 'fee', 'ends_at', 'starts_at'):
            batch_op.drop_column(column)
