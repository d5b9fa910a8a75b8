"""Mails in the recipient's language: an account remembers the language last chosen on the
screens, and a member's mails are written in it (offices' mails stay Japanese)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from engine import flows, tasks
from membership import mail
from membership.applications import STATUS_LABELS, STATUS_LABELS_EN
from membership.models import Notification, UserAccount

from ..conftest import actor_for, new_member
from ..helpers import enrolment_body, open_task_for

TEMPLATES = Path(mail.__file__).parent / "mail_templates"
ENGLISH = sorted(p.stem for p in (TEMPLATES / "en").glob("*.txt") if not p.stem.startswith("_"))


def _context():
    association = SimpleNamespace(name="中央区東支部")
    application = SimpleNamespace(payload={"title": "研修会"}, kind="enrolment")
    part = SimpleNamespace(layer=4, association=association, status="in_review", application=application)
    return {"name": "日医 花子", "parts": [part], "part_labels": [STATUS_LABELS_EN["in_review"]],
            "association": "中央区東支部",
            "comment": "", "link": "https://example.jp/x", "hours": 24, "logins": ["hanako01"], "login_id": "hanako01",
            "application_id": 7, "body": "…", "system": "Lifelong education", "number": "LL-1",
            "valid_from": "2024/04/01", "valid_until": "2027/03/31", "missing": [], "title": "研修会",
            "issuer": "日本医師会", "waiting": True, "position": 2, "kind": "退会届", "kind_en": "withdrawal",
            "kept": [], "office": False, "filer": "小樽市医師会", "for_member": True, "jma_member_id": "3123456789",
            "starts_on": "2027/01/10", "place": "札幌",
            "reason": "台風", "changes": ["会場: 札幌"], "address": "new@example.jp",
            "credits": [("occupational", "update", "2")], "systems": {"occupational": "Occupational"},
            "categories": {}, "session_id": 1, "rejected": True, "by": "北海道医師会", "accepted": True,
            "amended": [{"field": "desired_date", "old": "2027/03/31", "new": "2027/04/30"},
                        {"field": "reason", "old": ("retirement", ""), "new": ("other", "転居")}]}


@pytest.mark.parametrize("template", ENGLISH)
def test_every_english_mail_has_a_japanese_original_and_renders_in_english(template):
    assert (TEMPLATES / f"{template}.txt").is_file()
    subject, body = mail.render(template, "en", **_context())
    assert subject.startswith("[MAMIS]") and body
    prose = re.sub(r"中央区東支部|日医 花子|日本医師会|研修会|札幌|台風|会場", "", subject + body)
    assert not re.search(r"[\u3040-\u30ff]", prose), prose  # no kana left outside the data


def test_a_template_with_no_english_version_is_sent_in_japanese():
    subject, _ = mail.render("inbox_digest", "en", association="中央区東支部", day="2027-01-10", new=[], overdue=[],
                             link="https://example.jp/inbox")
    assert subject.startswith("【MAMIS】")  # the offices' mails are Japanese


def test_a_mail_with_no_english_version_is_japanese_to_the_end_for_an_english_reader(session):
    """An office's staff member reading in English files a session: its mails have no English
    version, so status words and signature are Japanese too — never a mail in two languages."""
    from membership import applications
    from membership.models import Notification
    from membership.notifications import SIGNATURE

    assert mail.language("session_received", "en") == "ja" and mail.language("enrolment_received", "en") == "en"
    member = new_member(session, prefix="mix")
    app = flows.submit_application(session, member, enrolment_body([("chuoeast", "A-1")]))
    app.kind, app.payload = "session", {**(app.payload or {}), "lang": "en", "title": "研修会A"}  # filed in English
    applications._mail_applicant(session, app, "session_part_approved", association="北海道医師会")
    note = session.scalars(sa.select(Notification).order_by(Notification.id.desc())).first()
    assert note.body.endswith(SIGNATURE) and "Approved" not in note.body and "Pending" not in note.body


def test_a_member_using_english_gets_english_mails_about_an_application(session):
    member = new_member(session, prefix="eng")
    session.get(UserAccount, member.user_id).lang = "en"
    app = flows.submit_application(session, member, enrolment_body([("chuoeast", "A-1")]))
    staff = actor_for(session, "staff@chuoeast")
    tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "return", "役職を確認してください")
    session.flush()
    address = session.get(UserAccount, member.user_id).email
    mails = session.scalars(sa.select(Notification).where(Notification.to_address == address)
                            .order_by(Notification.id)).all()
    assert [m.subject for m in mails] == ["[MAMIS] Your enrolment was received",
                                         "[MAMIS] Your enrolment was returned"]
    assert "  中央区東支部: Under review" in mails[0].body
    assert "役職を確認してください" in mails[1].body  # the office's words as written
    assert all(m.body.endswith("This address does not take replies.") and "送信専用" not in m.body for m in mails)
    japanese = new_member(session, prefix="jpn")
    flows.submit_application(session, japanese, enrolment_body([("chuoeast", "A-1"), ("sapporo", "A-1")]))
    session.flush()
    got = session.scalar(sa.select(Notification.subject).where(
        Notification.to_address == session.get(UserAccount, japanese.user_id).email))
    assert got == "【MAMIS】入会届を受け付けました" and STATUS_LABELS["in_review"] == "申請中"
    body = session.scalar(sa.select(Notification.body).where(
        Notification.to_address == session.get(UserAccount, japanese.user_id).email))
    assert body.endswith("※このメールは送信専用です。")
    assert "入会希望年月日: " in body  # the receipt says the date asked for
    # the parts as the application's page lists them: the first under review, the next not reached
    assert "  中央区東支部: 審査中" in body and "  札幌市医師会: 未着（前の医師会の審査待ち）" in body
    assert "層]" not in body  # the layers by the associations' names, not the system's numbering


def test_a_members_mail_ends_with_the_address_of_my_page_and_an_offices_does_not():
    context, configured = _context(), mail.site_url()
    try:
        mail.configure("https://mamis.example.jp/")
        for template, lang, says in (("enrolment_received", "ja", "マイページ: https://mamis.example.jp/mypage/"),
                                     ("withdrawal_amended", "en", "My Page: https://mamis.example.jp/mypage/"),
                                     ("session_registered", "ja", "マイページ: https://mamis.example.jp/mypage/")):
            body = mail.render(template, lang, **context)[1]
            assert body.endswith(says) and "\n\n\n" not in body, template  # one blank line before it, not two
        session_filed = {**context, "parts": [SimpleNamespace(**{**vars(context["parts"][0]), "application": (
            SimpleNamespace(payload={"title": "研修会"}, kind="session"))})]}
        filed = mail.render("session_received", "ja", **session_filed)[1]
        assert "/mypage/" not in filed and filed.startswith("日医 花子 御中")  # to the filing office, as to an office
        assert mail.render("application_cancelled", "ja", **{**context, "office": True})[1].startswith("日医 花子 御中")
        assert "ログイン画面: https://mamis.example.jp/login" in mail.render("register_done", "ja", **context)[1]
        assert "Login page: https://mamis.example.jp/login" in mail.render("register_done", "en", **context)[1]
        mail.configure("")
        assert "マイページ:" not in mail.render("enrolment_received", "ja", **context)[1]
    finally:
        mail.configure(configured)


def test_a_subject_is_one_line_whatever_the_data_holds():
    subject, _ = mail.render("session_cancelled", "ja", **{**_context(), "title": "研修会\u2028Bcc: x@example.jp"})
    assert "\u2028" not in subject and "\n" not in subject and "研修会 Bcc: x@example.jp" in subject
