"""benefit statuses: JMA liability insurance, its rider and the physicians' pension, as imported

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'benefit_statuses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('physician_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('since', sa.Date(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['physician_id'], ['physicians.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('physician_id', 'kind', name='uq_benefit_statuses_physician_kind'),
    )
    with op.batch_alter_table('benefit_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_statuses_physician_id'), ['physician_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('benefit_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_statuses_physician_id'))
    op.drop_table('benefit_statuses')
