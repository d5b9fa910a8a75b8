"""training sessions held jointly (共催): the co-organising associations

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 08:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'session_co_organisers',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'], ),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], ),
        sa.PrimaryKeyConstraint('session_id', 'association_id'),
    )
    with op.batch_alter_table('session_co_organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_co_organisers_association_id'), ['association_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('session_co_organisers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_co_organisers_association_id'))
    op.drop_table('session_co_organisers')
