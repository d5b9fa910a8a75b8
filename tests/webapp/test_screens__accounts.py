"""Account screens through the real pages: registration, first login, email link, password reset."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import sqlalchemy as sa

from membership import registration
from membership.models import Notification, OneTimeToken, UserAccount

from ..conftest import actor_for, new_member


def text(r):
    return r.get_data(as_text=True)


def mailed_link(session, address: str) -> str:
    body = session.scalars(sa.select(Notification.body).where(Notification.to_address == address)
                           .order_by(Notification.id.desc())).first()
    assert body, f"no mail to {address}"
    return re.search(r"http://localhost(/\S+)", body).group(1)


def form_data(**over) -> dict:
    data = {
        "login_id": f"web{uuid.uuid4().hex[:8]}", "password": "Mamis#2024", "password_confirm": "Mamis#2024",
        "registry_number": f"{uuid.uuid4().int % 1_000_000:06d}", "registry_date": "2000-05-01",
        "family_kana": "ニチイ", "given_kana": "ハナコ", "family_name": "日医", "given_name": "花子",
        "postal_code": "060-0001", "prefecture": "北海道", "address": "札幌市中央区北一条西1-1",
        "mobile": "090-1234-5678", "birth_date": "1975-06-01", "sex": "F", "main_department": "13",
        "alma_mater": "北海道大学", "graduated_on": "2000-03", "societies-0": "日本小児科学会",
    }
    data.update(over)
    return data


def test_self_registration_walks_terms_email_link_form_confirm_and_register(app, session):
    client = app.test_client()
    r = client.get("/login")
    assert "未登録の方" in text(r) and "パスワードをお忘れの方" in text(r)
    assert client.get("/register/email").status_code == 302  # the terms come first
    r = client.post("/register", data={})
    assert r.status_code == 422 and "利用規約に同意してください" in text(r)
    assert client.post("/register", data={"agree": "y"}).headers["Location"].endswith("/register/email")
    address = f"web{uuid.uuid4().hex[:6]}@example.jp"
    r = client.post("/register/email", data={"email": address, "email_confirm": "other@example.jp"})
    assert r.status_code == 422 and "メールアドレス（確認）が一致しません" in text(r)
    r = client.post("/register/email", data={"email": address, "email_confirm": address})
    assert r.status_code == 200 and address in text(r)
    assert "お問合せ窓口" in text(r) and "所属医師会事務局" not in text(r)  # no association yet to ask
    link = mailed_link(session, address)
    r = client.get(link)
    assert r.status_code == 200 and "医籍登録番号" in text(r) and "札幌医科大学" in text(r)  # school list
    bad = client.post(link, data=form_data(registry_number="12345", family_kana="日医"))
    assert bad.status_code == 422
    assert "医籍登録番号は半角数字6文字で入力してください" in text(bad)
    assert "セイ（フリガナ）は全角カタカナで入力してください" in text(bad)
    data = form_data()
    r = client.post(link, data=data)
    assert r.status_code == 200 and "入力内容の確認" in text(r) and data["login_id"] in text(r)
    assert "Mamis#2024" not in text(r) and 'name="password"' not in text(r)  # not carried in the page
    # nor in the cookie (signed, not encrypted: readable by whoever holds it) — kept with the link
    cookie = client.get_cookie("session")
    kept = app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}
    assert not any("argon2" in str(v) or "scrypt" in str(v) or "pbkdf2" in str(v) for v in kept.values()), kept
    link_row = sa.select(OneTimeToken).where(OneTimeToken.email == address, OneTimeToken.purpose == "register")
    assert session.scalar(link_row).kept_hash
    sent_back = {k: v for k, v in data.items() if k not in ("password", "password_confirm")}
    # 修正する: the form again, filled in, with no error (the password is kept, not asked again)
    back = client.post(link, data={**sent_back, "step": "back"})
    assert back.status_code == 200 and 'id="password-kept"' in text(back) and "field-error" not in text(back)
    assert f'value="{data["login_id"]}"' in text(back)
    again = client.post(link, data={**sent_back, "family_name": "日医改", "step": "confirm"})  # confirmed again
    assert again.status_code == 200 and "入力内容の確認" in text(again) and "日医改" in text(again)
    r = client.post(link, data={**sent_back, "step": "register"})  # as the confirmation page sends it
    assert r.status_code == 200 and "利用者登録が完了しました" in text(r)
    session.expire_all()
    assert session.scalar(link_row).kept_hash is None  # used: nothing kept
    account = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == data["login_id"]))
    assert account.physician.family_kana == "ニチイ" and account.physician.societies == ["日本小児科学会"]
    r = client.get(link)
    assert r.status_code == 410 and "すでに使用された" in text(r)
    r = client.post("/login", data={"login_id": data["login_id"], "password": "Mamis#2024"})
    assert r.status_code == 302


def test_postal_code_fills_prefecture_and_address(app, session):
    """The prefecture is answered as a field; the town travels in the HX-Trigger header, for the page
    to put in front of what is typed in the address box (which the answer never replaces)."""
    import json

    client = app.test_client()
    r = client.get("/postal-code", query_string={"postal_code": "０６０－０００１", "prefecture": "", "address": ""})
    assert '<option value="北海道" selected' in text(r) and 'id="address"' not in text(r)
    assert json.loads(r.headers["HX-Trigger"]) == {"postal-found": {"code": "060-0001", "town": "札幌市中央区北一条西",
                                                                    "sent": ""}}
    # an address already typed is kept; the code's town is offered beside it
    r = client.get("/postal-code", query_string={"postal_code": "060-0001", "prefecture": "", "address": "テスト1-2-3"})
    assert "この郵便番号の住所は「札幌市中央区北一条西」です" in text(r) and 'hx-swap-oob="true"' in text(r)
    r = client.get("/postal-code", query_string={"postal_code": "060-0001", "prefecture": "",
                                                 "address": "札幌市中央区北一条西1-2-3"})
    assert "住所をご確認ください" not in text(r)
    r = client.get("/postal-code", query_string={"postal_code": "999-9999", "prefecture": "", "address": ""})
    assert "HX-Trigger" not in r.headers and "999-9999" in text(r)  # unknown: said beside the code


def test_issued_credentials_gate_every_screen_until_terms_email_and_change(app, session):
    member = new_member(session)
    account, temporary = registration.issue_credentials(session, actor_for(session, "admin001"), member.physician_id)
    session.flush()
    client = app.test_client()
    r = client.post("/api/v1/auth/token", json={"login_id": account.login_id, "password": temporary})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "setup_required"
    r = client.post("/login", data={"login_id": account.login_id, "password": temporary})
    assert r.status_code == 302
    for path in ("/mypage/", "/apply/enrolment", "/account/credentials"):
        assert client.get(path).headers["Location"].endswith("/account/terms"), path
    r = client.post("/account/terms", data={"agree": "y"})
    assert r.headers["Location"].endswith("/account/email")
    assert client.get("/mypage/").headers["Location"].endswith("/account/email")
    address = f"first{uuid.uuid4().hex[:6]}@example.jp"
    client.post("/account/email", data={"email": address, "email_confirm": address})
    r = client.get(mailed_link(session, address))
    assert r.status_code == 200 and "ログインID・パスワードの変更" in text(r)
    assert client.get("/mypage/").headers["Location"].endswith("/account/credentials")
    r = client.post("/account/credentials", data={"current_password": temporary, "login_id": account.login_id,
                                                  "password": "New#pass99", "password_confirm": "New#pass99"})
    assert r.status_code == 422 and "初期のものから変更してください" in text(r)
    r = client.post("/account/credentials", data={"current_password": temporary, "login_id": "newid#web1",
                                                  "password": "New#pass99", "password_confirm": "New#pass99"})
    assert r.status_code == 302
    assert client.get("/mypage/").status_code == 200  # the renewed session goes on


def test_password_reset_by_mail_and_every_other_session_ends(app, session):
    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    other = app.test_client()
    assert other.post("/login", data={"login_id": account.login_id, "password": "Mamis#2024"}).status_code == 302
    assert other.get("/mypage/").status_code == 200
    client = app.test_client()
    r = client.post("/password/forgot", data={"login_id": account.login_id, "email": account.email})
    assert r.status_code == 200 and "メールを送信しました" in text(r)
    link = mailed_link(session, account.email)
    r = client.post(link, data={"password": "short", "password_confirm": "short"})
    assert r.status_code == 422 and "新しいパスワードは半角英字・数字・記号の3種類すべて" in text(r)  # as labelled
    r = client.post(link, data={"password": "Reset#2025", "password_confirm": "Reset#2025"})
    assert r.status_code == 200 and "パスワードを再設定しました" in text(r)
    assert other.get("/mypage/").status_code == 302  # logged out everywhere
    assert client.get(link).status_code == 410
    tampered = client.get("/password/reset/tampered-token")
    assert tampered.status_code == 400 and "パスワードの再設定をやり直す" in text(tampered)
    assert "利用者登録をはじめからやり直す" not in text(tampered)  # the way back into this flow, not every flow


def test_a_reset_link_mailed_before_a_password_change_no_longer_works(app, session):
    """Asked for a reset, then changed the password while logged in (or the address): the link in
    the mailbox must not set another password afterwards."""
    member = new_member(session, prefix="rst")
    account = session.get(UserAccount, member.user_id)
    app.test_client().post("/password/forgot", data={"login_id": account.login_id, "email": account.email})
    link = mailed_link(session, account.email)
    client = app.test_client()
    client.post("/login", data={"login_id": account.login_id, "password": "Mamis#2024"})
    r = client.post("/account/credentials", data={"current_password": "Mamis#2024", "login_id": account.login_id,
                                                  "password": "Changed#2025", "password_confirm": "Changed#2025"})
    assert r.status_code == 302
    stale = app.test_client()
    assert stale.get(link).status_code == 410
    r = stale.post(link, data={"password": "Hijack#2025", "password_confirm": "Hijack#2025"})
    assert r.status_code == 410
    assert app.test_client().post("/login", data={"login_id": account.login_id,
                                                  "password": "Hijack#2025"}).status_code != 302
    # a new request after the change works as before
    app.test_client().post("/password/forgot", data={"login_id": account.login_id, "email": account.email})
    assert app.test_client().get(mailed_link(session, account.email)).status_code == 200


def mails_to(session, address: str) -> list[Notification]:
    return list(session.scalars(sa.select(Notification).where(Notification.to_address == address)
                                .order_by(Notification.id)))


def test_registering_again_with_a_registered_address_reminds_of_the_account(app, session):
    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    before = len(mails_to(session, account.email))
    client = app.test_client()
    client.post("/register", data={"agree": "y"})
    r = client.post("/register/email", data={"email": account.email.upper(), "email_confirm": account.email.upper()})
    assert r.status_code == 200 and "メールを送信しました" in text(r)  # the screen tells nothing more
    sent = mails_to(session, account.email)[before:]
    assert len(sent) == 1 and "すでに次のログインIDで登録されています" in sent[0].body
    assert account.login_id in sent[0].body and "/register/form/" not in sent[0].body  # no second account


def test_a_forgotten_login_id_is_mailed_to_the_registered_address(app, session):
    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    client = app.test_client()
    assert "ログインIDをお忘れの方はこちら" in text(client.get("/login"))
    r = client.post("/login-id/forgot", data={"email": "not-an-address"})
    assert r.status_code == 422 and 'id="error-email"' in text(r)
    r = client.post("/login-id/forgot", data={"email": account.email})
    assert r.status_code == 200 and "ログインIDをお送りしました" in text(r)
    assert account.login_id in mails_to(session, account.email)[-1].body
    nobody = f"nobody{uuid.uuid4().hex[:6]}@example.jp"
    r = client.post("/login-id/forgot", data={"email": nobody})
    assert r.status_code == 200 and "ログインIDをお送りしました" in text(r) and mails_to(session, nobody) == []


def test_the_forgotten_forms_mail_one_address_at_most_three_times_a_quarter_hour(app, session):
    """Sent in a loop, they would flood the member's inbox from the system's address (and keep
    cancelling the reset link the member was sent): the fourth is answered alike, and not sent."""
    from membership.models import OneTimeToken

    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    client = app.test_client()
    for _ in range(5):
        assert "ログインIDをお送りしました" in text(client.post("/login-id/forgot", data={"email": account.email}))
        r = client.post("/password/forgot", data={"login_id": account.login_id, "email": account.email})
        assert r.status_code == 200 and "メールを送信しました" in text(r)
    subjects = [m.subject for m in mails_to(session, account.email)]
    assert len(subjects) == 6  # three of each
    live = session.scalars(sa.select(OneTimeToken).where(OneTimeToken.user_id == account.id,
                                                         OneTimeToken.purpose == "reset_password")).all()
    assert len(live) == 3  # no link issued past the limit, so the last one sent still works


def test_the_forms_that_hide_which_accounts_exist_answer_no_sooner_than_the_floor(app, session, monkeypatch):
    """A known address costs a link and a mail, an unknown one an audit row: answered at the same
    floor, the time taken does not tell them apart."""
    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    monkeypatch.setitem(app.config, "ANSWER_FLOOR_SECONDS", 0.3)
    client = app.test_client()
    nobody = f"nobody{uuid.uuid4().hex[:6]}@example.jp"
    for url, data in [("/login-id/forgot", {"email": account.email}), ("/login-id/forgot", {"email": nobody}),
                      ("/password/forgot", {"login_id": account.login_id, "email": account.email}),
                      ("/password/forgot", {"login_id": "nobody-here", "email": nobody})]:
        started = time.monotonic()
        r = client.post(url, data=data)
        assert r.status_code == 200 and time.monotonic() - started >= 0.3, url
    assert len(mails_to(session, account.email)) == 2 and mails_to(session, nobody) == []
    # the mail is handed on once the answer is out: an SMTP server's time never shows in the answer's
    from webapp import jobs

    handed = []
    monkeypatch.setattr(jobs, "dispatch_notifications", lambda ids: handed.append(list(ids)))
    r = client.post("/login-id/forgot", data={"email": account.email}, buffered=False)
    assert r.status_code == 200 and handed == []
    r.close()  # what the server does after sending it
    assert len(handed) == 1 and len(handed[0]) == 1


def test_account_settings_show_the_login_and_change_the_password_alone(app, session):
    from ..helpers import login_client

    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    client = login_client(app, account.login_id)
    assert "/account" in text(client.get("/mypage/"))  # the header links the settings
    page = text(client.get("/account"))
    assert f'id="settings-login-id">{account.login_id}<' in page and account.email in page
    form = text(client.get("/account/credentials"))
    assert f'value="{account.login_id}"' in form  # the ID is kept unless changed
    r = client.post("/account/credentials", data={"current_password": "Mamis#2024", "login_id": account.login_id,
                                                  "password": "Next#pass77", "password_confirm": "Next#pass77"},
                    follow_redirects=True)
    assert r.status_code == 200 and "ログインID・パスワードを変更しました" in text(r)
    session.expire_all()
    assert session.get(UserAccount, member.user_id).login_id == account.login_id


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_account_pages_render_in_both_languages(app, session, lang):
    client = app.test_client()
    for path in ("/register", "/password/forgot", "/login-id/forgot"):
        r = client.get(path, query_string={"lang": lang})
        assert r.status_code == 200


def test_registration_speaks_english_when_asked(app, session):
    client = app.test_client()
    client.get("/login?lang=en")
    client.post("/register", data={"agree": "y"})
    address = f"en{uuid.uuid4().hex[:6]}@example.jp"
    client.post("/register/email", data={"email": address, "email_confirm": address})
    subject = session.scalar(sa.select(Notification.subject).where(Notification.to_address == address))
    assert subject == "[MAMIS] Registering with MAMIS"  # the link comes in the language it was asked in
    link = mailed_link(session, address)
    r = client.post(link, data=form_data(registry_number="12345"))
    assert r.status_code == 422
    assert "Medical registry number must be 6 digits." in text(r) and "Continue to confirmation" in text(r)


def test_the_start_page_is_each_roles_home(app, session):
    from ..helpers import login_client

    assert app.test_client().get("/").headers["Location"].endswith("/login")
    for login_id, home in (("nichiitaro", "/mypage/"), ("staff@otaru", "/inbox"), ("admin001", "/members"),
                           ("designer01", "/designer")):
        location = login_client(app, login_id).get("/").headers["Location"]
        assert location.endswith(home) or home + "/" in location + "/", (login_id, location)


def test_the_terms_are_whole_and_a_revision_asks_members_again(app, session):
    """利用規約 ver1.00 in full (別表1 (1)–(8) and 別表2 (1)–(9), which name the personal data
    shared): a member who accepted an earlier text is asked again, and told why."""
    member = new_member(session, prefix="trm")
    account = session.get(UserAccount, member.user_id)
    account.terms_version = "2024-04"  # the text shown before, without 別表2
    session.flush()
    from ..helpers import login_client

    client = login_client(app, member.login_id)
    r = client.get("/mypage/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/terms")
    page = text(client.get("/account/terms"))
    assert 'id="terms-revised"' in page
    for item in ("(8) その他、各医師会が利用者との間で", "別表 2", "(9) 別表 1 に掲げるサービス内容に関するデータ"):
        assert item in page, item
    assert client.post("/account/terms", data={"agree": "y"}).status_code == 302
    session.refresh(account)
    assert account.terms_version == registration.TERMS_VERSION
    assert client.get("/mypage/").status_code == 200
    fresh = text(app.test_client().get("/register"))
    assert "別表 2" in fresh and 'id="terms-revised"' not in fresh


def test_the_language_chosen_on_the_screens_is_the_language_of_the_accounts_mails(app, session):
    member = new_member(session, prefix="lng")
    account = session.get(UserAccount, member.user_id)
    client = app.test_client()
    client.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"},
                headers={"Accept-Language": "en-US,en;q=0.9"})  # an English browser
    session.refresh(account)
    assert account.lang == "en"
    client.get("/mypage/?lang=ja")  # switched on the screens
    session.refresh(account)
    assert account.lang == "ja"
    client.get("/mypage/?lang=en", headers={"Sec-Fetch-Site": "same-origin"})  # the page's own switch
    session.refresh(account)
    assert account.lang == "en"
    # a link or an image on another site shows the page in its language but stores nothing
    shown = client.get("/mypage/?lang=ja", headers={"Sec-Fetch-Site": "cross-site"})
    assert '<html lang="ja">' in shown.get_data(as_text=True)
    session.refresh(account)
    assert account.lang == "en"


def test_an_expired_registration_link_keeps_no_password_hash(app, session):
    """A registration confirmed and never finished: the nightly purge forgets the kept hash once
    the link has expired, and not before."""
    import datetime as dt

    from membership import tokens

    address = f"gone{uuid.uuid4().hex[:6]}@example.jp"
    expired, fresh = (tokens.issue(session, "register", email=address) for _ in range(2))
    data = form_data()
    for token in (expired, fresh):
        registration.confirm_registration(session, token, data)
    rows = {t: session.scalar(sa.select(OneTimeToken).where(OneTimeToken.token_hash == tokens.digest(t)))
            for t in (expired, fresh)}
    rows[expired].expires_at = dt.datetime(2020, 1, 1)
    session.flush()
    assert tokens.forget_kept(session) >= 1
    session.expire_all()
    assert rows[expired].kept_hash is None and rows[fresh].kept_hash


@pytest.mark.parametrize("header, lang", [("de, en;q=0.5", "en"), ("ja, en;q=0.9", "ja"), ("fr", "ja"),
                                          ("en-GB", "en"), ("", "ja")])
def test_the_browsers_languages_are_read_by_their_weights(app, header, lang):
    page = app.test_client().get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
