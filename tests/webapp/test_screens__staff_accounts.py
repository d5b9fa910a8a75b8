"""事務局アカウント: administrators create staff accounts with a temporary password shown once (to be
changed at first login — the password only, the ID was chosen for them), give a new one, suspend
with a reason and restore; nobody else reaches the screen."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from membership import accounts
from membership.models import UserAccount

from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def test_admins_keep_staff_accounts(app, session):
    admin = login(app, "admin001")
    page = text(admin.get("/admin/users?association=otaru"))
    assert "staff@otaru" in page and "staff@sapporo" not in page
    r = admin.post("/admin/users", data={"login_id": "ab", "name": "", "role": "secretariat", "association": "",
                                         "email": "x@"})
    assert r.status_code == 422
    for words in ("ログインID", "表示名", "メールアドレス"):
        assert words in re.search(r'class="error-summary".*?</div>', text(r), re.S).group(0), words
    r = admin.post("/admin/users", data={"login_id": "otaruclerk9", "name": "小樽 事務二", "role": "secretariat",
                                         "association": "", "email": ""})
    assert r.status_code == 422 and "事務局には所属医師会が必要です" in text(r)
    r = admin.post("/admin/users", data={"login_id": "otaruclerk2", "name": "小樽 事務二", "role": "secretariat",
                                         "association": "otaru", "email": "clerk2@otaru.example.jp"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    password = html.unescape(re.search(r'id="handed-password">([^<]+)<', text(r)).group(1))
    account = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "otaruclerk2"))
    assert account.association.code == "otaru" and account.must_change_credentials
    assert "otaruclerk2" in text(admin.get("/admin/users?q=clerk2"))
    assert password not in html.unescape(text(admin.get("/admin/users")))  # shown once

    # first login: the password must change, the ID may stay
    clerk = login(app, "otaruclerk2", password)
    assert clerk.get("/inbox").status_code == 302
    first = text(clerk.get("/account/credentials"))  # the ID chosen for them is filled in, and said so
    assert 'value="otaruclerk2"' in first and 'id="staff-first-login"' in first
    r = clerk.post("/account/credentials", data={"current_password": password, "login_id": "otaruclerk2",
                                                 "password": "N3w!passw0rd", "password_confirm": "N3w!passw0rd"})
    assert r.status_code == 302, text(r)
    assert login(app, "otaruclerk2", "N3w!passw0rd").get("/inbox").status_code == 200

    # forgotten: a new temporary password; the old one no longer works
    r = admin.post(f"/admin/users/{account.id}", data={"action": "reissue"})
    again = html.unescape(re.search(r'id="handed-password">([^<]+)<', text(r)).group(1))
    session.expire_all()
    assert accounts.verify_password(account, again) and not accounts.verify_password(account, "N3w!passw0rd")

    # suspended with a reason, restored
    r = admin.post(f"/admin/users/{account.id}", data={"action": "disable", "reason": ""}, follow_redirects=True)
    assert "理由" in text(r)
    admin.post(f"/admin/users/{account.id}", data={"action": "disable", "reason": "退職"})
    session.expire_all()
    assert not account.is_active and account.disabled_reason == "退職"
    assert "停止中" in text(admin.get("/admin/users?q=clerk2"))
    admin.post(f"/admin/users/{account.id}", data={"action": "enable"})
    session.expire_all()
    assert account.is_active
    me = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "admin001"))
    r = admin.post(f"/admin/users/{me.id}", data={"action": "disable", "reason": "試験"}, follow_redirects=True)
    assert "自分自身のアカウントは停止できません" in text(r) and "理由: 自分自身" not in text(r)
    listing = text(admin.get("/admin/users?q=admin001"))
    own_row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*>{me.login_id}<.*?</tr>', listing, re.S)
    assert own_row and 'value="disable"' not in own_row.group(0)  # not offered on one's own row

    assert login(app, "staff@otaru").get("/admin/users").status_code == 403
    assert login(app, "nichiitaro").get("/admin/users").status_code == 403


def test_suspending_a_staff_account_gives_its_tasks_back_to_the_office(app, session):
    """A suspended staff member's claimed tasks would be out of every colleague's reach (only a
    take-over with a reason worked): they go back to the office, with the reason in their history."""
    import uuid

    from engine import tasks
    from engine.models import HumanTask
    from membership.actors import Actor

    from ..conftest import actor_for, new_member
    from ..helpers import file_enrolment

    leaver = Actor.of(accounts.create_user(session, f"leaver-{uuid.uuid4().hex[:6]}", "Mamis#2024", "secretariat",
                                           association_code="chuoeast", name="退職予定"))
    filed = file_enrolment(session, new_member(session, prefix="held"), chain=[("chuoeast", "A-1")])
    task = tasks.list_tasks(session, leaver, application_id=filed.id)[0][0]
    tasks.claim(session, leaver, task.id)
    session.flush()
    admin = login(app, "admin001")
    r = admin.post(f"/admin/users/{leaver.user_id}", data={"action": "disable", "reason": "退職"},
                   follow_redirects=True)
    assert "担当していたタスクを事務局に戻しました: 1" in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(HumanTask, task.id).claimed_by_user_id is None
    history = [e.reason for e, *_ in tasks.task_history(session, session.get(HumanTask, task.id))]
    assert history[-1] == "担当者のアカウント停止により担当を解除しました"
    tasks.complete_task(session, actor_for(session, "staff@chuoeast"), task.id, "approve")  # a colleague may
