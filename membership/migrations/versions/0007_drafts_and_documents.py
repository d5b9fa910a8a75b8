"""drafts and documents

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 04:40:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('application_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_user_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_user_id'], ['user_accounts.id'], name=op.f('fk_application_drafts_applicant_user_id_user_accounts')),
    sa.ForeignKeyConstraint(['filed_by_user_id'], ['user_accounts.id'], name=op.f('fk_application_drafts_filed_by_user_id_user_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_drafts'))
    )
    with op.batch_alter_table('application_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_drafts_applicant_user_id'), ['applicant_user_id'], unique=False)
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('stored_name', sa.String(length=40), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_documents_application_id_applications')),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_documents_association_id_associations')),
    sa.ForeignKeyConstraint(['draft_id'], ['application_drafts.id'], name=op.f('fk_documents_draft_id_application_drafts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['user_accounts.id'], name=op.f('fk_documents_uploaded_by_user_id_user_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_documents_stored_name'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_draft_id'), ['draft_id'], unique=False)


def downgrade() -> None:
    op.drop_table('documents')
    op.drop_table('application_drafts')
