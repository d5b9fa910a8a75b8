"""A request that loses a race for a unique key (it checked that a login ID, a day, a name was free;
another request took it before the commit) is answered 409 with what to do — not a 500 — on the
screens and in the API, and nothing of it is kept. And a conflict whose parameters include a
`key` (a process key) is rendered, not turned into a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from membership.models import UserAccount

pytestmark = pytest.mark.commits


@pytest.fixture
def racing_app(database_url, tmp_path):
    from webapp import create_app, db

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "race", "EMBEDDED_BEAT": False,
                      "OUTBOX_DIR": str(tmp_path / "outbox"), "UPLOAD_DIR": str(tmp_path / "uploads")})

    def take_a_taken_login():
        """What a request does when another took the login ID between its check and its commit."""
        s = db.session()
        taken = s.scalar(sa.select(UserAccount.login_id).where(UserAccount.role == "admin").limit(1))
        s.add(UserAccount(login_id=f"{taken}", password_hash="x", role="member", display_name="後から来た方"))
        db.commit()
        return "saved"

    app.add_url_rule("/race-test", "race_test", take_a_taken_login)
    app.add_url_rule("/api/v1/race-test", "race_test_api", take_a_taken_login)
    return app


def test_a_lost_unique_key_race_is_a_409_that_says_nothing_was_saved(racing_app, db_engine):
    client = racing_app.test_client()
    r = client.get("/race-test?lang=ja")
    assert r.status_code == 409
    assert "他の操作と重なりました" in r.get_data(as_text=True) and "保存しませんでした" in r.get_data(as_text=True)
    r = client.get("/api/v1/race-test?lang=en")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"
    assert "Nothing was saved" in r.get_json()["error"]["message"]
    with db_engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(UserAccount).where(
            UserAccount.display_name == "後から来た方")) == 0


def test_a_conflict_naming_a_process_key_is_rendered(racing_app):
    from membership.errors import Conflict
    from webapp.api import domain_error_response

    with racing_app.test_request_context("/api/v1/process-definitions/fee_reduction/versions?lang=ja"):
        r = domain_error_response(Conflict("process_deployed_meanwhile", key="fee_reduction"))
    assert r.status_code == 409
    assert "「fee_reduction」の新しい版が同時に公開されました" in r.get_json()["error"]["message"]
