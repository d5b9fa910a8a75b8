"""Pooled PostgreSQL connections: an idle one the server dropped is replaced, not handed out."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

from membership import db

from ..conftest import PG_ADMIN_URL


def _terminate(pid: int) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.parametrize("idle_ping", [True, False], ids=["ping-when-idle", "no-ping"])
def test_a_dropped_idle_connection_is_replaced(monkeypatch, idle_ping):
    monkeypatch.setattr(db, "IDLE_PING_AFTER", 0.0 if idle_ping else 1e9)
    url = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://")  # connects only, writes nothing
    engine = db.make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        _terminate(pid)  # e.g. a server restart while the connection sat in the pool
        if idle_ping:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
        else:
            # The control: without the check the dead connection is handed out and fails.
            with pytest.raises(sa.exc.OperationalError), engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1").scalar()
    finally:
        engine.dispose()
