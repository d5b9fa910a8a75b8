"""The secretariat's inbox: views with counts, filters, sorting, pages, saved filters, claim
rules, four-eyes and bulk approval with mixed failures."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import sqlalchemy as sa

from engine import tasks
from engine.models import HumanTask, TaskEvent
from membership import accounts, fields
from membership.actors import Actor
from membership.errors import Conflict, Forbidden, NotFound, ValidationFailed
from membership.fields import JST, today_jst
from membership.models import Association

from ..conftest import QueryCounter, actor_for, new_member
from ..helpers import file_enrolment
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


@pytest.fixture
def office(app, session):
    """中央区東支部 with two staff users and three fresh applications waiting for it."""
    second = Actor.of(accounts.create_user(session, f"staff2-{uuid.uuid4().hex[:6]}", "Mamis#2024", "secretariat",
                                           association_code="chuoeast", name="第二 職員"))
    members, app_ids = [], []
    for kana in ("アオキ", "イトウ", "ウエダ"):
        m = new_member(session, prefix="inbox")
        from membership.models import Physician

        session.get(Physician, m.physician_id).family_kana = kana
        members.append(m)
        app_ids.append(file_enrolment(session, m).id)
    session.flush()
    staff = actor_for(session, "staff@chuoeast")
    ids = {a: tasks.list_tasks(session, staff, application_id=a)[0][0].id for a in app_ids}
    return {"staff": staff, "second": second, "members": members, "apps": app_ids, "tasks": ids}


def test_views_and_their_counts(session, office):
    staff, second = office["staff"], office["second"]
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, staff, t1)
    session.get(HumanTask, t2).due_at = dt.datetime(2020, 1, 1)
    session.flush()
    counts = tasks.inbox_counts(session, staff)
    def ids(view):
        return {t.id for t, _ in tasks.search_inbox(session, staff, tasks.InboxQuery(view=view, per_page=100))[0]}

    assert t1 in ids("mine") and t2 not in ids("mine") and t1 not in ids("unclaimed") and t2 in ids("unclaimed")
    assert t2 in ids("overdue") and t3 not in ids("overdue")
    assert {t1, t2, t3} <= ids("open")
    assert counts["mine"] >= 1 and counts["overdue"] >= 1 and counts["open"] >= 3
    assert counts["mine"] == len(ids("mine")) and counts["open"] == tasks.search_inbox(
        session, staff, tasks.InboxQuery(view="open"))[1]
    assert tasks.inbox_counts(session, second)["mine"] == 0  # "mine" is per user


def test_filters_sorting_and_pages(session, office):
    staff = office["staff"]
    kana_of = lambda rows: [t.applicant_kana.split()[0] for t, _ in rows]  # noqa: E731
    q = tasks.parse_query({"applicant": "いとう", "view": "open"})  # hiragana finds katakana
    rows, total = tasks.search_inbox(session, staff, q)
    assert total >= 1 and set(kana_of(rows)) == {"イトウ"}
    ours = set(office["tasks"].values())
    q = tasks.parse_query({"sort": "applicant", "order": "asc", "per_page": "100"})
    names = [t.applicant_kana.split()[0] for t, _ in tasks.search_inbox(session, staff, q)[0] if t.id in ours]
    assert names == sorted(names) == ["アオキ", "イトウ", "ウエダ"]
    today = fields.today_jst()  # the filter's dates are days in Japan
    q = tasks.parse_query({"date_from": (today - dt.timedelta(days=1)).isoformat(), "date_to": today.isoformat(),
                           "layer": "4", "application_kind": "enrolment", "per_page": "100"})
    assert ours <= {t.id for t, _ in tasks.search_inbox(session, staff, q)[0]}
    q = tasks.parse_query({"layer": "3", "per_page": "100"})
    assert not ours & {t.id for t, _ in tasks.search_inbox(session, staff, q)[0]}
    q = tasks.parse_query({"per_page": "20", "page": "1"})
    first, total = tasks.search_inbox(session, staff, q)
    assert len(first) == min(20, total)
    with pytest.raises(ValidationFailed) as bad:
        tasks.parse_query({"layer": "9", "date_from": "2026-13-01", "view": "nope"})
    assert set(bad.value.fields) == {"layer", "date_from", "view"}



def test_date_filters_mean_days_in_japan(session, office):
    """A task created at 01:00 JST on 30 November (16:00 UTC on the 29th) is on the 30th's list."""
    task_id = next(iter(office["tasks"].values()))
    session.execute(sa.update(HumanTask).where(HumanTask.id == task_id)
                    .values(created_at=dt.datetime(2026, 11, 29, 16, 0)))

    def found(day: str) -> bool:
        q = tasks.parse_query({"date_from": day, "date_to": day, "view": "all", "per_page": "100"})
        return task_id in {t.id for t, _ in tasks.search_inbox(session, office["staff"], q, ids=[task_id])[0]}

    assert found("2026-11-30") and not found("2026-11-29") and not found("2026-12-01")

def test_inbox_screen_filters_and_saved_filters_per_user(app, session, office):
    client = login(app, "staff@chuoeast")
    r = client.get("/inbox?applicant=ウエダ")
    assert r.status_code == 200 and "ウエダ" in text(r) and "アオキ" not in text(r)
    assert re.search(r"自分が担当 <span class=\"count\">\d+</span>", text(r))
    assert client.get("/inbox?layer=9").status_code == 422
    r = client.post("/inbox/filters", data={"filter_name": "上田さん", "applicant": "ウエダ", "view": "open"})
    assert r.status_code == 302
    page = text(client.get("/inbox"))
    assert "上田さん" in page and "applicant=" in page
    assert "上田さん" not in text(login(app, "staff@sapporo").get("/inbox"))
    # the bare list (the menu, 「タスク一覧へ戻る」) is the list as it was left; 条件をクリア starts afresh
    client.get("/inbox?applicant=ウエダ")
    kept = text(client.get("/inbox"))
    assert "ウエダ" in kept and "アオキ" not in kept and 'id="clear-filter" href="/inbox?view=open"' in kept
    assert "<title>タスク一覧: 未処理（すべて） |" in kept  # the view in the title
    assert "<title>タスク一覧: 期限超過 |" in text(client.get("/inbox?view=overdue"))
    cleared = text(client.get("/inbox?view=open"))
    assert "アオキ" in cleared and 'id="clear-filter"' not in cleared and "アオキ" in text(client.get("/inbox"))
    # a refused name is said beside its field, with the list it was saving still on screen
    r = client.post("/inbox/filters", data={"filter_name": "上" * 61, "applicant": "ウエダ", "view": "open"})
    assert r.status_code == 422 and 'id="error-filter_name"' in text(r) and f'value="{"上" * 61}"' in text(r)
    assert 'value="ウエダ"' in text(r)  # the filter being saved, still applied
    # a bulk comment refused keeps what was typed
    long = "承" * 1001
    r = client.post("/inbox/bulk", data={"task_ids": [str(office["tasks"][office["apps"][0]])], "scope": "selected",
                                         "comment": long})
    assert r.status_code == 422 and 'id="error-comment"' in text(r) and f'value="{long}"' in text(r)


def test_the_inbox_list_costs_the_same_number_of_queries_for_any_number_of_rows(app, session, office, db_engine):
    client = login(app, "staff@chuoeast")
    client.get("/inbox")
    tasks.claim(session, office["second"], office["tasks"][office["apps"][1]])  # one row names its holder
    session.flush()
    with QueryCounter(db_engine) as few:
        client.get("/inbox?per_page=20&applicant=アオキ")
    with QueryCounter(db_engine) as many:
        client.get("/inbox?per_page=100")
    assert few.count == many.count


def test_claim_rules_reassign_and_take_over_are_recorded(session, office):
    staff, second = office["staff"], office["second"]
    t1 = office["tasks"][office["apps"][0]]
    tasks.claim(session, staff, t1)
    with pytest.raises(Conflict):
        tasks.claim(session, second, t1)
    savepoint = session.begin_nested()
    with pytest.raises(Conflict):  # a claimed task: only its claimant completes it
        tasks.complete_task(session, second, t1, "approve", "")
    savepoint.rollback()
    with pytest.raises(ValidationFailed):
        tasks.take_over(session, second, t1, "")  # a reason is required
    tasks.take_over(session, second, t1, "担当者が休暇のため")
    with pytest.raises(ValidationFailed) as not_colleague:
        tasks.reassign(session, second, t1, actor_for(session, "staff@otaru").user_id, "引き継ぎ")
    assert "to_user" in not_colleague.value.fields
    tasks.reassign(session, second, t1, staff.user_id, "元の担当者に戻します")
    from membership.models import Notification, UserAccount

    account = session.get(UserAccount, staff.user_id)
    address = account.email or session.scalar(sa.select(Association.email).where(Association.code == "chuoeast"))
    told = session.scalars(sa.select(Notification).where(Notification.to_address == address)
                           .order_by(Notification.id.desc())).first()
    assert told is not None and "担当" in told.subject and "元の担当者に戻します" in told.body  # the colleague is told
    assert account.display_name in told.body
    events = [(e.kind, e.reason) for e in session.scalars(sa.select(TaskEvent).where(TaskEvent.task_id == t1)
                                                          .order_by(TaskEvent.id))]
    assert events == [("claim", ""), ("take_over", "担当者が休暇のため"), ("reassign", "元の担当者に戻します")]
    assert session.get(HumanTask, t1).claimed_by_user_id == staff.user_id
    tasks.complete_task(session, staff, t1, "approve", "")  # unclaimed tasks: anyone; claimed: the claimant


def test_four_eyes_staff_who_filed_for_the_applicant_cannot_approve(app, session):
    member = new_member(session, prefix="fe")
    staff = actor_for(session, "staff@chuoeast")
    first = file_enrolment(session, member, chain=[("chuoeast", "A-1")])
    task = tasks.list_tasks(session, staff, application_id=first.id)[0][0]
    tasks.complete_task(session, staff, task.id, "approve", "")  # the member now belongs to chuoeast
    from engine import flows

    from ..helpers import enrolment_body

    filed = flows.submit_application(session, staff, enrolment_body(
        chain=[("sapporo", "A-1")], on_behalf_of=member.login_id))
    sapporo = actor_for(session, "staff@sapporo")
    review = tasks.list_tasks(session, sapporo, application_id=filed.id)[0][0]
    # staff@sapporo did not file it: fine. The filer, if it were a sapporo user, could not:
    filer = Actor(user_id=staff.user_id, login_id=staff.login_id, role="secretariat",
                  association_id=sapporo.association_id)
    savepoint = session.begin_nested()
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(session, filer, review.id, "approve", "")
    savepoint.rollback()  # as the request would: the failed step leaves nothing behind
    assert caught.value.message_key == "four_eyes"
    tasks.complete_task(session, sapporo, review.id, "approve", "")


def test_the_filer_cannot_hold_the_review_nor_be_led_to_it(app, session):
    """Four-eyes for holding: whoever filed an application may not claim or take over its review
    (it would keep it from every colleague who may decide it), nor be handed it; "decide and next"
    passes over it."""
    from engine import flows

    staff = actor_for(session, "staff@otaru")
    second = Actor.of(accounts.create_user(session, f"otaru2-{uuid.uuid4().hex[:6]}", "Mamis#2024", "secretariat",
                                           association_code="otaru", name="小樽 第二"))
    member = actor_for(session, "nichiitaro")
    group = session.scalars(sa.text("SELECT group_id FROM memberships WHERE physician_id = :p"),
                            {"p": member.physician_id}).first()
    other = file_enrolment(session, new_member(session, prefix="fh"), chain=[("otaru", "A-1")])  # to go on from
    filed = flows.submit_application(session, second, {
        "kind": "withdrawal", "group_id": group, "associations": ["otaru"],
        "desired_date": today_jst().isoformat(), "reason": "retirement", "on_behalf_of": "nichiitaro"})
    session.flush()
    review = tasks.list_tasks(session, staff, application_id=filed.id)[0][0]
    done = tasks.list_tasks(session, staff, application_id=other.id)[0][0].id
    for act in (lambda: tasks.claim(session, second, review.id),
                lambda: tasks.reassign(session, staff, review.id, second.user_id, "担当変更")):
        savepoint = session.begin_nested()
        with pytest.raises(Forbidden) as caught:
            act()
        savepoint.rollback()
        assert caught.value.message_key == "four_eyes_hold"
    tasks.claim(session, staff, review.id)
    savepoint = session.begin_nested()
    with pytest.raises(Forbidden):
        tasks.take_over(session, second, review.id, "急ぎのため")
    savepoint.rollback()
    # "decide and next" from another task does not lead the filer to it
    query = tasks.InboxQuery(view="open", sort="application", order="desc")
    tasks.unclaim(session, staff, review.id)
    assert tasks.next_task(session, staff, query, done_id=done) == review.id
    assert tasks.next_task(session, second, query, done_id=done) != review.id
    # on the screen: no claim button, and a forged claim is refused with the reason
    client = login(app, second.login_id)
    page = text(client.get(f"/tasks/{review.id}"))
    assert f'action="/tasks/{review.id}/claim"' not in page
    r = client.post(f"/tasks/{review.id}/claim", follow_redirects=True)
    assert "審査は担当できません" in text(r) and session.get(HumanTask, review.id).claimed_by_user_id is None


def test_a_one_person_office_is_told_how_to_get_its_own_filing_approved(app, session):
    """小樽市医師会 has one staff account; what it files for a member it cannot approve itself: the
    task page says whom to ask, and a bulk run that failed on it offers no retry doomed to fail."""
    from engine import flows

    otaru = actor_for(session, "staff@otaru")
    member = actor_for(session, "nichiitaro")
    group = session.scalars(sa.text("SELECT group_id FROM memberships WHERE physician_id = :p"),
                            {"p": member.physician_id}).first()
    filed = flows.submit_application(session, otaru, {
        "kind": "withdrawal", "group_id": group, "associations": ["otaru"], "desired_date": today_jst().isoformat(),
        "reason": "retirement", "on_behalf_of": "nichiitaro"})
    session.flush()
    task = tasks.list_tasks(session, otaru, application_id=filed.id)[0][0]
    client = login(app, "staff@otaru")
    page = text(client.get(f"/tasks/{task.id}"))
    assert 'id="four-eyes-alone"' in page and "職員アカウントの追加" in page and 'id="decision-title"' not in page
    r = client.post("/inbox/bulk", data={"task_ids": [str(task.id)], "scope": "selected", "comment": ""},
                    follow_redirects=True)
    page = text(r)
    assert "処理できなかったタスク" in page and 'id="not-retriable"' in page
    assert "もう一度承認する" not in page


def test_bulk_approval_lists_failures_and_keeps_the_rest(app, session, office):
    second = office["second"]
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, second, t2)  # claimed by someone else: must fail, alone
    session.flush()
    client = login(app, "staff@chuoeast")
    r = client.post("/inbox/bulk", data={"task_ids": [str(t1), str(t2), str(t3)], "scope": "selected",
                                         "comment": "理事会承認"})
    assert r.status_code == 302
    page = text(client.get(r.headers["Location"]))
    assert "処理できなかったタスク" in page and f"#{t2}" in page and "他の担当者が担当しています" in page
    session.expire_all()
    assert [session.get(HumanTask, t).status for t in (t1, t2, t3)] == ["completed", "open", "completed"]
    assert session.get(HumanTask, t1).comment == "理事会承認"


def test_all_matching_means_every_open_task_and_too_many_is_refused_whole(app, session, office, monkeypatch):
    from engine import bulk as runs
    from engine.models import BulkRun

    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    tasks.complete_task(session, office["staff"], t3, "approve", "")  # the newest: completed
    session.flush()
    # the "all" view's first rows include completed tasks; they must not crowd out open ones
    assert tasks.matching_ids(session, office["staff"], tasks.InboxQuery(view="all"), limit=2) == [t2, t1]
    assert tasks.matching_ids(session, office["staff"], tasks.InboxQuery(view="all", status="approve")) == []
    monkeypatch.setattr(runs, "BULK_MAX", 1)
    before = session.scalar(sa.select(sa.func.count()).select_from(BulkRun))
    client = login(app, "staff@chuoeast")
    for url in ("/inbox/bulk", "/inbox/export"):
        r = client.post(url, data={"scope": "all", "view": "open"}, follow_redirects=True)
        assert "タスクは1件までです。" in text(r) and "条件で絞り込んで" in text(r)
    assert session.scalar(sa.select(sa.func.count()).select_from(BulkRun)) == before
    assert session.get(HumanTask, t1).status == "open"


def test_approving_all_matching_says_first_how_many_and_which_would_fail(app, session, office):
    from engine.models import BulkRun, BulkRunItem

    staff, second = office["staff"], office["second"]
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, second, t1)  # a colleague holds one
    session.flush()
    before = session.scalar(sa.select(sa.func.count()).select_from(BulkRun))
    client = login(app, staff.login_id)
    r = client.post("/inbox/bulk", data={"scope": "all", "view": "open", "application_kind": "enrolment",
                                         "comment": "理事会承認"})
    page = text(r)
    assert r.status_code == 200 and session.scalar(sa.select(sa.func.count()).select_from(BulkRun)) == before
    approvable = int(re.search(r'id="approvable">(\d+)<', page).group(1))
    listing = page.split('id="bulk-confirm-list"')[1].split("</table>")[0]  # whom, not only how many
    assert f"<td>{office['apps'][1]}</td>" in listing and f"<td>{office['apps'][0]}</td>" not in listing
    assert approvable >= 2 and re.search(r'id="claimed-elsewhere">1<', page)
    assert 'name="application_kind" value="enrolment"' in page and 'name="comment" value="理事会承認"' in page
    shown = re.findall(r'name="task_ids" value="(\d+)"', page)  # the tasks the count was of
    newcomer = file_enrolment(session, new_member(session, prefix="late"), chain=[("chuoeast", "A-1")])
    session.flush()  # filed after the office read the count: not in this run
    r = client.post("/inbox/bulk", data={"scope": "all", "view": "open", "application_kind": "enrolment",
                                         "comment": "理事会承認", "confirmed": "1", "task_ids": shown})
    assert r.status_code == 302
    run = session.scalars(sa.select(BulkRun).order_by(BulkRun.id.desc())).first()
    items = set(session.scalars(sa.select(BulkRunItem.task_id).where(BulkRunItem.run_id == run.id)))
    assert run.total == approvable and {t2, t3} <= items and t1 not in items  # the colleague's is left
    late_task = tasks.list_tasks(session, staff, application_id=newcomer.id)[0][0]
    assert late_task.id not in items and session.get(HumanTask, late_task.id).status == "open"
    assert session.get(HumanTask, t1).status == "open"


def test_board_material_of_all_matching_takes_the_decisions_shown(app, session, office):
    t1, t2, _t3 = (office["tasks"][a] for a in office["apps"])
    tasks.complete_task(session, office["staff"], t1, "approve", "")
    tasks.complete_task(session, office["staff"], t2, "return", "書類不足")
    session.flush()
    client = login(app, "staff@chuoeast")
    r = client.post("/inbox/export", data={"scope": "all", "view": "completed", "format": "csv-utf8"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    body = r.get_data().decode("utf-8-sig")
    assert f"\r\n{office['apps'][0]}," in body and f"\r\n{office['apps'][1]}," in body
    assert "該当するすべてを出力" not in text(login(app, "staff@sapporo").get("/inbox?view=escalated"))
    from membership.models import AuditEvent

    exported = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "task.export")
                               .order_by(AuditEvent.id.desc())).first()
    assert exported is not None and {t1, t2} <= set(exported.detail["task_ids"])  # who took which
    # the format becomes part of the file's name: only the offered ones
    for wild in ('x";filename="evil.html', "é\u3042", "xlsx"):
        r = client.post("/inbox/export", data={"scope": "all", "view": "completed", "format": wild})
        assert r.status_code == 422 and "ファイル形式は一覧から選んでください" in text(r), wild
    assert session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "task.export")
                           .order_by(AuditEvent.id.desc())).first().id == exported.id  # nothing taken


def test_a_bulk_run_shows_its_progress_to_its_office_until_it_finishes(app, session, office):
    from engine import bulk as runs

    t1, t2, _t3 = (office["tasks"][a] for a in office["apps"])
    run = runs.start(session, office["staff"], [t1, t2], "approve", "理事会")
    session.flush()
    client = login(app, "staff@chuoeast")
    inbox = text(client.get("/inbox"))
    assert "一括承認を処理中: 0 / 2" in inbox and f"/inbox/bulk/{run.id}" in inbox
    page = text(client.get(f"/inbox/bulk/{run.id}"))
    # not worked yet: the page asks for its progress fragment again until the run is done
    assert "待機中" in page and f'hx-get="/inbox/bulk/{run.id}/progress"' in page and 'hx-trigger="every 2s"' in page
    assert login(app, "staff@sapporo").get(f"/inbox/bulk/{run.id}").status_code == 404
    assert client.get(f"/inbox/bulk/{run.id}/progress").status_code == 200  # keep asking
    assert 'id="bulk-stalled"' not in page
    run.updated_at -= runs.STALE_AFTER * 2  # no worker took it: the office is told, not left waiting
    session.flush()
    assert 'id="bulk-stalled"' in text(client.get(f"/inbox/bulk/{run.id}/progress"))
    runs.run_to_end(app.extensions["mamis_db"].session_factory, run.id)
    ended = client.get(f"/inbox/bulk/{run.id}/progress")
    assert ended.status_code == 286  # htmx: the last answer; stop polling
    fragment = text(ended)
    assert "完了" in fragment and "すべて承認しました" in fragment
    assert "hx-trigger" not in text(client.get(f"/inbox/bulk/{run.id}"))
    assert 'id="bulk-succeeded">2<' in fragment
    # what was approved, named with links to its tasks (not only counted)
    approved = re.search(r'id="approved-tasks".*?</table>', text(client.get(f"/inbox/bulk/{run.id}")), re.S).group(0)
    assert f'href="/tasks/{t1}"' in approved and f'href="/tasks/{t2}"' in approved
    assert f"<td>{office['apps'][0]}</td>" in approved
    assert "一括承認を処理中" not in text(client.get("/inbox"))
    history = text(client.get("/inbox/bulk-runs"))  # the office's history: who, when, how many
    assert f"/inbox/bulk/{run.id}" in history and "理事会" in history
    assert f"/inbox/bulk/{run.id}" not in text(login(app, "staff@sapporo").get("/inbox/bulk-runs"))


def test_a_bulk_run_can_be_stopped_and_its_failures_approved_again_from_its_page(app, session, office):
    from engine import bulk as runs

    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    client = login(app, "staff@chuoeast")
    waiting = runs.start(session, office["staff"], [t3], "approve", "")
    session.flush()
    assert "中止する" in text(client.get(f"/inbox/bulk/{waiting.id}"))
    page = text(client.post(f"/inbox/bulk/{waiting.id}/cancel", follow_redirects=True))
    assert "一括承認を中止しました" in page and "中止されました。未処理: 1" in page and "中止する" not in page
    again = text(client.post(f"/inbox/bulk/{waiting.id}/cancel", follow_redirects=True))
    assert "この一括処理はすでに終了しています。" in again
    assert session.get(HumanTask, t3).status == "open"

    tasks.claim(session, office["second"], t2)
    session.flush()
    r = client.post("/inbox/bulk", data={"task_ids": [str(t1), str(t2)], "scope": "selected"})
    failed_run = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "もう一度承認する" in text(client.get(r.headers["Location"]))
    tasks.unclaim(session, office["second"], t2)
    session.flush()
    page = text(client.post(f"/inbox/bulk/{failed_run}/retry", follow_redirects=True))
    assert "一括承認: 1 / 1" in page
    session.expire_all()
    assert session.get(HumanTask, t2).status == "completed"


def test_a_failure_that_cannot_change_offers_no_retry(app, session, office):
    _t1, t2, _t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, office["second"], t2)
    session.flush()
    client = login(app, "staff@chuoeast")
    r = client.post("/inbox/bulk", data={"task_ids": [str(t2)], "scope": "selected"})
    run_page = r.headers["Location"]
    assert "もう一度承認する" in text(client.get(run_page))  # the colleague may yet release it
    tasks.complete_task(session, office["second"], t2, "approve", "")  # … but decided it meanwhile
    session.flush()
    page = text(client.get(run_page))
    assert "もう一度承認する" not in page and 'id="not-retriable"' in page and "もう承認できる状態にありません" in page
    r = client.post(f"{run_page}/retry", follow_redirects=True)  # a stale page's button: nothing to run
    assert r.status_code == 200 and "一括承認: " not in text(r)


def test_a_bulk_runs_result_exports_for_the_boards_minutes(app, session, office):
    import csv
    import io

    import pypdf

    t1, t2, _t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, office["second"], t2)
    session.flush()
    client = login(app, "staff@chuoeast")
    r = client.post("/inbox/bulk", data={"task_ids": [str(t1), str(t2), "999999"], "scope": "selected"})
    run_url = r.headers["Location"]
    assert f"{run_url}/export?format=pdf" in text(client.get(run_url))
    body = client.get(f"{run_url}/export?format=csv-utf8").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    by_app = {row["申請番号"]: row["結果"] for row in rows}
    apps = dict(zip((t1, t2), office["apps"][:2]))
    assert by_app[str(apps[t1])] == "承認"
    assert by_app[str(apps[t2])] == "処理できなかった: このタスクは他の担当者が担当しています。"
    assert by_app[""] == "#999999 処理できなかった: 見つかりません。"  # an id that names no task keeps its line
    pdf = client.get(f"{run_url}/export?format=pdf")
    content = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert pdf.mimetype == "application/pdf" and "一括承認の結果" in content and "アオキ" in content
    assert login(app, "staff@sapporo").get(f"{run_url}/export").status_code == 404


def test_the_bulk_run_api_answers_at_once_and_reports_each_failure(api, session, office):
    t1, t2, _t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, office["second"], t2)
    session.flush()
    staff = api("staff@chuoeast")
    r = staff.post("/api/v1/tasks/bulk-runs", json={"ids": [t1, t2], "decision": "approve"})
    assert r.status_code == 202, r.get_json()
    location = r.headers["Location"]
    # without a broker the job ran in the request; with one, the client polls the Location
    run = staff.get(location).get_json()
    assert (run["status"], run["total"], run["done"], run["succeeded"], run["failed"]) == ("finished", 2, 2, 1, 1)
    claimed = {"code": "conflict", "message": "このタスクは他の担当者が担当しています。", "fields": {}}
    assert run["failures"] == [{"id": t2, "error": claimed}]
    assert api("staff@sapporo").get(location).status_code == 404
    listed = staff.get("/api/v1/tasks/bulk-runs").get_json()
    assert listed[0]["id"] == run["id"] and listed[0]["failed"] == 1 and "failures" not in listed[0]
    assert run["id"] not in {r["id"] for r in api("staff@sapporo").get("/api/v1/tasks/bulk-runs").get_json()}
    assert staff.post("/api/v1/tasks/bulk-runs", json={"ids": [t1], "decision": "reject"}).status_code == 422
    member = api(office["members"][0].login_id)
    assert member.post("/api/v1/tasks/bulk-runs", json={"ids": [t1], "decision": "approve"}).status_code == 403
    assert staff.post(f"{location}/cancel").status_code == 409  # it has ended
    tasks.unclaim(session, office["second"], t2)
    session.flush()
    retry = staff.post(f"{location}/retry")
    assert retry.status_code == 202 and retry.get_json()["succeeded"] == 1
    nothing = staff.post(f"{retry.headers['Location']}/retry")  # nothing failed: said so, naming no field
    assert nothing.status_code == 409 and "やり直せるタスクはありません" in nothing.get_json()["error"]["message"]


def test_an_export_of_tasks_the_office_does_not_have_is_refused_not_an_empty_file(app, session, office):
    other = login(app, "staff@otaru")  # another office's staff, with this office's task ids
    ids = [str(office["tasks"][a]) for a in office["apps"]]
    r = other.post("/inbox/export", data={"task_ids": ids, "scope": "selected", "format": "csv-utf8"})
    assert r.status_code == 302 and "/inbox" in r.headers["Location"]
    assert "選択したタスクが見つかりません" in other.get(r.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["csv-utf8", "csv-cp932", "pdf"])
def test_the_selection_exports_as_board_material(app, session, office, fmt):
    import csv
    import io

    t1, t2, _t3 = (office["tasks"][a] for a in office["apps"])
    client = login(app, "staff@chuoeast")
    r = client.post("/inbox/export", data={"task_ids": [str(t1), str(t2)], "scope": "selected", "format": fmt})
    assert r.status_code == 200
    from urllib.parse import unquote

    named = unquote(r.headers["Content-Disposition"].partition("filename*=UTF-8''")[2])
    assert named.startswith("中央区東支部_理事会資料") and named.endswith(
        {"csv-utf8": ".csv", "csv-cp932": "_Excel用.csv", "pdf": ".pdf"}[fmt]), named
    body = r.get_data()
    if fmt == "pdf":
        import pypdf

        assert r.mimetype == "application/pdf" and b"/FontFile2" in body
        content = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
        assert "理事会資料" in content and "アオキ" in content and "イトウ" in content and "ウエダ" not in content
        assert content.startswith("中央区東支部 理事会資料")  # whose board it is
        assert "会員区分" in content and "希望日" in content and "所属施設" in content
        # every date on one line (a wrapped date, 2026/12/ over 01, doubled each row's height)
        assert len(re.findall(r"\d{4}/\d{2}/\d{2}", content)) >= 4, content
        assert not re.search(r"\d{4}/\d{2}/\s*\n", content), content
        return
    if fmt == "csv-utf8":
        assert body.startswith(b"\xef\xbb\xbf") and r.headers["Content-Type"] == "text/csv; charset=utf-8"
        decoded = body.decode("utf-8-sig")
    else:  # labelled as what it is (it said utf-8)
        assert r.headers["Content-Type"] == "text/csv; charset=Shift_JIS"
        decoded = body.decode("cp932")
    rows = list(csv.DictReader(io.StringIO(decoded)))
    assert [r["フリガナ"].split()[0] for r in rows] == ["アオキ", "イトウ"]  # by application number
    assert all(r["申請の種類"] == "入会届" and r["層"] == "4" for r in rows)
    # what the board decides on: the category asked of this association, the date, the facility
    from membership.models import Application

    filed = session.get(Application, office["apps"][0])
    assert rows[0]["会員区分"] == next(p.category.label for p in filed.parts if p.association.code == "chuoeast")
    assert rows[0]["希望日"] == filed.desired_date.strftime("%Y/%m/%d") and rows[0]["所属施設"] == filed.facility.name


def test_the_api_filters_counts_reassigns_and_takes_over(app, session, office):
    t1 = office["tasks"][office["apps"][0]]
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"login_id": "staff@chuoeast", "password": "Mamis#2024"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    r = client.get("/api/v1/tasks?view=open&applicant=アオキ&per_page=20", headers=headers)
    assert r.status_code == 200 and int(r.headers["X-Total-Count"]) >= 1
    assert {t["applicant_kana"].split()[0] for t in r.get_json()} == {"アオキ"}
    assert client.get("/api/v1/tasks?layer=9", headers=headers).status_code == 422
    counts = client.get("/api/v1/tasks/counts", headers=headers).get_json()
    assert counts["open"] >= 3 and set(counts) >= {"mine", "unclaimed", "overdue", "due_soon", "completed",
                                                   "escalated"}
    r = client.post(f"/api/v1/tasks/{t1}/reassign", headers=headers, json={"to_user_id": office["second"].user_id,
                                                                            "reason": "担当変更"})
    assert r.status_code == 200 and r.get_json()["claimed_by"] == office["second"].user_id
    r = client.post(f"/api/v1/tasks/{t1}/take-over", headers=headers, json={"reason": ""})
    assert r.status_code == 422
    r = client.post(f"/api/v1/tasks/{t1}/take-over", headers=headers, json={"reason": "急ぎのため"})
    assert r.status_code == 200 and r.get_json()["claimed_by"] == office["staff"].user_id
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/tasks/counts", "/api/v1/tasks/{task_id}/reassign",
            "/api/v1/tasks/{task_id}/take-over"} <= set(spec["paths"])


def test_the_daily_digest_mails_each_office_once_with_new_and_overdue_tasks(app, session, office, business_day,
                                                                           monkeypatch):
    from membership.models import Notification
    from webapp import jobs

    t2 = office["tasks"][office["apps"][1]]
    session.get(HumanTask, t2).due_at = dt.datetime(2020, 1, 1)
    session.flush()
    job = app.extensions["celery"].tasks[jobs.daily_digest.name]
    job()
    job()  # a doubled beat does not mail twice
    mails = session.scalars(sa.select(Notification).where(Notification.to_address == "office@chuoeast.example.jp")
                            .order_by(Notification.id)).all()
    assert len(mails) == 1
    body = mails[0].body
    assert "審査タスクのお知らせ" in mails[0].subject and "期限超過" in body and "/inbox" in body
    assert f"{business_day:%Y/%m/%d}" in mails[0].subject  # the day as the screens write it
    assert f"申請番号 {office['apps'][1]}" in body.split("期限超過")[1]  # the overdue one is listed there
    # each line says what the application is (every task is 事務局の審査) and links to its task
    assert f"・入会届 申請番号 {office['apps'][1]} " in body and f"/tasks/{t2}\n" in body
    # no digest on a day the office is closed (a Sunday): what arrives meanwhile is new in the next
    sunday = business_day + dt.timedelta(days=6 - business_day.weekday())
    monkeypatch.setattr(jobs, "today_jst", lambda: sunday)
    job()
    assert session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.to_address == "office@chuoeast.example.jp")) == 1
    # the next business day: new is what arrived since the last digest, not the day before it
    from membership import calendar

    later = sunday + dt.timedelta(days=1)
    while not calendar.is_business_day(later):
        later += dt.timedelta(days=1)
    monkeypatch.setattr(jobs, "today_jst", lambda: later)
    arrived = file_enrolment(session, new_member(session, prefix="dig"), chain=[("chuoeast", "A-1")])
    session.flush()
    job()
    mails = session.scalars(sa.select(Notification).where(Notification.to_address == "office@chuoeast.example.jp")
                            .order_by(Notification.id)).all()
    assert len(mails) == 2
    new = mails[1].body.split("期限超過")[0]
    assert f"申請番号 {arrived.id} " in new and f"申請番号 {office['apps'][0]} " not in new


def test_notes_are_shared_by_the_layers_and_messages_reach_the_applicant(app, session, office):
    from membership import notes
    from membership.models import Notification

    app_id = office["apps"][0]
    t1 = office["tasks"][app_id]
    client = login(app, "staff@chuoeast")
    r = client.post(f"/tasks/{t1}/notes", data={"note": "理事会で確認予定"})
    assert r.status_code == 302
    r = client.post(f"/tasks/{t1}/notes", data={"note": "勤務先の証明書をご提出ください", "to_applicant": "y"})
    assert r.status_code == 302
    assert "理事会で確認予定" in text(client.get(f"/tasks/{t1}"))
    # the prefecture (a layer of the same application) sees the notes; an unrelated office does not
    hokkaido = actor_for(session, "staff@hokkaido")
    assert [n.body for n in notes.notes_for_staff(session, hokkaido, app_id)] == ["理事会で確認予定",
                                                                                  "勤務先の証明書をご提出ください"]
    with pytest.raises(NotFound):
        notes.notes_for_staff(session, actor_for(session, "staff@tokyo"), app_id)
    member = office["members"][0]
    page = text(login(app, member.login_id).get(f"/mypage/applications/{app_id}"))
    assert "勤務先の証明書をご提出ください" in page and "理事会で確認予定" not in page
    mailed = session.scalars(sa.select(Notification.subject).where(Notification.body.like("%勤務先の証明書%"))).all()
    assert mailed and "中央区東支部からのお知らせ" in mailed[0]
    body = session.scalars(sa.select(Notification.body).where(Notification.body.like("%勤務先の証明書%"))).first()
    assert f"/mypage/applications/{app_id}\n" in body  # the application's own page, not My Page's top
    assert client.post(f"/tasks/{t1}/notes", data={"note": ""}).status_code == 422  # refused beside the field
    long = "長" * 2001
    r = client.post(f"/tasks/{t1}/notes", data={"note": long, "to_applicant": "y"})
    page = text(r)
    assert r.status_code == 422 and 'id="error-note"' in page and 'href="#field-note"' in page
    assert f">{long}</textarea>" in page and 'name="to_applicant" value="y" checked' in page  # nothing typed is lost
    assert len(notes.notes_for_staff(session, hokkaido, app_id)) == 2
    # a reassignment without its reason: the reason's field says so, the colleague chosen stays
    r = client.post(f"/tasks/{t1}/reassign", data={"to_user_id": str(office["second"].user_id), "reason": " "})
    page = text(r)
    assert r.status_code == 422 and 'id="error-reason"' in page
    assert f'value="{office["second"].user_id}" selected' in page


def test_the_dashboard_counts_open_tasks_ages_and_weekly_throughput(app, session, office):
    staff = office["staff"]
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    session.get(HumanTask, t2).created_at = dt.datetime.now() - dt.timedelta(days=20)
    session.get(HumanTask, t2).due_at = dt.datetime(2020, 1, 1)  # overdue
    session.get(HumanTask, t3).due_at = dt.datetime.now() + dt.timedelta(days=1)  # due soon
    session.get(HumanTask, t1).created_at = dt.datetime.now() - dt.timedelta(days=2, hours=12)
    tasks.complete_task(session, staff, t1, "approve", "")
    tasks.claim(session, staff, t3)
    session.flush()
    figures = tasks.dashboard(session, staff)
    # the headline figures are the inbox's own views
    counts = tasks.inbox_counts(session, staff)
    assert (figures["overdue"], figures["due_soon"], figures["unclaimed"]) == (
        counts["overdue"], counts["due_soon"], counts["unclaimed"])
    assert figures["overdue"] >= 1 and figures["due_soon"] >= 1
    today = today_jst()  # weeks start on Monday in Japan: 00:00 JST is 15:00 UTC on Sunday
    monday = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time(), JST)
    this_week = session.scalars(sa.select(HumanTask).where(
        HumanTask.association_id == staff.association_id, HumanTask.kind == "review", HumanTask.status == "completed",
        HumanTask.completed_at >= monday.astimezone(dt.UTC).replace(tzinfo=None))).all()
    assert t1 in {t.id for t in this_week} and figures["done_this_week"] == len(this_week)
    mean = sum((t.completed_at - t.created_at).total_seconds() for t in this_week) / 86400 / len(this_week)
    assert figures["per_week"][-1][2] == round(mean, 1)
    if len(this_week) == 1:
        assert figures["per_week"][-1][2] == 2.5
    first_monday = figures["per_week"][0][0]
    shown = session.scalars(sa.select(HumanTask).where(
        HumanTask.association_id == staff.association_id, HumanTask.kind == "review", HumanTask.status == "completed",
        HumanTask.completed_at >= dt.datetime.combine(first_monday, dt.time(), JST).astimezone(dt.UTC)
        .replace(tzinfo=None))).all()
    assert figures["lead_days"] == round(
        sum((t.completed_at - t.created_at).total_seconds() for t in shown) / 86400 / len(shown), 1)
    open_here = tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", per_page=20))[1]
    assert figures["open_total"] == sum(n for kind, layer, n in figures["by_kind"]) >= 2
    review_open = session.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
        HumanTask.association_id == staff.association_id, HumanTask.status == "open", HumanTask.kind == "review"))
    assert figures["open_total"] == review_open <= open_here
    assert dict(figures["ages"])["15〜30日"] >= 1
    assert sum(n for _label, n in figures["ages"]) == figures["open_total"]  # every open task has one age
    aged = session.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
        HumanTask.association_id == staff.association_id, HumanTask.status == "open", HumanTask.kind == "review",
        HumanTask.created_at <= dt.datetime.now() - dt.timedelta(days=15),
        HumanTask.created_at > dt.datetime.now() - dt.timedelta(days=31)))
    assert dict(figures["ages"])["15〜30日"] == aged
    assert figures["per_week"][-1][1] >= 1  # this week's completion
    jma = tasks.dashboard(session, actor_for(session, "staff@jma"))
    assert jma["open_total"] >= figures["open_total"]  # JMA sees every office's counts
    # and where they wait, by prefecture: chuoeast's are 北海道's
    assert figures["by_prefecture"] == []  # an office has only its own
    by_prefecture = {pref: (n, late) for pref, n, late in jma["by_prefecture"]}
    assert sum(n for n, _ in by_prefecture.values()) == jma["open_total"]
    assert sum(late for _, late in by_prefecture.values()) == jma["overdue"]
    hokkaido_open = session.scalar(sa.select(sa.func.count()).select_from(HumanTask).join(
        Association, Association.id == HumanTask.association_id).where(
        Association.prefecture == "北海道", HumanTask.status == "open", HumanTask.kind == "review"))
    assert by_prefecture["北海道"][0] == hokkaido_open >= figures["open_total"]
    jma_page = text(login(app, "staff@jma").get("/dashboard"))
    assert 'id="by-prefecture"' in jma_page and "<td>北海道</td>" in jma_page
    assert "全国のすべての医師会の数です" in jma_page
    # JMA's own inbox beside the country's: the numbers its views show, linked to them
    jma = actor_for(session, "staff@jma")
    own = jma_page.split('id="own-kpis"', 1)[1].split("</dl>", 1)[0]
    counts = tasks.inbox_counts(session, jma)
    assert f'id="own-unclaimed">{counts["unclaimed"]}<' in own and f'id="own-overdue">{counts["overdue"]}<' in own
    assert f'id="own-open">{tasks.search_inbox(session, jma, tasks.InboxQuery(view="open", per_page=20))[1]}<' in own
    assert 'href="/inbox?view=overdue"' in own
    client = login(app, "staff@chuoeast")
    page = text(client.get("/dashboard"))
    assert f'id="open-total">{figures["open_total"]}<' in page
    assert f'id="kpi-overdue">{figures["overdue"]}<' in page and f'id="kpi-due-soon">{figures["due_soon"]}<' in page
    assert f'id="kpi-lead">{figures["lead_days"]}<' in page and 'href="/inbox?view=overdue"' in page
    assert 'id="by-prefecture"' not in page
    charts = {m.group(1): m.group(0) for m in re.finditer(r'<svg class="chart" id="(\w+)".*?</svg>', page, re.S)}
    assert set(charts) == {"kinds", "ages", "weeks"}
    for svg in charts.values():  # each chart on its own scale: its largest figure fills the width
        assert 'width="420.0"' in svg
    kind, layer, n = max(figures["by_kind"], key=lambda row: row[2])
    assert f" · {layer}層</text>" in charts["kinds"] and f">{n}</text>" in charts["kinds"]
    english = text(client.get("/dashboard?lang=en"))
    assert ">15–30 days</text>" in english and f" · Layer {layer}</text>" in english
    assert "層" not in english.split("<main", 1)[1] and "<th scope=\"col\">Count</th>" in english


def test_the_total_is_the_same_on_every_page_and_past_the_end(session, office):
    staff = office["staff"]
    first, total = tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", per_page=20, page=1))
    exact = session.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
        HumanTask.association_id == staff.association_id, HumanTask.status == "open"))
    assert total == exact >= 3 and len(first) == min(exact, 20)
    last_page = (exact + 19) // 20
    rows, again = tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", per_page=20, page=last_page))
    assert again == exact and len(rows) == exact - 20 * (last_page - 1)
    rows, past = tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", per_page=20, page=last_page + 5))
    assert rows == [] and past == exact
    nothing = tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", applicant="該当なし名前"))
    assert nothing == ([], 0)


def test_the_applicant_search_finds_other_kanji_forms_of_a_name(session, office):
    """高橋 typed finds 髙橋 filed, and 斉藤 finds 齋藤, as the member search does; a plain name
    is not widened."""
    staff = office["staff"]
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    tag = uuid.uuid4().hex[:6]
    session.get(HumanTask, t1).applicant_name = f"髙橋 {tag}"
    session.get(HumanTask, t2).applicant_name = f"齋藤 {tag}"
    session.get(HumanTask, t3).applicant_name = f"高田 {tag}"
    session.flush()

    def found(typed):
        return {t.id for t, _ in tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", applicant=typed))[0]}

    assert found(f"高橋 {tag}") == {t1} and found(f"髙橋 {tag}") == {t1}
    assert found(f"斉藤 {tag}") == {t2} and found(f"斎藤 {tag}") == {t2}
    assert found(f"高 {tag}") == {t1, t3} and found(f"田 {tag}") == {t3}


def test_screens_show_stored_times_in_japan():
    from webapp.i18n import local_time

    assert local_time(dt.datetime(2026, 11, 29, 16, 5)) == "2026/11/30 01:05"  # stored naive UTC
    assert local_time(dt.datetime(2026, 11, 29, 16, 5, tzinfo=dt.UTC), "%Y/%m/%d") == "2026/11/30"
    assert local_time(dt.date(2026, 11, 29), "%Y/%m/%d") == "2026/11/29"  # a date is a date
    assert local_time(None) == ""
    assert local_time("2026-11-29T16:05:00.123456") == "2026/11/30 01:05"  # kept in a JSON payload


def test_the_association_s_tasks_and_those_assigned_to_me_page_as_one_list(session, office):
    """The scope is read in two parts (the association's tasks; tasks assigned to me elsewhere)
    and merged: one order, one total, pages that neither repeat nor skip."""
    staff = office["staff"]
    own = office["tasks"]
    instance_id = session.get(HumanTask, next(iter(own.values()))).instance_id
    otaru = session.scalar(sa.text("SELECT id FROM associations WHERE code = 'otaru'"))
    # an amendment assigned to this staff user in another association's process (a session it filed)
    mine_elsewhere = HumanTask(instance_id=instance_id, spiff_task_id=str(uuid.uuid4()), bpmn_id="amend",
                               process_key="layer_review", name="修正", kind="amend", association_id=otaru,
                               layer=3, assignee_user_id=staff.user_id, status="open",
                               created_at=dt.datetime(2099, 1, 1))  # newest: first in the list
    session.add(mine_elsewhere)
    session.flush()
    everything, total = tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", per_page=100))
    listed = [t.id for t, _ in everything]
    assert listed[0] == mine_elsewhere.id and set(own.values()) <= set(listed)
    assert total == len(listed) == len(set(listed))
    assert dict((t.id, code) for t, code in everything)[mine_elsewhere.id] == "otaru"
    paged = []
    for page in range(1, total + 1):
        rows, page_total = tasks.search_inbox(session, staff, tasks.InboxQuery(view="open", per_page=2, page=page))
        assert page_total == total
        paged += [t.id for t, _ in rows]
        if len(paged) >= total:
            break
    assert paged == listed


def test_each_menu_count_is_the_total_of_its_view(session, office):
    staff = office["staff"]
    t1, t2, _ = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, staff, t1)
    tasks.claim(session, office["second"], t2)  # claimed, but not by me: neither mine nor unclaimed
    session.get(HumanTask, t2).due_at = dt.datetime(2020, 1, 1)
    session.flush()
    counts = tasks.inbox_counts(session, staff)
    for view in tasks.VIEWS:
        if view == "all":
            continue
        _, total = tasks.search_inbox(session, staff, tasks.InboxQuery(view=view, per_page=20))
        assert counts[view] == total, view
    assert counts["unclaimed"] == counts["open"] - 2 and counts["mine"] >= 1


def test_a_task_page_offers_reassignment_only_when_there_is_someone_to_hand_it_to(app, session):
    staff = actor_for(session, "staff@chuoeast")
    task_id = tasks.list_tasks(session, staff, application_id=file_enrolment(session, new_member(session)).id)[0][0].id
    assert tasks.colleagues(session, staff) == []  # the demo office has one staff user
    client = login(app, "staff@chuoeast")
    alone = text(client.get(f"/tasks/{task_id}"))
    assert "担当者を変更できる他の職員がいません。" in alone and 'name="to_user_id"' not in alone
    accounts.create_user(session, f"staff3-{uuid.uuid4().hex[:6]}", "Mamis#2024", "secretariat",
                         association_code="chuoeast", name="第三 職員")
    session.flush()
    page = text(client.get(f"/tasks/{task_id}"))
    assert 'name="to_user_id"' in page and "第三 職員" in page and "他の職員がいません" not in page


def test_decide_and_next_opens_the_next_task_of_the_list_the_user_came_from(app, session, office):
    staff, second = office["staff"], office["second"]
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, second, t2)  # a colleague's: not the next one for staff
    session.flush()
    client = login(app, "staff@chuoeast")
    client.get("/inbox?view=open")  # newest first: t3, t2, t1, then older ones
    r = client.post(f"/tasks/{t3}", data={"decision": "approve", "comment": "", "then": "next"})
    assert r.status_code == 302 and r.headers["Location"] == f"/tasks/{t1}"
    page = text(client.get(r.headers["Location"]))
    assert "処理しました。次のタスクです。" in page and "決定して次のタスクへ" in page
    assert 'href="/inbox?view=open"' not in page and 'href="/inbox"' in page  # 戻る: the list (its defaults)

    tasks.claim(session, staff, t1)
    session.flush()
    client.get("/inbox?view=mine&sort=due")
    page = text(client.get(f"/tasks/{t1}"))
    assert 'href="/inbox?view=mine&amp;sort=due"' in page  # 戻る: the filtered list
    r = client.post(f"/tasks/{t1}", data={"decision": "approve", "comment": "", "then": "next"})
    assert r.headers["Location"] == "/inbox?view=mine&sort=due"  # nothing else of mine: back to the list
    assert "ほかに処理できるタスクはありません" in text(client.get(r.headers["Location"]))
    assert [session.get(HumanTask, t).status for t in (t1, t2, t3)] == ["completed", "open", "completed"]
    assert tasks.next_task(session, staff, tasks.InboxQuery(view="escalated"), t1) is None


def test_a_plain_decision_returns_to_the_filtered_list(app, session, office):
    t1 = office["tasks"][office["apps"][0]]
    client = login(app, "staff@chuoeast")
    client.get("/inbox?view=unclaimed&order=asc")
    r = client.post(f"/tasks/{t1}", data={"decision": "approve", "comment": ""})
    assert r.status_code == 302 and r.headers["Location"] == "/inbox?view=unclaimed&order=asc"


def test_the_tabs_refresh_their_counts_and_say_when_the_list_on_screen_has_changed(app, session, office):
    staff = office["staff"]
    t1 = office["tasks"][office["apps"][0]]
    shown = tasks.inbox_counts(session, staff)["unclaimed"]
    client = login(app, "staff@chuoeast")
    page = text(client.get("/inbox?view=unclaimed"))
    assert f'hx-get="/inbox/counts?view=unclaimed&amp;shown={shown}"' in page and 'hx-trigger="every 60s"' in page
    assert '<p id="tabs-update" class="tabs-update" role="status"></p>' in page  # the live region, empty
    same = text(client.get(f"/inbox/counts?view=unclaimed&shown={shown}"))
    assert '<p id="tabs-update" hx-swap-oob="innerHTML"></p>' in same and f'<span class="count">{shown}</span>' in same
    tasks.claim(session, staff, t1)  # meanwhile: one task fewer without a claimant
    session.flush()
    changed = text(client.get(f"/inbox/counts?view=unclaimed&shown={shown}"))
    assert "この一覧の件数が変わりました。" in changed and 'href="/inbox?view=unclaimed"' in changed
    assert f'<span class="count">{shown - 1}</span>' in changed
    assert login(app, "nichiitaro").get("/inbox/counts").status_code == 403


def test_rows_due_soon_and_overdue_are_marked(app, session, office):
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.get(HumanTask, t1).due_at = now - dt.timedelta(hours=1)
    session.get(HumanTask, t2).due_at = now + dt.timedelta(days=1)
    session.get(HumanTask, t3).due_at = now + dt.timedelta(days=10)
    session.flush()
    page = text(login(app, "staff@chuoeast").get("/inbox?view=open&per_page=100"))
    rows = {int(m.group(1)): m.group(0) for m in re.finditer(r'<tr class="[^"]*">\s*<td><input type="checkbox" '
                                                                r'name="task_ids" value="(\d+)".*?</tr>', page, re.S)}
    assert rows[t1].startswith('<tr class="overdue">') and "期限超過" in rows[t1]
    assert rows[t2].startswith('<tr class="due-soon">') and "期限間近" in rows[t2]
    assert rows[t3].startswith('<tr class="">') and "badge" not in rows[t3]


def test_the_search_box_also_finds_an_application_by_its_number(app, session, office):
    staff = office["staff"]
    application_id, task_id = office["apps"][1], office["tasks"][office["apps"][1]]
    for typed in (str(application_id), f"#{application_id}", f"＃{application_id}"):  # full-width as typed
        rows, total = tasks.search_inbox(session, staff, tasks.parse_query({"applicant": typed, "view": "all"}))
        assert task_id in {t.id for t, _ in rows} and all(
            t.application_id == application_id or t.applicant_registry == typed.lstrip("#＃") for t, _ in rows)
    nothing, total = tasks.search_inbox(session, staff, tasks.parse_query({"applicant": "#999999999", "view": "all"}))
    assert nothing == [] and total == 0
    page = text(login(app, "staff@chuoeast").get(f"/inbox?view=all&applicant=%23{application_id}"))
    assert f'href="/tasks/{task_id}"' in page


def test_the_page_size_is_chosen_on_the_screen(app, session, office):
    client = login(app, "staff@chuoeast")
    page = text(client.get("/inbox?view=open&per_page=20"))
    assert '<option value="20" selected>20</option>' in page and '<option value="100" >100</option>' in page
    assert page.count('name="task_ids"') <= 20
    assert '<option value="50" selected>50</option>' in text(client.get("/inbox?per_page=7"))  # not offered: 50


def test_a_task_claimed_by_a_colleague_names_them_in_the_list(app, session, office):
    t1, t2 = (office["tasks"][a] for a in office["apps"][:2])
    tasks.claim(session, office["second"], t1)
    tasks.claim(session, office["staff"], t2)
    session.flush()
    page = text(login(app, "staff@chuoeast").get("/inbox?view=open&per_page=100"))
    rows = {int(m.group(1)): m.group(0) for m in re.finditer(r'name="task_ids" value="(\d+)".*?</tr>', page, re.S)}
    assert "<td>第二 職員</td>" in rows[t1] and "<td>自分</td>" in rows[t2]


def test_the_task_page_links_to_its_sections_and_to_the_decision_only_when_it_can_be_made(app, session, office):
    t1, t2 = (office["tasks"][a] for a in office["apps"][:2])
    tasks.claim(session, office["second"], t1)  # a colleague holds it: no decision here
    session.flush()
    client = login(app, "staff@chuoeast")

    def nav(task_id):
        page = text(client.get(f"/tasks/{task_id}"))
        links = re.search(r'<nav class="page-nav".*?</nav>', page, re.S).group(0)
        targets = re.findall(r'href="#([\w-]+)"', links)
        assert all(f'id="{t}"' in page for t in targets)  # every link has its section
        return targets

    assert nav(t2) == ["app-title", "documents-title", "notes-title", "assign-title", "decision-title", "diagram-title"]
    assert "decision-title" not in nav(t1)
    # the decision posts to the page's own address, without the fragment the page was reached by: after
    # a note (…#notes-title) a refused decision opened at the notes, its error summary out of sight
    assert f'<form method="post" action="/tasks/{t2}" class="form" novalidate>' in text(client.get(f"/tasks/{t2}"))


def test_the_list_narrows_to_the_tasks_one_staff_member_holds(app, session, office, api):
    """担当者 filter (as Camunda's "assigned to"): a colleague's tasks, e.g. to hand them on when
    they are away; another office's staff id finds nothing here."""
    staff, second = office["staff"], office["second"]
    t1, t2, t3 = (office["tasks"][a] for a in office["apps"])
    tasks.claim(session, second, t1)
    tasks.claim(session, staff, t2)
    session.flush()

    def held(holder, **extra):
        rows, total = tasks.search_inbox(session, staff, tasks.parse_query(
            {"view": "open", "holder": str(holder), "per_page": "100", **extra}))
        assert total == len(rows)
        return {t.id for t, _ in rows}

    assert t1 in held(second.user_id) and not {t2, t3} & held(second.user_id)
    assert t2 in held(staff.user_id) and t1 not in held(staff.user_id)
    assert held(actor_for(session, "staff@kitaku").user_id) == set()
    assert held(second.user_id, view="unclaimed") == set()  # both conditions hold
    with pytest.raises(ValidationFailed) as bad:
        tasks.parse_query({"holder": "x"})
    assert set(bad.value.fields) == {"holder"}

    client = login(app, "staff@chuoeast")
    page = text(client.get(f"/inbox?view=open&holder={second.user_id}&per_page=100"))
    listed = {int(m) for m in re.findall(r'name="task_ids" value="(\d+)"', page)}
    assert t1 in listed and not {t2, t3} & listed
    assert f'<option value="{second.user_id}" selected>第二 職員</option>' in page
    assert client.get("/inbox?holder=abc").status_code == 422
    r = api("staff@chuoeast").get(f"/api/v1/tasks?view=open&holder={second.user_id}&per_page=100")
    assert r.status_code == 200 and t1 in {t["id"] for t in r.get_json()} and t2 not in {t["id"] for t in r.get_json()}


def test_claim_and_release_say_what_happened(app, session, office):
    task_id = office["tasks"][office["apps"][0]]
    client = login(app, "staff@chuoeast")
    assert "担当しました。" in text(client.post(f"/tasks/{task_id}/claim", follow_redirects=True))
    assert "担当を外れました。" in text(client.post(f"/tasks/{task_id}/unclaim", follow_redirects=True))


def test_an_empty_page_or_a_backward_range_is_said_so(app, session, office):
    client = login(app, "staff@chuoeast")
    r = client.get("/inbox?view=all&date_from=2026-12-31&date_to=2026-01-01")
    assert r.status_code == 422 and "受付日（まで）は開始日以降の日付にしてください" in text(r)
    page = text(client.get("/inbox?view=all&page=999"))
    assert "タスクはありません" in page and 'id="first-page"' in page and "page=1" in page


def test_text_a_spreadsheet_would_run_is_written_as_text_in_every_csv():
    """CSV injection: an applicant's =HYPERLINK(…) in a facility name must not become a live formula
    in the office's Excel; numbers stay numbers."""
    from webapp.csv_response import safe_cell

    assert safe_cell('=HYPERLINK("http://evil.example/","クリック")') == '\'=HYPERLINK("http://evil.example/","クリック")'
    assert safe_cell("+81-3-1234") == "'+81-3-1234" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-3") == "-3" and safe_cell("-0.5") == "-0.5" and safe_cell(12) == 12
    assert safe_cell("上野クリニック") == "上野クリニック" and safe_cell("") == ""


def test_a_note_keeps_its_line_breaks_on_the_task_page_and_in_the_mail(app, session, office):
    from membership.models import ApplicationNote, Notification

    app_id = office["apps"][0]
    client, page = login(app, "staff@chuoeast"), f"/tasks/{office['tasks'][app_id]}"
    r = client.post(f"{page}/notes", data={"note": "次の書類をご提出ください。\r\n・開設者証明書\r\n・医師免許証の写し",
                                           "to_applicant": "y"})
    assert r.status_code == 302
    note = session.scalars(sa.select(ApplicationNote).where(ApplicationNote.application_id == app_id)).one()
    assert note.body == "次の書類をご提出ください。\n・開設者証明書\n・医師免許証の写し"
    assert '<span class="multiline">次の書類をご提出ください。\n・開設者証明書' in text(client.get(page))
    mailed = session.scalars(sa.select(Notification).order_by(Notification.id.desc())).first()
    assert "・開設者証明書\n・医師免許証の写し" in mailed.body


def test_a_resubmission_goes_back_to_who_returned_it_marked_with_the_applicants_message(app, session, office, api):
    second, app_id = office["second"], office["apps"][0]
    first_review = office["tasks"][app_id]
    tasks.claim(session, second, first_review)
    tasks.complete_task(session, second, first_review, "return", "開設者証明書を添付してください")
    member = office["members"][0]
    amend = tasks.list_tasks(session, member, application_id=app_id)[0][0]
    tasks.complete_task(session, member, amend.id, comment="開設者証明書を添付しました。\n確認をお願いします。")
    again = next(t for t, _ in tasks.list_tasks(session, second, application_id=app_id) if t.status == "open")
    assert again.resubmitted and again.claimed_by_user_id == second.user_id  # back to who returned it
    assert [e.reason for e, *_ in tasks.task_history(session, again)] == ["再提出：差し戻した担当者に戻しました"]

    client = login(app, second.login_id)
    row = text(client.get("/inbox?view=mine")).split(f"/tasks/{again.id}")[1].split("</tr>")[0]
    assert "再提出" in row
    page = text(client.get(f"/tasks/{again.id}"))
    rounds = page.split('id="rounds-title"')[1].split("</section>")[0]
    assert rounds.index("差戻し") < rounds.index("開設者証明書を添付してください") < rounds.index("再提出")
    assert '<span class="multiline">開設者証明書を添付しました。\n確認をお願いします。</span>' in rounds
    assert "申請者" in rounds and "第二 職員" in rounds
    # the return's comment is no longer shown as the association's standing
    standing = page.split('id="app-title"')[1].split("</table>")[0]
    assert "開設者証明書を添付してください" not in standing
    assert api(second.login_id).get(f"/api/v1/tasks/{again.id}").get_json()["resubmitted"] is True


def test_a_review_returned_by_someone_who_left_is_resubmitted_unclaimed(app, session, office):
    from membership.models import UserAccount

    second, app_id = office["second"], office["apps"][1]
    tasks.claim(session, second, office["tasks"][app_id])
    tasks.complete_task(session, second, office["tasks"][app_id], "return", "日付をご確認ください")
    session.get(UserAccount, second.user_id).is_active = False  # the staff member left the office
    member = office["members"][1]
    amend = tasks.list_tasks(session, member, application_id=app_id)[0][0]
    tasks.complete_task(session, member, amend.id)
    again = next(t for t, _ in tasks.list_tasks(session, office["staff"], application_id=app_id) if t.status == "open")
    assert again.resubmitted and again.claimed_by_user_id is None


def test_an_upper_layer_narrows_its_inbox_to_where_applications_came_from(app, session, api):
    """申請元: 北海道医師会 sees which city or district each application came through, narrows its
    inbox (and so its bulk approval and board material) to one city with the districts below it;
    JMA narrows to a prefecture. An association outside the office's tree is refused by name."""
    from ..helpers import FULL_CHAIN

    def up_to_hokkaido(chain):
        member = new_member(session, prefix="orig")
        application = file_enrolment(session, member, chain=chain)
        for code, _ in chain[:-2]:
            staff = actor_for(session, f"staff@{code}")
            task = tasks.list_tasks(session, staff, application_id=application.id)[0][0]
            tasks.complete_task(session, staff, task.id, "approve")
        return application.id

    via_district = up_to_hokkaido(FULL_CHAIN)
    via_otaru = up_to_hokkaido([("otaru", "A-1"), ("hokkaido", "A"), ("jma", "A1")])
    session.flush()
    hokkaido = actor_for(session, "staff@hokkaido")

    def apps(actor, **filters):
        rows, _ = tasks.search_inbox(session, actor, tasks.parse_query({"view": "open", "per_page": 100, **filters}))
        return {t.application_id for t, _ in rows}

    assert {via_district, via_otaru} <= apps(hokkaido)
    assert via_otaru in apps(hokkaido, origin="otaru") and via_district not in apps(hokkaido, origin="otaru")
    assert via_district in apps(hokkaido, origin="sapporo") and via_otaru not in apps(hokkaido, origin="sapporo")
    assert via_district in apps(hokkaido, origin="chuoeast")
    for outside in ("tokyo", "hokkaido", "nowhere"):  # another prefecture's, itself, unknown
        with pytest.raises(ValidationFailed) as refused:
            apps(hokkaido, origin=outside)
        assert set(refused.value.fields) == {"origin"}
    # filed to the office itself (its own members' direct applications)
    direct = file_enrolment(session, new_member(session, prefix="orgs"), chain=[("hokkaido", "A"), ("jma", "A1")]).id
    session.flush()
    assert apps(hokkaido, origin="self") == {direct} and direct not in apps(hokkaido, origin="sapporo")
    page = text(login(app, "staff@hokkaido").get("/inbox?origin=otaru"))
    assert '<option value="otaru" selected>小樽市医師会</option>' in page and "<td>小樽市医師会</td>" in page
    assert "<td>中央区東支部</td>" not in page and '<option value="self" >自会への直接の申請</option>' in page
    # a tree: each city with its districts under it, indented
    assert re.search(r'<option value="sapporo" >札幌市医師会</option>\s*<option value="\w+" >　\S+支部</option>', page)
    r = login(app, "staff@hokkaido").get("/inbox?origin=tokyo")
    assert r.status_code == 422 and "申請元" in text(r)
    listed = api("staff@hokkaido").get("/api/v1/tasks?view=open&origin=sapporo&per_page=100").get_json()
    assert {t["application_id"]: t["origin"] for t in listed}[via_district] == "chuoeast"
    # board material of one city's batch: where it came from, when it was filed, what the layers
    # below decided and when
    import csv
    import io

    r = login(app, "staff@hokkaido").post("/inbox/export", data={"scope": "all", "view": "open", "origin": "sapporo",
                                                                  "format": "csv-utf8"})
    rows = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    row = next(x for x in rows if x["申請番号"] == str(via_district))
    assert row["申請元"] == "中央区東支部" and row["申請日"] and all(x["申請元"] != "小樽市医師会" for x in rows)
    assert "下位の審査: 札幌市医師会 承認" in row["内容"] and "中央区東支部 承認" in row["内容"]
    # JMA narrows to a prefecture's applications
    jma = actor_for(session, "staff@jma")
    tasks.complete_task(session, hokkaido, tasks.list_tasks(session, hokkaido, application_id=via_otaru)[0][0].id,
                        "approve")
    session.flush()
    assert via_otaru in apps(jma, origin="hokkaido") and via_otaru not in apps(jma, origin="tokyo")


def test_a_prefecture_s_dashboard_shows_what_waits_at_each_city(app, session, office):
    """北海道医師会 sees the open reviews at each association directly below it, a city's districts
    counted with the city (office's three enrolments wait at 中央区東支部, under 札幌市医師会)."""
    hokkaido = actor_for(session, "staff@hokkaido")
    figures = dict((name, (n, late)) for name, n, late in tasks.dashboard(session, hokkaido)["by_branch"])
    sapporo_open = session.scalar(sa.select(sa.func.count()).select_from(HumanTask).join(
        Association, Association.id == HumanTask.association_id).where(
        HumanTask.status == "open", HumanTask.kind == "review",
        Association.code.in_(("sapporo", "chuoeast", "chuowest", "kitaku"))))
    assert figures["札幌市医師会"][0] == sapporo_open >= 3 and "小樽市医師会" in figures
    assert "中央区東支部" not in figures  # counted with its city
    page = text(login(app, "staff@hokkaido").get("/dashboard"))
    assert 'id="by-branch"' in page and "<td>札幌市医師会</td>" in page
    assert tasks.dashboard(session, actor_for(session, "staff@chuoeast"))["by_branch"] == []  # nothing below


def test_board_material_says_a_withdrawal_s_reason_and_a_transfer_s_moves(session):
    import datetime as dt

    from engine import flows
    from membership import applications
    from membership.models import Facility

    from ..helpers import approved_member

    member, group_id = approved_member(session, prefix="brdw")
    day = (today_jst() + dt.timedelta(days=20)).isoformat()
    withdrawal = flows.submit_application(session, member, {
        "kind": "withdrawal", "group_id": group_id, "desired_date": day, "reason": "retirement",
        "associations": ["chuoeast"]})
    other, other_group = approved_member(session, prefix="brdt")
    facility = session.scalar(sa.select(Facility.id).where(Facility.name.contains("北区ファミリー")))
    transfer = flows.submit_application(session, other, {
        "kind": "transfer", "group_id": other_group, "facility_id": facility, "duty_code": "11",
        "desired_date": day, "associations": [{"code": "kitaku", "category": "B-2"}]})
    staff = actor_for(session, "staff@chuoeast")
    notes = {k: v["notes"] for k, v in applications.board_details(session, staff, [withdrawal.id, transfer.id]).items()}
    assert "退会事由: 廃業・退職" in notes[withdrawal.id]
    assert "転出: 中央区東支部" in notes[transfer.id] and "転入: 北区支部" in notes[transfer.id]


def test_the_task_page_says_where_the_application_stands_at_each_association(app, session, office):
    """申請先の医師会: the reviewing office's part is 審査中, the layers above not yet reached are 未着
    — not all 申請中 alike; the member's page at the office says the same."""
    t1 = office["tasks"][office["apps"][0]]
    page = text(login(app, "staff@chuoeast").get(f"/tasks/{t1}"))
    table = page.split("申請先の医師会", 1)[1].split("</table>", 1)[0]
    mine = table.split("中央区東支部", 1)[1].split("</tr>", 1)[0]
    above = table.split("札幌市医師会", 1)[1].split("</tr>", 1)[0]
    assert "審査中" in mine and "未着（前の医師会の審査待ち）" in above
    english = text(login(app, "staff@chuoeast").get(f"/tasks/{t1}?lang=en"))
    assert "Not reached yet (waits for the review before it)" in english


def test_an_office_a_process_asks_to_decide_sees_the_application_though_it_names_no_part_of_it(app, session):
    """A designer may add a step for an association outside the application's chain (JMA's final
    check, a society's review): its staff are asked to decide, so they see what they decide — in the
    screens as in the API; an office that is asked nothing still sees nothing."""
    from membership import applications

    member = new_member(session)
    filed = file_enrolment(session, member, chain=[("chuoeast", "A-1"), ("sapporo", "A-1"), ("hokkaido", "A")])
    task = session.scalars(sa.select(HumanTask).where(HumanTask.application_id == filed.id,
                                                      HumanTask.status == "open")).one()
    # as the process would have made it: the step's candidate association is 小樽市医師会
    task.association_id = session.scalar(sa.select(Association.id).where(Association.code == "otaru"))
    session.flush()
    page = login(app, "staff@otaru").get(f"/tasks/{task.id}")
    assert page.status_code == 200 and str(filed.id) in text(page)
    assert applications.can_see_application(session, actor_for(session, "staff@otaru"), filed)
    assert not applications.can_see_application(session, actor_for(session, "staff@bunkyo"), filed)
    assert login(app, "staff@bunkyo").get(f"/tasks/{task.id}").status_code == 404
