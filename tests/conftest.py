"""Shared fixtures: every database test runs on SQLite and on the PostgreSQL at 127.0.0.1:5432.

Each test runs inside a transaction that is rolled back at the end (the app's sessions join it
through savepoints). Tests marked `commits` use real commits and make their own unique data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from sqlalchemy.orm import Session

from engine.bootstrap import prepare_demo_database
from membership.actors import Actor
from membership.models import UserAccount
from membership.physicians import register_physician

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("MAMIS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def _postgres_database():
    if not _pg_available():
        if IN_CI:
            pytest.fail("PostgreSQL on 127.0.0.1:5432 is required in CI (run tools/start_services.sh)")
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is not running")
    name = f"mamis_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_database(url: str) -> None:
    """Migrate, load the demo data and deploy the processes, with real commits."""
    prepare_demo_database(url, ROOT / "processes")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'mamis.db'}"
        prepare_database(url)
        yield url
    else:
        with _postgres_database() as url:
            prepare_database(url)
            yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from webapp import create_app

    flask_app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "BROKER_URL": None,
        "SMTP_URL": None,
        "WTF_CSRF_ENABLED": False,
        "OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "SECRET_KEY": "test-secret",
        "ANSWER_FLOOR_SECONDS": 0,  # one test sets it (test_screens__accounts)
    })
    from flask.testing import FlaskClient

    class ServedClient(FlaskClient):
        """Reads the whole answer and closes it before returning, as a server does once it has sent
        it: what a view hands on after its answer (response.call_on_close) has happened then."""

        def open(self, *args, buffered=True, **kwargs):
            return super().open(*args, buffered=buffered, **kwargs)

    flask_app.test_client_class = ServedClient
    yield flask_app
    flask_app.extensions["mamis_db"].engine.dispose()


@pytest.fixture
def db_engine(app):
    return app.extensions["mamis_db"].engine


@pytest.fixture
def session(app, db_engine, request):
    """A session in a transaction rolled back after the test; the app's requests and jobs join it."""
    connection = db_engine.connect()
    outer = connection.begin()
    database = app.extensions["mamis_db"]
    real_factory, real_reader = database.session_factory, database.read_session_factory

    def factory():
        return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    database.session_factory = database.read_session_factory = factory
    s = factory()
    try:
        yield s
        if "inconsistent" not in request.keywords:
            # every scenario ends with the database sound (as `flask check integrity` sees it)
            from engine import integrity

            s.flush()
            problems = integrity.check(s, Path(app.config["UPLOAD_DIR"]))
            assert problems == [], problems
    finally:
        s.close()
        database.session_factory, database.read_session_factory = real_factory, real_reader
        outer.rollback()
        connection.close()


@pytest.fixture
def commit_session(app, db_engine):
    """A plain session with real commits (for tests marked `commits`)."""
    s = Session(db_engine, expire_on_commit=False)
    yield s
    s.close()


def actor_for(s: Session, login_id: str) -> Actor:
    return Actor.of(s.scalar(sa.select(UserAccount).where(UserAccount.login_id == login_id)))


def new_member(s: Session, prefix: str = "doc") -> Actor:
    """A fresh physician with a member account, made through the real use case."""
    suffix = uuid.uuid4().hex[:8]
    account = register_physician(s, None, login_id=f"{prefix}{suffix}", password="Mamis#2024", family_name="試験",
                                 given_name="一郎", family_kana="シケン", given_kana="イチロウ",
                                 email=f"{prefix}{suffix}@example.jp")
    s.flush()
    return Actor.of(account)


@pytest.fixture
def outbox(app):
    path = Path(app.config["OUTBOX_DIR"])
    for old in path.glob("*.eml"):
        old.unlink()
    return path


def query_count(engine, call) -> int:
    """How many SQL statements `call()` sends."""
    with QueryCounter(engine) as counter:
        call()
    return counter.count


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def clock(monkeypatch):
    """Move the clock SpiffWorkflow's timers read (`datetime.now` in its timer module) by `clock.shift`,
    and the one the escalation reads to tell whether a review is overdue."""
    from engine import escalation
    from membership.db import utcnow

    real = dt.datetime

    class Shifted(real):
        shift = dt.timedelta()

        @classmethod
        def now(cls, tz=None):
            return real.now(tz) + cls.shift

    monkeypatch.setattr(spiff_timer, "datetime", Shifted)
    monkeypatch.setattr(escalation, "utcnow", lambda: utcnow() + Shifted.shift)
    return Shifted


@pytest.fixture
def business_day(monkeypatch):
    """The morning digest runs on business days only: make "today" for the beat jobs the latest
    business day up to today (a run on a Sunday or in 年末年始 still mails). Returns that day."""
    from membership import calendar
    from membership.fields import today_jst
    from webapp import jobs

    day = today_jst()
    while not calendar.is_business_day(day):
        day -= dt.timedelta(days=1)
    monkeypatch.setattr(jobs, "today_jst", lambda: day)
    return day
