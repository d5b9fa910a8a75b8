"""Database plumbing shared by every layer: the declarative base, column types and engines."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

#: JSON on SQLite, JSONB on PostgreSQL.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: trigram (pg_trgm) indexes for "contains" searches, PostgreSQL only (migration 0030): not in the
#: models, which describe both databases — the migration check and autogenerate leave them alone
SEARCH_INDEXES = {
    "ix_physicians_name_trgm": ("physicians", "(family_name || given_name)"),
    "ix_physicians_kana_trgm": ("physicians", "(family_kana || given_kana)"),
    "ix_physicians_registry_trgm": ("physicians", "registry_number"),
    "ix_user_accounts_login_trgm": ("user_accounts", "login_id"),
}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: every object but the PostgreSQL-only search indexes."""
    return not (type_ == "index" and name in SEARCH_INDEXES)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    """Timezone-aware now; stored as naive UTC so SQLite and PostgreSQL compare alike."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _json_dumps(value) -> str:
    # orjson: a process instance's state (≈ 12 KB) is written at every engine step
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, **kwargs) -> sa.Engine:
    """An engine for `url`, with SQLite set up for a web app: foreign keys on, WAL, busy wait.
    JSON columns are written and read with orjson."""
    kwargs.setdefault("json_serializer", _json_dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 15}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not pysqlite, control transactions (savepoints work then).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            # Every transaction takes SQLite's one write lock at its start: writers queue up (with
            # the busy timeout) instead of failing on a stale snapshot, and a transaction that has
            # begun has exclusive write access, which is SQLite's equivalent of a row lock.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No JIT compilation: this is short OLTP work, where a correlated EXISTS or a row-by-row text
    # test pushes the planner's cost estimates past jit_above_cost and JIT then adds 150–340 ms to
    # a 100 ms query (measured at 300,000 physicians). Set per connection, so any server will do.
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("options", "-c jit=off")
    engine = sa.create_engine(url, pool_recycle=3600, connect_args=connect_args, **kwargs)
    _ping_when_idle(engine)
    _track_writes(engine)
    return engine


_WROTE = "mamis_wrote"


def _track_writes(engine: sa.Engine) -> None:
    """Note on the connection whether its transaction sent anything but a SELECT (see
    `finish_read_only`)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(conn, _cursor, statement, _params, context, _executemany):
        if _WROTE not in conn.info and (context.isinsert or context.isupdate or context.isdelete
                                        or statement.lstrip()[:6].upper() != "SELECT"):
            conn.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _reset(conn):
        if not (conn.invalidated or conn.closed):  # a lost connection's info cannot be reached
            conn.info.pop(_WROTE, None)


def finish_read_only(session: Session) -> None:
    """End a session whose transaction only read with COMMIT rather than ROLLBACK, then close it.

    On PostgreSQL, psycopg drops every prepared statement of a connection at a ROLLBACK (and sends
    DEALLOCATE ALL): a page view ending with one would cost two round trips and the next requests
    would plan every query again. Anything written, pending or failed is rolled back as before.
    """
    try:
        if session.in_transaction() and not (session.new or session.dirty or session.deleted or session.info):
            conn = session.connection()
            if conn.dialect.name == "postgresql" and not conn.info.get(_WROTE) and not conn.invalidated \
                    and conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                session.commit()
    finally:
        session.close()


#: a pooled connection unused for longer than this is checked before use (decision 0010)
IDLE_PING_AFTER = 10.0


def _ping_when_idle(engine: sa.Engine) -> None:
    """Check a connection before use only when it sat idle in the pool; a busy pool pays nothing.

    A connection the server dropped (restart, idle timeout) is replaced transparently: raising
    DisconnectionError at checkout makes the pool try a fresh one.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check_if_idle(dbapi_conn, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < IDLE_PING_AFTER:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001 - any failure means: use another connection
            raise sa.exc.DisconnectionError() from exc
        if not alive:
            raise sa.exc.DisconnectionError()


def make_session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lost_a_race(exc: BaseException) -> bool:
    """A unique key refused a row another transaction wrote a moment before (both had checked that
    it was free): PostgreSQL's unique_violation 23505, SQLite's "UNIQUE constraint failed"."""
    if not isinstance(exc, sa.exc.IntegrityError):
        return False
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def serialise(session: Session, name: str) -> None:
    """One transaction at a time for the work called `name` (e.g. member imports): a transaction
    advisory lock on PostgreSQL, held until commit or rollback; SQLite's BEGIN IMMEDIATE already
    lets one writer in at a time."""
    if is_postgresql(session):
        session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
