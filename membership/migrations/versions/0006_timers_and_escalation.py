"""timers and escalation

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 04:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_due_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_process_instances_timer_due_at'), ['timer_due_at'], unique=False)
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('escalated_to_association_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_human_tasks_escalated_to_association_id_associations'),
                                    'associations', ['escalated_to_association_id'], ['id'])
        batch_op.create_index('ix_human_tasks_escalated_status', ['escalated_to_association_id', 'status'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_escalated_status')
        batch_op.drop_constraint(batch_op.f('fk_human_tasks_escalated_to_association_id_associations'),
                                 type_='foreignkey')
        batch_op.drop_column('escalated_to_association_id')
        batch_op.drop_column('escalated_at')
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_instances_timer_due_at'))
        batch_op.drop_column('timer_due_at')
