"""training sessions; a session's approval has no physician

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 08:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('physician_id', existing_type=sa.Integer(), nullable=True)
    op.create_table('training_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_association_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('credit_items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_training_sessions_application_id_applications')),
    sa.ForeignKeyConstraint(['organiser_association_id'], ['associations.id'], name=op.f('fk_training_sessions_organiser_association_id_associations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_sessions'))
    )
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_sessions_organiser_association_id'), ['organiser_association_id'], unique=False)
    op.create_table('session_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('physician_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['physician_id'], ['physicians.id'], name=op.f('fk_session_registrations_physician_id_physicians')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_session_registrations_session_id_training_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_registrations')),
    sa.UniqueConstraint('session_id', 'physician_id', name='uq_session_registrations_session_physician')
    )
    with op.batch_alter_table('session_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_registrations_physician_id'), ['physician_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_registrations_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_table('session_registrations')
    op.drop_table('training_sessions')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('physician_id', existing_type=sa.Integer(), nullable=False)
