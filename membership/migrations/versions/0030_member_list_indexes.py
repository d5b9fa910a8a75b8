"""the member list at national scale: kana order, an office's physicians, trigram search indexes

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30 23:50:00
"""

import sqlalchemy as sa
from alembic import op

from membership.db import SEARCH_INDEXES

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_physicians_kana', 'physicians', ['family_kana', 'given_kana', 'id'])
    op.create_index('ix_memberships_association_physician', 'memberships', ['association_id', 'physician_id'])
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. Where it
    # cannot be, searches still work, reading every row as before.
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
    except sa.exc.DBAPIError:
        return
    for name, (table, expression) in SEARCH_INDEXES.items():
        bind.execute(sa.text(f'CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops)'))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name in SEARCH_INDEXES:
            op.execute(f'DROP INDEX IF EXISTS {name}')
    op.drop_index('ix_memberships_association_physician', table_name='memberships')
    op.drop_index('ix_physicians_kana', table_name='physicians')
