"""Login IDs an account had before, for the audit trail's search

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-01 06:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('former_login_ids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_accounts.id'], name=op.f('fk_former_login_ids_user_id_user_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_former_login_ids'))
    )
    with op.batch_alter_table('former_login_ids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_former_login_ids_login_id'), ['login_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_former_login_ids_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('former_login_ids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_former_login_ids_user_id'))
        batch_op.drop_index(batch_op.f('ix_former_login_ids_login_id'))
    op.drop_table('former_login_ids')
