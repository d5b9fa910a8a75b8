"""Real browser: self-registration and the first login with issued credentials, page by page.

The registration form is sent once with one bad value per rule of the seed; every message must
appear beside its field. Every page is checked with axe-core at 320 px wide.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from membership.actors import Actor
from membership.models import UserAccount
from membership.physicians import register_physician
from membership.registration import issue_credentials

from .browser import check_page, mailed_link

pytestmark = [pytest.mark.browser, pytest.mark.commits]

#: field → (bad value, the message shown)
BAD = {
    "login_id": ("short", "ログインIDは半角英数字・記号"),
    "password": ("password", "パスワードは半角英字・数字・記号の3種類すべてを使用し"),
    "registry_number": ("12345", "医籍登録番号は半角数字6文字で入力してください"),
    "family_kana": ("日医", "セイ（フリガナ）は全角カタカナで入力してください"),
    "given_name": ("太郎1", "名に数字や記号は使えません"),
    "mobile": ("090-1234-5678-9999", "TEL（携帯電話番号）は0から始まる10桁か11桁"),
    "address": ("あ" * 51, "住所（番地まで）は50文字以内で入力してください"),
    "alma_mater": ("あ" * 31, "出身校は30文字以内で入力してください"),
    "maiden_family_kana": ("旧姓", "旧姓（フリガナ）は全角カタカナで入力してください"),
    "tel": ("03-3946-2121-00000", "TEL（固定電話）は0から始まる10桁か11桁"),
    "grad_faculty": ("あ" * 101, "大学院（学部・学科名等名称）は100文字以内で入力してください"),
    "societies-0": ("あ" * 21, "所属学会は20文字以内で入力してください"),
}


def test_self_registration_in_the_browser(live_server, chromium):
    app, base = live_server
    context = chromium.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.click("text=未登録の方（医師会未入会の医師）はこちら")
    check_page(page)
    page.click("button:has-text('次へ')")
    assert "利用規約に同意してください" in page.content()
    page.check("input[name=agree]")
    page.click("button:has-text('次へ')")
    check_page(page)
    address = f"br{uuid.uuid4().hex[:8]}@example.jp"
    page.fill("#email", address)
    page.fill("#email_confirm", "other@example.jp")
    page.click("button:has-text('送信する')")
    assert "メールアドレス（確認）が一致しません" in page.content()
    page.fill("#email", address)
    page.fill("#email_confirm", address)
    page.click("button:has-text('送信する')")
    assert address in page.content()
    check_page(page)

    page.goto(mailed_link(app, address, "/register/form/"))
    check_page(page)
    good = {"login_id": f"brw{uuid.uuid4().hex[:8]}", "password": "Mamis#2024", "password_confirm": "Mamis#2024",
            "registry_number": f"{uuid.uuid4().int % 1_000_000:06d}", "registry_date": "2000-05-01",
            "family_kana": "にちい", "given_kana": "ﾊﾅｺ", "family_name": "日医", "given_name": "花子",
            "mobile": "０９０－１２３４－５６７８", "birth_date": "1975-06-01", "alma_mater": "北海道大学",
            "graduated_on": "2000-03", "address": "札幌市中央区北一条西1-1"}
    for name, value in {**good, **{k: v for k, (v, _) in BAD.items()}}.items():
        page.fill(f"#{name}", value)
    page.fill("#postal_code", "0600001")
    page.press("#postal_code", "Tab")  # htmx fills prefecture and address from the offline data
    page.wait_for_function("document.querySelector('#prefecture').value === '北海道'")
    page.fill("#address", BAD["address"][0])
    page.check("input[name=sex][value=F]")
    page.select_option("#main_department", "13")
    page.click("button:has-text('確認画面へ進む')")
    content = page.content()
    for name, (_, text) in BAD.items():
        assert text in content, name
    check_page(page)
    for name in BAD:
        page.fill(f"#{name}", good.get(name, ""))
    page.fill("#societies-0", "日本小児科学会")
    page.fill("#postal_code", "12-345")  # the postal code rule too, then the right one
    page.click("button:has-text('確認画面へ進む')")
    assert "郵便番号は「123-4567」の形式で入力してください" in page.content()
    page.fill("#postal_code", "060-0001")
    for name in ("password", "password_confirm"):
        page.fill(f"#{name}", good["password"])
    page.fill("#password", good["password"])
    page.fill("#password_confirm", good["password"])
    page.fill("#given_name", "花子")
    page.click("button:has-text('確認画面へ進む')")
    page.wait_for_selector("h1:has-text('入力内容の確認')")
    check_page(page)
    assert "ニチイ" in page.content() and "ハナコ" in page.content() and "090-1234-5678" in page.content()
    page.click("button:has-text('登録する')")
    page.wait_for_selector("h1:has-text('利用者登録が完了しました')")
    check_page(page)
    page.click("text=ログインページに戻る")
    page.fill("#login_id", good["login_id"])
    page.fill("#password", good["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/mypage/")
    context.close()


def test_first_login_with_issued_credentials_in_the_browser(live_server, chromium):
    app, base = live_server
    with Session(app.extensions["mamis_db"].engine) as s:
        account = register_physician(s, None, login_id=f"old{uuid.uuid4().hex[:8]}", password="x", family_name="初回",
                                     given_name="太郎", family_kana="ショカイ", given_kana="タロウ")
        admin = Actor.of(s.query(UserAccount).filter_by(login_id="admin001").one())
        issued, temporary = issue_credentials(s, admin, account.physician_id)
        issued_id = issued.login_id
        s.commit()
    context = chromium.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login_id", issued_id)
    page.fill("#password", temporary)
    page.check("input[data-shows=password]")  # パスワードを表示 (seed 002): typed from a postcard, checked
    assert page.get_attribute("#password", "type") == "text"
    page.uncheck("input[data-shows=password]")
    assert page.get_attribute("#password", "type") == "password"
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/account/terms")
    check_page(page)
    page.goto(f"{base}/mypage/")  # nothing else is reachable yet
    page.wait_for_url(f"{base}/account/terms")
    page.check("input[name=agree]")
    page.click("button:has-text('次へ')")
    page.wait_for_url(f"{base}/account/email")
    address = f"first{uuid.uuid4().hex[:8]}@example.jp"
    page.fill("#email", address)
    page.fill("#email_confirm", address)
    page.click("button:has-text('送信する')")
    page.goto(mailed_link(app, address, "/account/verify/"))
    check_page(page)
    page.click("text=ログインID・パスワードの変更へ")
    page.wait_for_url(f"{base}/account/credentials")
    check_page(page)
    page.fill("#current_password", temporary)
    page.fill("#login_id", issued_id)
    page.fill("#password", "weak")
    page.fill("#password_confirm", "weak")
    page.click("button:has-text('変更する')")
    assert "初期のものから変更してください" in page.content() and "3種類すべて" in page.content()
    new_id = f"mine{uuid.uuid4().hex[:6]}"
    page.fill("#current_password", temporary)
    page.fill("#login_id", new_id)
    page.fill("#password", "Mine#2025x")
    page.fill("#password_confirm", "Mine#2025x")
    page.click("button:has-text('変更する')")
    page.wait_for_url(f"{base}/mypage/")
    check_page(page)
    context.close()


def test_the_audit_trail_reads_on_a_phone_and_narrows_by_login(live_server, chromium):
    app, base = live_server
    with Session(app.extensions["mamis_db"].engine) as s:
        account = register_physician(s, None, login_id=f"aud{uuid.uuid4().hex[:8]}", password="x", family_name="監査",
                                     given_name="太郎", family_kana="カンサ", given_kana="タロウ")
        admin = Actor.of(s.query(UserAccount).filter_by(login_id="admin001").one())
        issued, _ = issue_credentials(s, admin, account.physician_id)  # an audited change for this member
        issued_id = issued.login_id
        s.commit()
    context = chromium.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login_id", "admin001")
    page.fill("#password", "Mamis#2024")
    page.click("button[type=submit]")
    page.click("nav.main-nav >> text=操作履歴")
    page.wait_for_url(f"{base}/admin/audit")
    check_page(page)  # accessible, and no wider than a phone (the table scrolls inside its box)
    page.fill("#login_id", issued_id)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(f"{base}/admin/audit?*")
    rows = page.locator("#audit-trail tbody tr")
    assert rows.count() >= 1 and "credentials.issue" in page.inner_text("#audit-trail")
    check_page(page)
    context.close()


def test_the_postal_code_lookup_puts_the_town_before_what_is_typed_and_never_over_it(live_server, chromium):
    """A member on a phone types the code, taps the address box and types 番地 while the lookup
    runs: the town goes in front, whichever arrives first — the box was swapped, losing the 番地
    or putting it before the town (mobile audit). The app's own CSP applies (no axe)."""
    from playwright.sync_api import expect

    from .browser import login

    _, base = live_server
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP", has_touch=True)
    page = login(context, base, "sapporohanako", axe=False)
    page.wait_for_url(f"{base}/mypage/")
    page.goto(f"{base}/mypage/profile")
    page.fill("#address", "")
    page.fill("#postal_code", "１０００００１")
    page.click("#address")  # the code's change starts the lookup
    page.keyboard.type("1-1")
    # (expect, not wait_for_function: the app's CSP refuses the eval a string predicate needs)
    expect(page.locator("#prefecture")).to_have_value("東京都")
    expect(page.locator("#address")).to_have_value("千代田区千代田1-1")
    assert page.input_value("#postal_code") == "100-0001"
    page.keyboard.type("-2")  # the cursor is still at the end
    assert page.input_value("#address") == "千代田区千代田1-1-2"
    # an address for another town typed before the lookup stays, and the note says which town
    page.fill("#address", "文京区本駒込2-28-16")
    page.fill("#postal_code", "060-0001")
    page.click("#address")
    expect(page.locator("#prefecture")).to_have_value("北海道")
    expect(page.locator("#postal-note")).to_contain_text("札幌市中央区北一条西")
    assert page.input_value("#address") == "文京区本駒込2-28-16"
    context.close()
