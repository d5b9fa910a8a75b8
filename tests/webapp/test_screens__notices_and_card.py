"""お知らせ on the login page and My Page, managed by admins and secretariats; the member card."""

from __future__ import annotations

import datetime as dt

from engine import tasks
from membership.fields import today_jst

from ..conftest import actor_for, new_member
from ..helpers import FULL_CHAIN, file_enrolment, open_task_for
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def test_notices_reach_who_they_are_for_between_their_dates(app, session):
    today = today_jst()
    admin = login(app, "admin001")
    r = admin.post("/notices", data={"title": "", "publish_from": "2026/13/01"})
    assert r.status_code == 422 and "件名を入力してください。" in text(r)
    assert "掲載開始日の「2026/13/1」という日付はありません" in text(r)
    r = admin.post("/notices", data={"title": "システム保守のお知らせ", "body": "11月30日 2時〜4時は停止します。",
                                     "publish_from": today.isoformat(),
                                     "publish_until": (today - dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and "掲載終了日は掲載開始日以降" in text(r)
    assert admin.post("/notices", data={"title": "システム保守のお知らせ", "body": "11月30日 2時〜4時は停止します。",
                                        "publish_from": today.isoformat()}).status_code == 302
    later = (today + dt.timedelta(days=3)).isoformat()
    assert admin.post("/notices", data={"title": "来月の予告", "publish_from": later}).status_code == 302
    city = login(app, "staff@sapporo")
    assert city.post("/notices", data={"title": "札幌市医師会 総会の日程", "publish_from": today.isoformat()}
                     ).status_code == 302
    assert "システム保守のお知らせ" not in text(city.get("/notices"))  # each manages only its own

    page = text(app.test_client().get("/login"))
    assert "システム保守のお知らせ" in page and "来月の予告" not in page and "総会の日程" not in page

    member = new_member(session, prefix="ntc")
    enrol = file_enrolment(session, member, chain=[("chuoeast", "A-1"), ("sapporo", "A-1")])
    for code in ("chuoeast", "sapporo"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, enrol.id).id, "approve")
    page = text(login(app, member.login_id).get("/mypage/"))
    assert "システム保守のお知らせ" in page and "[札幌市医師会] 札幌市医師会 総会の日程" in page
    outsider = new_member(session, prefix="ntc")
    page = text(login(app, outsider.login_id).get("/mypage/"))
    assert "システム保守のお知らせ" in page and "総会の日程" not in page

    notice_id = int(text(city.get("/notices")).split("/notices/")[1].split("/")[0])
    assert login(app, "staff@otaru").post(f"/notices/{notice_id}/delete").status_code == 404
    assert city.post(f"/notices/{notice_id}/delete").status_code == 302
    assert "総会の日程" not in text(login(app, member.login_id).get("/mypage/"))
    assert login(app, member.login_id).post("/notices", data={"title": "x", "publish_from": today.isoformat()}
                                            ).status_code == 403


def test_the_member_card_shows_the_memberships_and_the_jma_id(app, session, api):
    member = new_member(session, prefix="card")
    enrol = file_enrolment(session, member)
    for code, _ in FULL_CHAIN:
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, enrol.id).id, "approve")
    session.flush()
    client = login(app, member.login_id)
    page = text(client.get("/mypage/card"))
    from membership.models import Physician

    jma_id = session.get(Physician, member.physician_id).jma_member_id
    assert f'<dd id="jma-id">{jma_id}</dd>' in page and "[1層] 日本医師会" in page and "[4層] 中央区東支部" in page
    # approved, starting on the desired date: the card says the memberships have not begun yet
    assert enrol.desired_date > today_jst() and page.count("入会予定") == len(FULL_CHAIN)
    assert api(member.login_id).get("/api/v1/members/me").get_json()["jma_member_id"] == jma_id
    history = text(client.get("/mypage/history"))
    assert history.count("予定") == len(FULL_CHAIN)  # joining on a later day is not yet history
    newcomer = new_member(session, prefix="card")
    assert "日本医師会の会員ではありません" in text(login(app, newcomer.login_id).get("/mypage/card"))
    # a JMA member whose number has not come yet (imported data without it) is not told otherwise
    session.get(Physician, member.physician_id).jma_member_id = None
    session.flush()
    page = text(client.get("/mypage/card"))
    assert '<dd id="jma-id">（未採番）</dd>' in page and "日本医師会の会員ではありません" not in page
    assert "A①" in page and "A1 A①" not in page  # JMA's category by its name


def test_a_non_member_is_offered_only_what_a_non_member_can_do(app, session):
    """A physician in no association (研修会 only) is not offered a transfer, a withdrawal, a member
    card or a fee reduction — in the menu or on My Page; a member is."""
    outsider = text(login(app, "sapporohanako").get("/mypage/"))
    for offered in ("/apply/enrolment", "/sessions/", "/mypage/credits"):
        assert offered in outsider, offered
    for member_only in ("/apply/withdrawal", "/mypage/card", "/mypage/fee-reduction", "/apply/transfer"):
        assert f'href="{member_only}' not in outsider, member_only
    member = text(login(app, "nichiitaro").get("/mypage/"))
    for member_only in ("/apply/withdrawal", "/mypage/card", "/apply/transfer"):
        assert f'href="{member_only}' in member, member_only
    # the administrator reads a non-member as one, not as "your office's attendee"
    import sqlalchemy as sa

    from membership.models import UserAccount

    hanako = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "sapporohanako"))
    page = text(login(app, "admin001").get(f"/members/{hanako.physician_id}"))
    assert "どの医師会の会員でもありません" in page and "貴会の研修会の受講者" not in page


def test_a_notice_is_corrected_in_place_and_its_links_work(app, session):
    """A typo is corrected without deleting the notice; a date in 和暦 is read; an address in the
    body is a link (and nothing else of the body is markup)."""
    today = today_jst()
    admin = login(app, "admin001")
    era = f"令和{today.year - 2018}年{today.month}月{today.day}日"
    body = "詳細は https://example.jp/maint を御覧ください。<b>太字</b>"
    r = admin.post("/notices", data={"title": "保守のおしらせ", "publish_from": era, "body": body})
    assert r.status_code == 302
    page = text(admin.get("/notices"))
    notice_id = int(page.split("/notices?edit=")[1].split('"')[0])
    form = text(admin.get(f"/notices?edit={notice_id}"))
    assert 'value="保守のおしらせ"' in form and 'id="editing"' in form
    r = admin.post(f"/notices?edit={notice_id}", data={"title": "保守のお知らせ", "publish_from": today.isoformat(),
                                                      "body": body})
    assert r.status_code == 302
    login_page = text(app.test_client().get("/login"))
    assert "保守のお知らせ" in login_page and "保守のおしらせ" not in login_page
    assert '<a href="https://example.jp/maint" rel="noopener noreferrer">https://example.jp/maint</a>' in login_page
    assert "&lt;b&gt;太字&lt;/b&gt;" in login_page  # the rest stays text
    assert login(app, "staff@sapporo").get(f"/notices?edit={notice_id}").status_code == 404  # not its notice


def test_my_page_header_reads_as_english_in_english(app, session):
    """日医 N年以上 and 第123456号 written for an English reader."""
    import re

    page = login(app, "nichiitaro").get("/mypage/?lang=en").get_data(as_text=True)
    header = re.search(r'<p class="profile">(.*?)</p>', page, re.S).group(1)
    assert re.search(r"Medical registry number: \d{6}", header) and "No." not in header
    assert re.search(r"JMA member for (\d+ years|20 years or more|under a year)", header), header
