"""Brute force on the login screen: lockout per account and per address, and its end."""

from __future__ import annotations

import datetime as dt

from membership import accounts

from ..conftest import new_member
from ..helpers import login_client


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
    cookies = r.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} == {"session", "mamis_known"}
    assert all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert before is None or client.get_cookie("session").value != before.value
    page = client.get("/mypage/")
    assert "Content-Security-Policy" in page.headers and page.headers["X-Frame-Options"] == "DENY"


def test_a_login_left_empty_names_its_fields_and_says_so_in_the_title(app):
    r = app.test_client().post("/login", data={"login_id": "", "password": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "<title>エラー: ログイン" in page
    assert 'id="error-login_id"' in page and 'id="error-password"' in page


def _fail(client, login_id, times, environ=None):
    for i in range(times):
        r = client.post("/login", data={"login_id": login_id, "password": f"wrong{i}"}, environ_base=environ or {})
        assert r.status_code == 401


def test_an_office_behind_one_address_is_not_locked_out_by_failures_on_other_accounts(app, session):
    office = {"REMOTE_ADDR": "203.0.113.20"}
    alice, bob = new_member(session), new_member(session)
    alices_browser = app.test_client()
    assert alices_browser.post("/login", data={"login_id": alice.login_id, "password": "Mamis#2024"},
                               environ_base=office).status_code == 302
    alices_browser.post("/logout")
    # colleagues (or someone on the office network) fail on many accounts from the same address
    for i in range(accounts.FAILURES_PER_ADDRESS):
        app.test_client().post("/login", data={"login_id": f"colleague{i}", "password": "x"}, environ_base=office)
    r = app.test_client().post("/login", data={"login_id": bob.login_id, "password": "Mamis#2024"},
                               environ_base=office)
    assert r.status_code == 401 and "しばらくログインできません" in r.get_data(as_text=True)  # a new browser waits
    r = alices_browser.post("/login", data={"login_id": alice.login_id, "password": "Mamis#2024"},
                            environ_base=office)
    assert r.status_code == 302  # the browser Alice has logged in on before is not held by the address


def test_a_known_browser_is_throttled_on_its_own_and_not_by_guessing_elsewhere(app, session):
    member = new_member(session)
    own = app.test_client()
    assert own.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}).status_code == 302
    own.post("/logout")
    _fail(app.test_client(), member.login_id, accounts.FAILURES_PER_ACCOUNT,
          {"REMOTE_ADDR": "198.51.100.66"})  # someone guessing elsewhere locks the account…
    stranger = app.test_client().post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    assert stranger.status_code == 401
    assert own.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}).status_code == 302
    own.post("/logout")  # …but not for its owner's browser, which has its own count
    _fail(own, member.login_id, accounts.FAILURES_PER_ACCOUNT)
    r = own.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    assert r.status_code == 401 and "しばらくログインできません" in r.get_data(as_text=True)


def test_the_known_device_cookie_is_signed_names_no_login_id_and_vouches_for_its_accounts_only(app, session):
    member, other = new_member(session), new_member(session)
    browser = app.test_client()
    browser.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    browser.post("/logout")
    cookie = browser.get_cookie("mamis_known", path="/login")
    assert cookie is not None and member.login_id not in cookie.value
    _fail(app.test_client(), other.login_id, accounts.FAILURES_PER_ACCOUNT)
    # the cookie is for `member` only: `other`, locked elsewhere, stays locked on this browser
    assert browser.post("/login", data={"login_id": other.login_id, "password": "Mamis#2024"}).status_code == 401
    forged = app.test_client()
    forged.set_cookie("mamis_known", cookie.value[:-4] + "AAAA", path="/login")
    _fail(app.test_client(), member.login_id, accounts.FAILURES_PER_ACCOUNT)
    assert forged.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}).status_code == 401
    assert browser.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}).status_code == 302


def test_logging_out_ends_the_login_so_a_copied_cookie_stops_working(app, session):
    member = new_member(session)
    browser = app.test_client()
    assert browser.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}).status_code == 302
    copied = browser.get_cookie("session").value  # e.g. left behind on a shared PC
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/mypage/").status_code == 200
    browser.post("/logout")
    again = thief.get("/mypage/")
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_pages_for_a_logged_in_user_are_not_cached_static_files_are(app, session):
    member = new_member(session)
    browser = app.test_client()
    browser.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    assert browser.get("/mypage/").headers["Cache-Control"] == "no-store"
    assert browser.get("/mypage/history").headers["Cache-Control"] == "no-store"
    assert "no-store" not in (browser.get("/static/css/app.css").headers.get("Cache-Control") or "")


def test_after_login_only_a_path_on_this_site_is_followed(app, session):
    member = new_member(session)
    for target in ("/\t/evil.example/phish", "//evil.example", "/\\evil.example", "https://evil.example/"):
        r = app.test_client().post("/login", query_string={"next": target},
                                   data={"login_id": member.login_id, "password": "Mamis#2024"})
        assert r.status_code == 302 and r.headers["Location"] == "/mypage/", target
    r = app.test_client().post("/login", query_string={"next": "/mypage/history"},
                               data={"login_id": member.login_id, "password": "Mamis#2024"})
    assert r.headers["Location"] == "/mypage/history"


def test_a_password_change_voids_every_browsers_known_device_entry(app, session):
    """Cookies gathered while an old password was known must not exempt anyone from the account's
    lock afterwards."""
    member = new_member(session)
    old_browser = app.test_client()
    assert old_browser.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}).status_code == 302
    old_browser.post("/logout")
    owner = login_client(app, member.login_id)
    r = owner.post("/account/credentials", data={"current_password": "Mamis#2024", "login_id": member.login_id,
                                                  "password": "New#pass99", "password_confirm": "New#pass99"})
    assert r.status_code == 302, r.get_data(as_text=True)
    _fail(app.test_client(), member.login_id, accounts.FAILURES_PER_ACCOUNT)  # locked
    r = old_browser.post("/login", data={"login_id": member.login_id, "password": "New#pass99"})
    assert r.status_code == 401 and "しばらくログインできません" in r.get_data(as_text=True)


def test_changing_a_verified_address_needs_the_password_and_tells_the_old_address(app, session):
    """The address is where a password reset goes: a borrowed session must not redirect it."""
    import sqlalchemy as sa

    from membership.models import Notification, OneTimeToken, UserAccount

    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    old = account.email
    client = login_client(app, member.login_id)
    assert 'id="current_password"' in client.get("/account/email").get_data(as_text=True)
    r = client.post("/account/email", data={"email": "new@example.jp", "email_confirm": "new@example.jp"})
    assert r.status_code == 422 and "現在のパスワード" in r.get_data(as_text=True)
    assert not session.scalars(sa.select(OneTimeToken).where(OneTimeToken.email == "new@example.jp")).all()
    r = client.post("/account/email", data={"email": "new@example.jp", "email_confirm": "new@example.jp",
                                            "current_password": "Mamis#2024"})
    assert r.status_code == 200
    body = session.scalar(sa.select(Notification.body).where(Notification.to_address == "new@example.jp"))
    token = body.split("/account/verify/")[1].split()[0]
    client.get(f"/account/verify/{token}")
    session.refresh(account)
    assert account.email == "new@example.jp"
    told = session.scalar(sa.select(Notification.subject).where(Notification.to_address == old)
                          .order_by(Notification.id.desc()))
    assert told == "【MAMIS】メールアドレスが変更されました"


def test_wrong_current_passwords_count_towards_the_accounts_lock(app, session):
    member = new_member(session)
    client = login_client(app, member.login_id)
    for i in range(accounts.FAILURES_PER_ACCOUNT):
        r = client.post("/account/credentials", data={"current_password": f"wrong{i}", "login_id": member.login_id,
                                                      "password": "New#pass99", "password_confirm": "New#pass99"})
        assert r.status_code == 422
    r = client.post("/account/credentials", data={"current_password": "Mamis#2024", "login_id": member.login_id,
                                                  "password": "New#pass99", "password_confirm": "New#pass99"})
    assert r.status_code == 422 and "しばらく" in r.get_data(as_text=True)  # the right one too, for now
    assert app.test_client().post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}
                                  ).status_code == 401  # and logins from elsewhere


def test_an_empty_mail_change_form_asks_for_everything_and_counts_nothing(app, session):
    member = new_member(session)
    client = login_client(app, member.login_id)
    for _ in range(accounts.FAILURES_PER_ACCOUNT + 1):
        r = client.post("/account/email", data={})
        page = r.get_data(as_text=True)
        assert r.status_code == 422 and "現在のパスワードを入力してください" in page and "メールアドレス" in page
    assert app.test_client().post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}
                                  ).status_code == 302  # not locked


def test_behind_a_proxy_the_throttle_counts_each_client_not_the_proxy(app, session, monkeypatch):
    """With PROXY_HOPS=1 (compose behind TLS), one client's guesses do not lock out the others
    who come through the same proxy; without it a client's own X-Forwarded-For is not believed."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from webapp import create_app

    configured = create_app({"SECRET_KEY": "x", "EMBEDDED_BEAT": False, "PROXY_HOPS": 1,
                             "DATABASE_URL": app.config["DATABASE_URL"]})
    assert isinstance(configured.wsgi_app, ProxyFix) and configured.wsgi_app.x_for == 1
    assert not isinstance(create_app({"SECRET_KEY": "x", "EMBEDDED_BEAT": False,
                                      "DATABASE_URL": app.config["DATABASE_URL"]}).wsgi_app, ProxyFix)
    member = new_member(session)
    proxied = app  # the test's own app (its database session), with what PROXY_HOPS=1 puts in front
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    guesser = proxied.test_client()
    for i in range(accounts.FAILURES_PER_ADDRESS):
        guesser.post("/login", data={"login_id": f"nobody{i}", "password": "x"}, environ_base=proxy,
                     headers={"X-Forwarded-For": "203.0.113.50"})
    refused = guesser.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"},
                           environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.50"})
    assert "しばらくログインできません" in refused.get_data(as_text=True)
    other = proxied.test_client().post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"},
                                       environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.20"})
    assert other.status_code == 302  # another client behind the same proxy logs in
    # without PROXY_HOPS the header is the client's word and is not believed: the address is the proxy's
    monkeypatch.undo()
    spoofer = app.test_client()
    for i in range(accounts.FAILURES_PER_ADDRESS):
        spoofer.post("/login", data={"login_id": f"nobody{i}", "password": "x"},
                     environ_base={"REMOTE_ADDR": "10.9.9.9"}, headers={"X-Forwarded-For": f"192.0.2.{i}"})
    r = spoofer.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"},
                     environ_base={"REMOTE_ADDR": "10.9.9.9"}, headers={"X-Forwarded-For": "192.0.2.200"})
    assert "しばらくログインできません" in r.get_data(as_text=True)


def test_a_login_left_unused_ends_sooner_for_staff_than_for_members(app, session, monkeypatch):
    """A shared PC left logged in: after an hour without a request a staff login ends (two for a
    member's own); using it keeps it alive, and a copied cookie ages the same way."""
    from webapp import security

    clock = [security._now()]
    monkeypatch.setattr(security, "_now", lambda: clock[0])
    staff = login_client(app, "staff@otaru")
    member = login_client(app, new_member(session, prefix="idle").login_id)
    assert staff.get("/inbox").status_code == 200 and member.get("/mypage/").status_code == 200
    for _ in range(3):  # in use all morning: every 50 minutes a request
        clock[0] += 50 * 60
        assert staff.get("/inbox").status_code == 200 and member.get("/mypage/").status_code == 200
    copied = app.test_client()
    copied.set_cookie("session", staff.get_cookie("session").value)  # a copy of the cookie as it is now
    clock[0] += 61 * 60
    r = staff.get("/inbox")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    page = staff.get(r.headers["Location"]).get_data(as_text=True)
    assert "しばらく操作がなかったため" in page
    assert staff.get("/inbox").status_code == 302  # reloading does not log back in
    assert copied.get("/inbox").status_code == 302  # the copy aged with it
    assert copied.get("/inbox").status_code == 302
    assert member.get("/mypage/").status_code == 200  # a member's limit is two hours
    clock[0] += 121 * 60
    assert member.get("/mypage/").status_code == 302
    again = login_client(app, "staff@otaru")  # logging in again works at once
    assert again.get("/inbox").status_code == 200


def test_a_page_asking_by_itself_keeps_no_login_alive_and_extending_does(app, session, monkeypatch):
    """The inbox's counts polled every minute are no use of the login (a page left open would never
    log out); 「ログインを延長する」 (/keepalive) is. Each page says the limit, for the warning."""
    from webapp import security

    clock = [security._now()]
    monkeypatch.setattr(security, "_now", lambda: clock[0])
    staff = login_client(app, "staff@otaru")
    page = staff.get("/inbox").get_data(as_text=True)
    assert f'<meta name="idle-limit" content="{security.IDLE_LIMIT_STAFF}"' in page and "js/idle.js" in page
    assert 'hx-headers=\'{"X-Mamis-Poll": "1"}\'' in page
    polled = {"HX-Request": "true", security.POLL_HEADER: "1"}
    for _ in range(5):  # the page left open: its counts asked for every ten minutes (here)
        clock[0] += 10 * 60
        assert staff.get("/inbox/counts", headers=polled).status_code == 200
    assert staff.get("/keepalive").status_code == 204  # extended in time (50 minutes unused)
    clock[0] += 50 * 60
    assert staff.get("/inbox/counts", headers=polled).status_code == 200  # alive: extended 50 min ago
    clock[0] += 11 * 60
    # 61 minutes, polled all along: ended; the poll gets a 401 htmx does not draw (not the login page)
    assert staff.get("/inbox/counts", headers=polled).status_code == 401
    assert staff.get("/keepalive").status_code == 401  # ended: the page says so
    assert '<meta name="idle-limit"' not in app.test_client().get("/login").get_data(as_text=True)


def test_a_screen_login_older_than_its_lifetime_ends_without_the_nightly_purge(app, session, monkeypatch):
    from webapp import security

    client = login_client(app, "staff@otaru")
    monkeypatch.setattr(security, "_idle_too_long", lambda role: False)  # in use all along
    assert client.get("/inbox").status_code == 200
    later = accounts._now() + accounts.LOGIN_SESSION_LIFETIME + dt.timedelta(minutes=1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    assert client.get("/inbox").status_code == 302


def test_logging_out_keeps_the_language_of_the_screens(app, session):
    client = login_client(app, "staff@otaru")
    client.get("/inbox?lang=en")
    r = client.post("/logout", follow_redirects=True)
    assert '<html lang="en">' in r.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302  # logged out all the same
