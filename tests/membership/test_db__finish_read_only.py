"""Ending a request's session: what only read ends with COMMIT on PostgreSQL (psycopg keeps the
connection's prepared statements); anything written or pending is still rolled back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from membership.db import finish_read_only, make_engine
from membership.models import Association

pytestmark = pytest.mark.commits

QUERY = sa.select(Association.name).where(Association.code == "chuoeast")


@pytest.fixture
def engine(db_engine):
    """One pooled connection, so that every session below uses the same one."""
    own = make_engine(db_engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0) \
        if db_engine.dialect.name == "postgresql" else make_engine(str(db_engine.url))
    yield own
    own.dispose()


def _ends(engine):
    seen = []
    event.listen(engine, "commit", lambda _conn: seen.append("commit"))
    event.listen(engine, "rollback", lambda _conn: seen.append("rollback"))
    return seen


def test_a_session_that_only_read_ends_with_commit_on_postgresql(engine):
    seen = _ends(engine)
    for _ in range(7):  # psycopg prepares a statement at its fifth run
        s = Session(engine)
        assert s.scalar(QUERY) == "中央区東支部"
        finish_read_only(s)
    if engine.dialect.name == "postgresql":
        assert set(seen) == {"commit"}
        with engine.connect() as conn:
            prepared = conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars().all()
        assert any("FROM associations" in text for text in prepared), prepared
    else:  # SQLite keeps its statement cache either way; nothing to gain, nothing changed
        assert set(seen) == {"rollback"}


def test_a_write_not_committed_is_still_rolled_back(engine):
    with Session(engine) as first:
        before = first.scalar(QUERY)
    s = Session(engine)
    s.scalar(QUERY)
    s.connection().execute(sa.update(Association).where(Association.code == "chuoeast").values(name="書き換え"))
    finish_read_only(s)
    pending = Session(engine)
    pending.get(Association, pending.scalar(sa.select(Association.id).where(Association.code == "chuoeast"))) \
        .name = "未送信の変更"
    finish_read_only(pending)
    with Session(engine) as check:
        assert check.scalar(QUERY) == before == "中央区東支部"
