"""A CSV download of any length is written out inside the request and sent after the request's
session has closed: a client that reads it slowly (or never) holds no transaction. On SQLite
every transaction holds the one write lock, so a stalled download used to stop every user."""

from __future__ import annotations

import sqlite3

import pytest

from ..conftest import prepare_database

pytestmark = pytest.mark.commits


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    from webapp import create_app

    path = tmp_path_factory.mktemp("downloads") / "mamis.db"
    prepare_database(f"sqlite:///{path}")
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "downloads", "EMBEDDED_BEAT": False,
                      "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox"))})
    return app, path


@pytest.mark.parametrize("login_id, path", [("staff@jma", "/members/export.csv"),
                                            ("staff@otaru", "/members/certified.csv?state=expiring"),
                                            ("admin001", "/admin/audit.csv")])
def test_an_unread_download_leaves_the_database_free(sqlite_app, login_id, path):
    app, db_path = sqlite_app
    client = app.test_client()
    assert client.post("/login", data={"login_id": login_id, "password": "Mamis#2024"}).status_code == 302
    download = client.get(path, buffered=False)  # the body is not read yet: a stalled client
    try:
        assert download.status_code == 200 and download.headers["Content-Length"]
        other = sqlite3.connect(db_path, timeout=0.5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another user's write goes through at once
            other.execute("ROLLBACK")
        finally:
            other.close()
        body = b"".join(download.response).decode("utf-8-sig")
        assert body.splitlines()[0].count(",") >= 5, body[:200]
    finally:
        download.close()
