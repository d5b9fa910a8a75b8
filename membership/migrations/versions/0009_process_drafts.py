"""process drafts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 07:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('saved_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['saved_by_user_id'], ['user_accounts.id'], name=op.f('fk_process_drafts_saved_by_user_id_user_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_drafts')),
    sa.UniqueConstraint('key', name=op.f('uq_process_drafts_key'))
    )


def downgrade() -> None:
    op.drop_table('process_drafts')
