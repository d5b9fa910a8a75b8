"""One SQLAlchemy session per request, and the commit that sends mail only after it succeeds."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request

from membership import notifications
from membership.db import finish_read_only, make_engine, make_session_factory

SAFE_METHODS = ("GET", "HEAD")


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.session_factory = make_session_factory(self.engine)
        # API reads on PostgreSQL run without a transaction (no BEGIN and ROLLBACK round trips;
        # each statement sees committed data). SQLite keeps its one-writer transactions.
        self.read_session_factory = make_session_factory(
            self.engine.execution_options(isolation_level="AUTOCOMMIT")) \
            if self.engine.dialect.name == "postgresql" else self.session_factory


def init_app(app: Flask) -> None:
    app.extensions["mamis_db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close)


def database() -> Database:
    return current_app.extensions["mamis_db"]


def session():
    """The request's session (created on first use). An API GET only reads (every one does), so it
    gets a session without a transaction (see Database)."""
    if "db_session" not in g:
        reading = has_request_context() and request.method in SAFE_METHODS and request.path.startswith("/api/")
        g.db_session = (database().read_session_factory if reading else database().session_factory)()
    return g.db_session


def commit() -> None:
    """Commit the request's work, then enqueue the mail it queued (never before the commit)."""
    s = session()
    s.commit()
    from .jobs import dispatch_notifications

    taken = notifications.take_pending(s)
    if "mail_after_response" in g:  # sent once the answer is out (webapp.views.account.answered_alike)
        g.mail_after_response.extend(taken)
    else:
        dispatch_notifications(taken)


def rollback() -> None:
    s = session()
    s.rollback()
    notifications.take_pending(s)


def _close(exc=None) -> None:
    s = g.pop("db_session", None)
    if s is None:
        return
    if exc is None:
        finish_read_only(s)  # a page that only read keeps its connection's prepared statements
    else:
        s.close()
