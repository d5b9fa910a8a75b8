"""POST /api/v1/auth/token: tokens, wrong credentials, throttling."""

from __future__ import annotations

from ..conftest import new_member


def test_token_and_user(api):
    client = api("staff@sapporo")
    r = client.client.post("/api/v1/auth/token", json={"login_id": "staff@sapporo", "password": "Mamis#2024"})
    assert r.get_json()["user"] == {"login_id": "staff@sapporo", "name": "札幌市医師会 事務局",
                                    "role": "secretariat", "association": "sapporo"}


def test_wrong_credentials_are_401_and_repeated_failures_429(app, session):
    member = new_member(session)
    client = app.test_client()
    for _ in range(5):
        r = client.post("/api/v1/auth/token", json={"login_id": member.login_id, "password": "wrong"})
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
        assert r.headers["WWW-Authenticate"] == "Bearer"
    r = client.post("/api/v1/auth/token", json={"login_id": member.login_id, "password": "Mamis#2024"})
    assert r.status_code == 429 and "分後" in r.get_json()["error"]["message"]
    assert r.headers["Retry-After"] == "900"  # fifteen minutes at most


def test_missing_fields_are_422_naming_them(app, session):
    r = app.test_client().post("/api/v1/auth/token", json={"login_id": "x"})
    assert r.status_code == 422 and r.get_json()["error"]["fields"] == {"password": "パスワードを入力してください。"}


def test_a_bad_token_is_401(app, session):
    r = app.test_client().get("/api/v1/members/me", headers={"Authorization": "Bearer forged"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"


def test_the_scheme_name_is_case_insensitive(api, app):
    token = api("staff@sapporo").headers["Authorization"].split(" ", 1)[1]
    for scheme in ("bearer", "BEARER", "Bearer"):
        r = app.test_client().get("/api/v1/members/me", headers={"Authorization": f"{scheme} {token}"})
        assert r.status_code == 200, scheme
    assert app.test_client().get("/api/v1/members/me", headers={"Authorization": "Basic " + token}).status_code == 401


def test_a_client_revokes_its_own_token_and_only_that_one(api, app):
    """DELETE /auth/token logs a client out: that token answers 401 from then on; the account's
    other tokens (another device) stay valid."""
    first, second = api("staff@sapporo"), api("staff@sapporo")
    assert first.delete("/api/v1/auth/token").status_code == 204
    assert first.get("/api/v1/members/me").status_code == 401
    assert first.delete("/api/v1/auth/token").status_code == 401  # already gone
    assert second.get("/api/v1/members/me").status_code == 200
    assert app.test_client().delete("/api/v1/auth/token").status_code == 401  # no token at all


def test_an_answer_says_its_language_and_that_the_browsers_choice_changes_it(api):
    english = api("staff@sapporo").get("/api/v1/tasks/999999999", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and english.headers["Content-Language"] == "en"
    assert "Accept-Language" in english.headers["Vary"]
    japanese = api("staff@sapporo").get("/api/v1/tasks/999999999", headers={"Accept-Language": "ja"})
    assert japanese.headers["Content-Language"] == "ja"
