"""The administrators' audit trail screen (操作履歴): filters, pages, CSV export (recorded itself),
bad filters named in the user's language, nobody else let in."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from membership import audit
from membership.models import AuditEvent

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


@pytest.fixture
def filed(session):
    member = new_member(session, "audscr")
    application = file_enrolment(session, member)
    audit.record(session, actor_for(session, "staff@chuoeast"), "application.note", "application", application.id,
                 on_behalf_of_user_id=member.user_id, note="窓口で受付")
    audit.flush(session)  # nothing else to flush: write the row now
    return {"member": member, "application": application}


def test_the_trail_shows_who_acted_for_whom_and_pages_back(app, session, filed, monkeypatch):
    client = login(app, "admin001")
    login_id = filed["member"].login_id
    page = text(client.get(f"/admin/audit?login_id={login_id}"))
    assert "操作履歴" in page and "application.submit" in page and "application.note" in page
    assert "窓口で受付" in page and "staff@chuoeast" in page and f"#{filed['application'].id}" in page
    for n in range(3):  # enough rows for three pages of two
        audit.record(session, actor_for(session, "staff@chuoeast"), "application.note", "application",
                     filed["application"].id, on_behalf_of_user_id=filed["member"].user_id, note=f"追記{n}")
    audit.flush(session)
    everything = [r.id for r in audit.search(session, actor_for(session, "admin001"),
                                             audit.AuditQuery(login_id=login_id), per_page=1000)[0]]
    monkeypatch.setattr(audit, "PER_PAGE", 2)
    first = text(client.get(f"/admin/audit?login_id={login_id}"))
    older = int(first.split('href="/admin/audit?before=', 1)[1].split("&", 1)[0])
    assert len(everything) > 5 and older == everything[1]  # the next page starts after the last row shown
    second = text(client.get(f"/admin/audit?before={older}&login_id={login_id}"))
    assert "最新へ" in second and f'href="/admin/audit?before={everything[3]}&amp;login_id={login_id}"' in second


def test_bad_filters_are_named_in_the_users_language(app, session):
    client = login(app, "admin001")
    r = client.get("/admin/audit?date_from=2026-02-30&object_id=abc")
    assert r.status_code == 422
    assert "日付（から）の「2026/2/30」という日付はありません" in text(r) and "対象のID" in text(r)
    r = client.get("/admin/audit?date_from=2026-Feb-3")
    assert r.status_code == 422 and "日付（から）は 2027/04/01 のように年/月/日で入力してください。" in text(r)
    client.get("/login?lang=en")
    english = text(client.get("/admin/audit?date_from=2026-02-30"))
    assert "Audit trail" in english and "From" in english and "操作履歴" not in english.split("<main", 1)[1]


def test_the_export_has_every_matching_row_and_is_recorded(app, session, filed):
    client = login(app, "admin001")
    r = client.get(f"/admin/audit.csv?login_id={filed['member'].login_id}")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    body = r.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["日時", "操作者", "操作者の氏名"]
    actions = [row[5] for row in rows[1:]]
    assert "application.submit" in actions and "application.note" in actions
    note = rows[1:][actions.index("application.note")]
    assert note[1] == "staff@chuoeast" and note[3] == filed["member"].login_id and note[8] == "note=窓口で受付"
    session.expire_all()
    recorded = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.export")
                              .order_by(AuditEvent.id.desc()))
    assert recorded.actor_user_id == actor_for(session, "admin001").user_id
    assert recorded.detail == {"filters": {"login_id": filed["member"].login_id}}


@pytest.mark.parametrize("who", ["staff@jma", "staff@chuoeast", "designer01", "nichiitaro"])
def test_only_administrators_see_the_trail(app, session, filed, who):
    client = login(app, who)
    for url in ("/admin/audit", f"/admin/audit?login_id={filed['member'].login_id}", "/admin/audit.csv"):
        r = client.get(url)
        assert r.status_code == 403 and "窓口で受付" not in text(r)


def test_the_api_answers_admins_a_page_and_where_the_next_begins(api, session, filed, monkeypatch):
    admin = api("admin001")
    login_id = filed["member"].login_id
    r = admin.get(f"/api/v1/audit-events?login_id={login_id}&action=application")
    assert r.status_code == 200
    events = r.get_json()
    note = next(e for e in events if e["action"] == "application.note")
    assert note == {"id": note["id"], "at": note["at"], "actor": "staff@chuoeast", "on_behalf_of": login_id,
                    "action": "application.note", "object_type": "application",
                    "object_id": filed["application"].id, "detail": {"note": "窓口で受付"}}
    assert note["at"].endswith("Z") and {e["action"].split(".")[0] for e in events} == {"application"}
    assert "X-Next-Before" not in r.headers  # one page holds them all
    monkeypatch.setattr(audit, "PER_PAGE", 1)
    first = admin.get(f"/api/v1/audit-events?login_id={login_id}&action=application")
    following = admin.get(f"/api/v1/audit-events?login_id={login_id}&action=application"
                          f"&before={first.headers['X-Next-Before']}")
    assert [e["id"] for e in first.get_json() + following.get_json()] == [e["id"] for e in events][:2]

    bad = admin.get("/api/v1/audit-events?date_from=2026-02-30&action=nope")
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"date_from", "action"}
    assert bad.get_json()["error"]["fields"]["date_from"].startswith("日付（から）")
    for who in ("staff@jma", "designer01", "nichiitaro"):
        refused = api(who).get(f"/api/v1/audit-events?login_id={login_id}")
        assert refused.status_code == 403 and "窓口で受付" not in refused.get_data(as_text=True)
    spec = admin.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/audit-events" in spec["paths"]


def test_a_row_about_a_physician_links_to_the_members_page(app, session, filed):
    page = text(login(app, "admin001").get(f"/admin/audit?login_id={filed['member'].login_id}&action=physician"))
    assert f'<a href="/members/{filed["member"].physician_id}">#{filed["member"].physician_id}</a>' in page


def test_ids_in_a_rows_details_read_as_names(app, session, filed):
    """A reassignment names the colleague by login, an association by name, a part its application."""
    from engine import tasks
    from membership.models import ApplicationPart, Association, UserAccount

    staff = actor_for(session, "staff@chuoeast")
    colleague = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@sapporo"))
    chuoeast = session.scalar(sa.select(Association).where(Association.code == "chuoeast"))
    audit.record(session, staff, "task.reassign", "human_task", 1, to_user_id=colleague.id, reason="休暇のため")
    audit.record(session, staff, "membership.activate", "membership", 1, association_id=chuoeast.id)
    part = session.scalars(sa.select(ApplicationPart).where(
        ApplicationPart.application_id == filed["application"].id)).first()
    task = tasks.list_tasks(session, staff, application_id=filed["application"].id)[0][0]
    tasks.complete_task(session, staff, task.id, "return", "書類を確認してください")
    audit.flush(session)
    page = text(login(app, "admin001").get("/admin/audit?login_id=staff@chuoeast"))
    # each detail in words, with its key as recorded
    assert "担当者 <code>to_user_id</code>=staff@sapporo" in page and f"to_user_id</code>={colleague.id}" not in page
    assert "医師会 <code>association_id</code>=中央区東支部" in page
    assert f"#{part.id} （申請番号 {filed['application'].id}）" in page


def test_the_trail_is_found_by_the_login_id_printed_on_the_notice(app, session):
    """A member replaces the login ID of their notice at the first login: the trail is still found
    by the one printed on the notice (the one an office or the member quotes)."""
    import uuid

    from membership import registration

    member = new_member(session, prefix="old")
    admin = actor_for(session, "admin001")
    account, password = registration.issue_credentials(session, admin, member.physician_id)
    printed = account.login_id
    session.flush()
    registration.change_credentials(session, actor_for(session, printed), {
        "login_id": f"renamed{uuid.uuid4().hex[:6]}", "password": "Newpass#2025x", "password_confirm": "Newpass#2025x",
        "current_password": password})
    session.flush()
    assert account.login_id != printed
    audit.flush(session)
    rows, _ = audit.search(session, admin, audit.AuditQuery(login_id=printed))
    assert any(r.action == "credentials.issue" for r in rows)
    page = text(login(app, "admin001").get(f"/admin/audit?login_id={printed}"))
    assert "credentials.issue" in page and "該当する操作はありません" not in page
