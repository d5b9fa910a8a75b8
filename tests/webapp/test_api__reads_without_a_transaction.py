"""API reads on PostgreSQL run without a transaction (webapp/db.py). Every GET of the API is
answered — never a 500 — when it really runs that way: the other API tests join a test's
transaction, so they cannot see a read that needs one (the draft's dry run held a server-side
cursor, which PostgreSQL allows only inside a transaction)."""

from __future__ import annotations

import re

import pytest

from ..conftest import ROOT
from .conftest import ApiClient

pytestmark = pytest.mark.commits

WITHDRAWAL = (ROOT / "processes/withdrawal/withdrawal.bpmn").read_text(encoding="utf-8")
DRAFT = "/api/v1/process-definitions/withdrawal/draft"


@pytest.fixture
def reading_app(database_url, tmp_path):
    from webapp import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "reads", "EMBEDDED_BEAT": False,
                      "OUTBOX_DIR": str(tmp_path / "outbox"), "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app
    app.extensions["mamis_db"].engine.dispose()


def test_every_api_read_is_answered_outside_a_transaction(reading_app):
    client = reading_app.test_client()
    designer = ApiClient(client, "designer01")
    saved = designer.put(DRAFT, data=WITHDRAWAL, headers={"If-Match": "0"}, content_type="application/xml")
    assert saved.status_code == 200, saved.get_json()
    try:
        r = designer.get(DRAFT + "/dry-run?limit=5")
        assert r.status_code == 200, r.get_json()
        assert isinstance(r.get_json(), list)

        paths = client.get("/api/v1/openapi.json").get_json()["paths"]
        reads = [p for p, ops in paths.items() if "get" in ops]
        ids = {"key": "withdrawal", "version": "latest", "application_id": "1", "task_id": "1", "session_id": "1",
               "instance_id": "1", "physician_id": "1", "code": "sapporo", "run_id": "1", "document_id": "1"}
        for who in ("admin001", "designer01", "staff@jma", "staff@sapporo", "nichiitaro"):
            caller = ApiClient(client, who)
            for path in reads:
                url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "1"), path)
                answer = caller.get(url)
                assert answer.status_code < 500, (who, url, answer.get_data(as_text=True)[:300])
    finally:
        revision = designer.get(DRAFT).get_json()["revision"]
        assert designer.delete(DRAFT, headers={"If-Match": str(revision)}).status_code == 204
