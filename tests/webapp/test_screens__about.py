"""The public pages: how personal data is shared between the associations (利用規約 第5条 says it
is shown where every user sees it) and whom to ask (お問合せ: the support desk and every office)."""

from __future__ import annotations

from .test_screens__accounts import text


def test_the_joint_use_notice_and_the_contact_page_are_public_and_linked_from_the_login(app, session):
    client = app.test_client()
    login = text(client.get("/login"))
    assert 'href="/about/joint-use"' in login and 'href="/about/contact"' in login
    notice = client.get("/about/joint-use")
    assert notice.status_code == 200
    for part in ("(1) 共同して利用する個人データの項目", "(3) 共同して利用する利用目的",
                 "(4) 共同して利用する個人情報の管理についての責任者", "⑭ その他、各医師会の定款に掲げる事業"):
        assert part in text(notice), part
    contact = client.get("/about/contact")
    assert contact.status_code == 200 and 'id="directory"' not in text(contact)  # nothing until asked


def test_the_contact_page_finds_an_association_office_by_prefecture_or_name(app, session):
    client = app.test_client()
    page = text(client.get("/about/contact?prefecture=北海道"))
    assert "札幌市医師会" in page and "office@sapporo.example.jp" in page and "日本医師会" in page
    assert "文京区医師会" not in page  # another prefecture
    page = text(client.get("/about/contact?q=おたる"))  # kana, typed in hiragana
    assert "小樽市医師会" in page and "札幌市医師会" not in page
    assert 'id="directory"' not in text(client.get("/about/contact?prefecture=nowhere"))  # ignored


def test_the_support_desk_is_shown_when_configured(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPORT_EMAIL", "help@mamis.example.jp")
    monkeypatch.setitem(app.config, "SUPPORT_HOURS", "平日 10:00〜18:00")
    page = text(app.test_client().get("/about/contact"))
    assert 'id="support"' in page and "help@mamis.example.jp" in page and "平日 10:00〜18:00" in page
    monkeypatch.setitem(app.config, "SUPPORT_EMAIL", "")
    monkeypatch.setitem(app.config, "SUPPORT_TEL", "")
    assert 'id="support"' not in text(app.test_client().get("/about/contact"))


def test_a_language_asked_for_at_the_root_is_kept_through_its_redirect(app, session):
    client = app.test_client()
    assert client.get("/?lang=en").status_code == 302
    assert '<html lang="en">' in text(client.get("/login"))


def test_a_member_reads_every_notice_published_to_them_ended_ones_too(app, session):
    """Seed 000: お知らせ with 一覧へ →: My Page shows the current notices, the list every one so far
    (of the member's own associations and the system's), newest first."""
    import datetime as dt

    import sqlalchemy as sa

    from membership.fields import today_jst
    from membership.models import Association, Notice

    from ..helpers import login_client

    today = today_jst()
    otaru, bunkyo = (session.scalar(sa.select(Association.id).where(Association.code == code))
                     for code in ("otaru", "bunkyo"))
    month = dt.timedelta(days=30)
    session.add_all([
        Notice(association_id=otaru, title="終わった小樽のお知らせ", publish_from=today - 2 * month,
               publish_until=today - month),
        Notice(association_id=otaru, title="いまの小樽のお知らせ", publish_from=today),
        Notice(association_id=bunkyo, title="文京区のお知らせ", publish_from=today),
        Notice(association_id=otaru, title="来月の小樽のお知らせ", publish_from=today + month),
    ])
    session.flush()
    member = login_client(app, "nichiitaro")
    mypage = text(member.get("/mypage/"))
    assert "いまの小樽のお知らせ" in mypage and "終わった小樽のお知らせ" not in mypage
    assert 'href="/mypage/notices"' in mypage
    archive = text(member.get("/mypage/notices"))
    assert "いまの小樽のお知らせ" in archive and "終わった小樽のお知らせ" in archive
    assert archive.index("いまの小樽のお知らせ") < archive.index("終わった小樽のお知らせ")  # newest first
    assert "文京区のお知らせ" not in archive and "来月の小樽のお知らせ" not in archive
    assert login_client(app, "staff@otaru").get("/mypage/notices").status_code == 403


def test_the_health_check_answers_without_a_login_and_fails_when_the_database_does(app, monkeypatch):
    from types import SimpleNamespace

    from webapp.views import health

    client = app.test_client()
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}

    def gone(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(health, "db", SimpleNamespace(session=lambda: SimpleNamespace(execute=gone), commit=gone,
                                                      rollback=lambda: None))
    r = client.get("/healthz")
    assert r.status_code == 503 and r.get_json() == {"status": "unavailable"}


def test_the_health_check_is_asked_with_the_host_production_serves(app, monkeypatch):
    """Production serves only its own host names: the compose healthcheck sends MAMIS_BASE_URL's."""
    import yaml

    from ..conftest import ROOT

    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["mamis.example.jp"])
    client = app.test_client()
    assert client.get("/healthz").status_code == 400  # 127.0.0.1's host name: not served
    assert client.get("/healthz", headers={"Host": "mamis.example.jp"}).status_code == 200
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    check = " ".join(web["healthcheck"]["test"])
    assert "'Host'" in check and "MAMIS_BASE_URL" in check
