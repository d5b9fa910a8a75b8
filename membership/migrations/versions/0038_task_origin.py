"""Each task says which association its application came from (申請元), for the upper layers' inbox

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_association_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_human_tasks_origin_association_id_associations'),
                                    'associations', ['origin_association_id'], ['id'])
        batch_op.create_index('ix_human_tasks_association_status_origin',
                              ['association_id', 'status', 'origin_association_id'], unique=False)
    # the tasks there are: a training session's organiser; otherwise the application's lowest part
    op.execute("""UPDATE human_tasks SET origin_association_id = (
                      SELECT training_sessions.organiser_association_id FROM training_sessions
                      WHERE training_sessions.application_id = human_tasks.application_id)
                  WHERE application_kind = 'session' AND application_id IS NOT NULL""")
    op.execute("""UPDATE human_tasks SET origin_association_id = (
                      SELECT application_parts.association_id FROM application_parts
                      WHERE application_parts.application_id = human_tasks.application_id
                      ORDER BY application_parts.layer DESC, application_parts.seq LIMIT 1)
                  WHERE application_kind <> 'session' AND application_id IS NOT NULL""")


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_association_status_origin')
        batch_op.drop_constraint(batch_op.f('fk_human_tasks_origin_association_id_associations'), type_='foreignkey')
        batch_op.drop_column('origin_association_id')
