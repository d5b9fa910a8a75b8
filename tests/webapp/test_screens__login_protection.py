"""Brute force on the login screen: lockout per account and per address, and its end."""

from __future__ import annotations

import datetime as dt

from membership import accounts

from ..conftest import new_member


def test_twenty_wrong_passwords_lock_the_account_until_the_lockout_ends(app, session, monkeypatch):
    member = new_member(session)
    client = app.test_client()
    codes = [client.post("/login", data={"login_id": member.login_id, "password": f"wrong{i}"}).status_code
             for i in range(20)]
    assert codes[0] == 401 and codes[-1] == 401
    r = client.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    assert r.status_code == 401 and "しばらくログインできません" in r.get_data(as_text=True)  # still locked
    later = accounts._now() + accounts.THROTTLE_WINDOW + dt.timedelta(seconds=1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    r = client.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    assert r.status_code == 302  # the lockout has ended


def test_one_address_trying_many_accounts_is_throttled_too(app, session):
    client = app.test_client()
    environ = {"REMOTE_ADDR": "203.0.113.7"}
    for i in range(accounts.FAILURES_PER_ADDRESS):
        client.post("/login", data={"login_id": f"nobody{i}", "password": "x"}, environ_base=environ)
    member = new_member(session)
    r = client.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}, environ_base=environ)
    assert "しばらくログインできません" in r.get_data(as_text=True)
    other = app.test_client().post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"},
                                   environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 302  # another address is not affected


def test_login_rotates_the_session_and_sets_secure_cookie_flags(app, session):
    member = new_member(session)
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("session")
    r = client.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert before is None or client.get_cookie("session").value != before.value
    page = client.get("/mypage/")
    assert "Content-Security-Policy" in page.headers and page.headers["X-Frame-Options"] == "DENY"
