from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..conftest import IN_CI, prepare_database
from ..helpers import enrolment_body
from .browser import CHROMIUM


class ApiClient:
    """A test client that logs in through POST /api/v1/auth/token and sends the bearer token."""

    def __init__(self, client, login_id: str | None):
        self.client = client
        self.headers = {}
        if login_id:
            r = client.post("/api/v1/auth/token", json={"login_id": login_id, "password": "Mamis#2024"})
            assert r.status_code == 200, r.get_json()
            self.headers = {"Authorization": f"Bearer {r.get_json()['token']}"}

    def get(self, url, **kw):
        return self.client.get(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def patch(self, url, **kw):
        return self.client.patch(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)


@pytest.fixture
def api(app, session):
    client = app.test_client()
    return lambda login_id=None: ApiClient(client, login_id)


@pytest.fixture
def enrolled(api, session):
    """A fresh member who has filed a four-layer enrolment through the API: (client, application)."""
    from ..conftest import new_member

    member = new_member(session)
    client = api(member.login_id)
    r = client.post("/api/v1/applications", json=enrolment_body())
    assert r.status_code == 201, r.get_json()
    assert r.headers["Location"] == f"/api/v1/applications/{r.get_json()['id']}"  # where it now is
    return client, r.get_json()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("Debian's chromium is required in CI (make browser)")
        pytest.skip("chromium is not installed")
    from webapp import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'mamis.db'}"
    prepare_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test", "EMBEDDED_BEAT": False,
                      "OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
                      "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads"))})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        yield browser
        browser.close()
