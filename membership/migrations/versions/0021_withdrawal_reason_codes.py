"""withdrawal reasons stored with API.md's codes: `retired` becomes `retirement`

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 13:20:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
applications = sa.table('applications', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                        sa.column('payload', JSON))


def _recode(old: str, new: str) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(applications.c.id, applications.c.payload)
                        .where(applications.c.kind == 'withdrawal')).all()
    for app_id, payload in rows:
        if isinstance(payload, dict) and payload.get('reason') == old:
            bind.execute(applications.update().where(applications.c.id == app_id)
                         .values(payload={**payload, 'reason': new}))


def upgrade() -> None:
    _recode('retired', 'retirement')


def downgrade() -> None:
    _recode('retirement', 'retired')
