"""CSV imports written in the background (import_runs)

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30 23:10:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('error', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_import_runs_association_id_associations')),
        sa.ForeignKeyConstraint(['user_id'], ['user_accounts.id'], name=op.f('fk_import_runs_user_id_user_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs')),
    )
    op.create_index('ix_import_runs_kind_association', 'import_runs', ['kind', 'association_id', 'id'])
    op.create_index('ix_import_runs_status_updated', 'import_runs', ['status', 'updated_at'])
    op.create_index(op.f('ix_import_runs_user_id'), 'import_runs', ['user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_import_runs_user_id'), table_name='import_runs')
    op.drop_index('ix_import_runs_status_updated', table_name='import_runs')
    op.drop_index('ix_import_runs_kind_association', table_name='import_runs')
    op.drop_table('import_runs')
