"""共催 by consent: a named co-organiser is asked, and sees the attendees only once it accepts

Rows from before are kept as accepted (their associations already saw the attendees).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-01 01:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('session_co_organisers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False, server_default='accepted'))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_session_co_organisers_answered_by_user_id_user_accounts', 'user_accounts',
                                    ['answered_by_user_id'], ['id'])
    with op.batch_alter_table('session_co_organisers', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('session_co_organisers', schema=None) as batch_op:
        batch_op.drop_constraint('fk_session_co_organisers_answered_by_user_id_user_accounts', type_='foreignkey')
        batch_op.drop_column('answered_by_user_id')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('status')
