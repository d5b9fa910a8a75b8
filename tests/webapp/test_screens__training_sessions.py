"""研修会: an association files a session, the prefecture and JMA approve it (JMA in bulk), members
apply up to the capacity and cancel, the organiser reports the attendance and the credits reach
the attendees' ledgers; who sees what follows the seed's matrix."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from engine import tasks
from membership import training
from membership.fields import today_jst
from membership.models import CreditEntry, Notification, Physician, TrainingSession

from ..conftest import actor_for, new_member
from ..helpers import approved_member, open_task_for
from ..helpers import login_client as login

TODAY = today_jst()


@pytest.fixture(autouse=True)
def _today():
    """Today in Japan as each test starts (a run may cross midnight JST, 15:00 UTC)."""
    global TODAY
    TODAY = today_jst()


def text(r):
    return r.get_data(as_text=True)


def _file(app, login_id="staff@sapporo", capacity="2", **extra):
    staff = login(app, login_id)
    body = {"title": "産業医研修会（職場のメンタルヘルス）", "starts_on": (TODAY + dt.timedelta(days=20)).isoformat(),
            "place": "札幌市医師会館", "capacity": capacity, "credit_kind_1": "occupational:update", "credits_1": "2",
            "credit_kind_2": "lifelong:lecture", "credits_2": "1.5", "credit_kind_3": "lifelong:cc15",
            "credits_3": "1", **extra}
    r = staff.post("/sessions/new", data=body)
    return staff, r


def _approve(session, app_id, *codes):
    for code in codes:
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app_id).id, "approve")


def test_a_bad_session_form_names_each_field(app, session):
    before = session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))
    _, r = _file(app, title="")
    assert r.status_code == 422 and "研修会名を入力してください" in text(r)
    _, r = _file(app, capacity="0", starts_on=TODAY.isoformat(), credit_kind_1="occupational:nope",
                 credit_kind_2="", credits_2="")
    assert r.status_code == 422
    summary = re.search(r'error-summary.*?</div>', text(r), re.S).group(0)
    assert "開催日は明日以降" in summary and "定員" in summary and "単位" in summary
    # one submit names every problem: a title too long (the form's own check) beside each credit
    # row's own problem, by its row — a kind twice, an amount off the steps
    _, r = _file(app, title="研" * 101, credit_kind_2="occupational:update", credits_2="1", credits_3="999")
    summary = re.search(r'error-summary.*?</div>', text(r), re.S).group(0)
    assert r.status_code == 422 and "研修会名は100文字" in summary
    assert "単位（2行目）: 同じ単位の種類が上の行にもあります" in summary
    assert "単位（3行目）: 単位数は0.5単位きざみで50単位までです" in summary
    assert session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == before


def test_filing_approval_registration_report_and_credits(app, session):
    staff, r = _file(app)
    assert r.status_code == 302
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    assert [(p.association.code, p.layer) for p in ts.application.parts] == [("hokkaido", 2), ("jma", 1)]
    member, _ = approved_member(session)
    # before JMA's approval: the organiser, its prefecture and JMA see it; members and other cities do not
    assert login(app, member.login_id).get(f"/sessions/{ts.id}").status_code == 404
    assert login(app, "staff@otaru").get(f"/sessions/{ts.id}").status_code == 404
    for who in ("staff@sapporo", "staff@hokkaido", "staff@jma"):
        assert login(app, who).get(f"/sessions/{ts.id}").status_code == 200, who
    # the prefecture sees the session on its task page; JMA approves in bulk with another task
    hokkaido = actor_for(session, "staff@hokkaido")
    task = open_task_for(session, hokkaido, ts.application_id)
    page = text(login(app, "staff@hokkaido").get(f"/tasks/{task.id}"))
    assert "研修会の承認申請" in page and "札幌市医師会館" in page and "認定産業医 生涯研修（更新研修） 2" in page
    _approve(session, ts.application_id, "hokkaido")
    jma_staff = login(app, "staff@jma")
    jma_task = open_task_for(session, actor_for(session, "staff@jma"), ts.application_id)
    r = jma_staff.post("/inbox/bulk", data={"task_ids": [str(jma_task.id), "999999"]}, follow_redirects=True)
    assert "一括承認: 1 / 2" in text(r)  # the unknown task fails on its own
    session.expire_all()
    assert training.state(ts) == "approved"

    # members see it now; other cities see it, without its attendees
    member_client = login(app, member.login_id)
    assert ts.title in text(member_client.get("/sessions/"))
    other_city = text(login(app, "staff@otaru").get(f"/sessions/{ts.id}"))
    assert "受講者" not in other_city
    # first come, first served: two places
    second, _ = approved_member(session, prefix="sec")
    third, _ = approved_member(session, prefix="thi")
    for who in (member, second):
        assert login(app, who.login_id).post(f"/sessions/{ts.id}/register").status_code == 302
    r = login(app, third.login_id).post(f"/sessions/{ts.id}/register", follow_redirects=True)
    assert "定員に達した" in text(r)
    assert login(app, second.login_id).post(f"/sessions/{ts.id}/cancel").status_code == 302
    assert "申込済み" in text(login(app, third.login_id).post(f"/sessions/{ts.id}/register", follow_redirects=True))
    assert training.registered_count(session, ts.id) == 2
    # the organiser's list of applicants (CSV, also Shift_JIS); other cities may not have it
    listing = staff.get(f"/sessions/{ts.id}/attendees.csv?format=csv-cp932")
    rows = list(csv.reader(io.StringIO(listing.get_data().decode("cp932"))))
    assert rows[0] == ["医籍登録番号", "氏名", "フリガナ", "申込日時", "状態", "出席", "所属医師会"]
    assert sorted(row[4] for row in rows[1:]) == ["取消", "申込", "申込"] and len(rows) == 4
    # each attendee's nearest association (their district), for the reception desk; on the page too
    assert {row[6] for row in rows[1:]} == {"中央区東支部"}
    assert text(staff.get(f"/sessions/{ts.id}")).count("<td>中央区東支部</td>") == 3
    assert login(app, "staff@otaru").get(f"/sessions/{ts.id}/attendees.csv").status_code == 403
    assert login(app, member.login_id).get(f"/sessions/{ts.id}/attendees.csv").status_code == 403

    # the report is refused before the session is held, and names a bad line, writing nothing
    ts.starts_on = ts.ends_on = TODAY - dt.timedelta(days=1)
    session.flush()
    regs = {r.physician_id: r.id for r in training.attendees(session, actor_for(session, "staff@sapporo"), ts)}
    r = staff.post(f"/sessions/{ts.id}/report", data={"attended": [str(regs[member.physician_id])],
                                                      "registry_numbers": "999999 シケン イチロウ\n"})
    assert r.status_code == 422 and "1行目: 医籍登録番号とフリガナが一致する医師が見つかりません" in text(r)
    assert session.scalar(sa.select(sa.func.count()).select_from(CreditEntry).where(
        CreditEntry.physician_id == member.physician_id)) == 0
    walk_in, _ = approved_member(session, prefix="wlk")
    walk_in_physician = session.get(Physician, walk_in.physician_id)
    walk_in_physician.registry_number = registry = f"{uuid.uuid4().int % 900000 + 100000}"
    session.flush()
    # a walk-in is named by number and フリガナ: a number alone, or with another's name, links no one
    # (an organiser could otherwise link, and so see, any physician, and learn which numbers exist)
    for line, why in ((registry, "フリガナを書いてください"),
                      (f"{registry} ニチイ タロウ", "一致する医師が見つかりません")):
        r = staff.post(f"/sessions/{ts.id}/report", data={"registry_numbers": line})
        assert r.status_code == 422 and why in text(r), line
    assert walk_in.physician_id not in {r.physician_id for r in training.attendees(
        session, actor_for(session, "staff@sapporo"), ts)}
    # a bad line of the file is named by its line in the file (the header counted), not in the box
    bad_csv = f"医籍登録番号,氏名,フリガナ\n{registry},試験 一郎,しけん いちろう\n999999,誰か,ダレカ\n".encode()
    r = staff.post(f"/sessions/{ts.id}/report", data={"registry_numbers": f"{registry} シケン イチロウ\n\n",
                                                      "registry_file": (io.BytesIO(bad_csv), "a.csv")})
    assert r.status_code == 422 and "出席者のCSVの3行目: 医籍登録番号とフリガナが一致する医師" in text(r)
    attendance_csv = f"医籍登録番号,氏名,フリガナ\n{registry},試験 一郎,しけん いちろう\n".encode("cp932")
    r = staff.post(f"/sessions/{ts.id}/report", data={"attended": [str(regs[member.physician_id])],
                                                      "registry_file": (io.BytesIO(attendance_csv), "a.csv")})
    assert r.status_code == 302
    session.refresh(ts)
    assert training.state(ts) == "reported"
    got = {(e.physician_id, e.system, e.category, str(e.credits)) for e in session.scalars(sa.select(CreditEntry))}
    for physician_id in (member.physician_id, walk_in.physician_id):
        assert (physician_id, "occupational", "update", "2.0") in got
        assert (physician_id, "lifelong", "lecture", "1.5") in got
        assert (physician_id, "lifelong", "cc15", "1.0") in got  # a curriculum code
    assert not any(p == third.physician_id for p, *_ in got)  # registered but absent
    again = staff.post(f"/sessions/{ts.id}/report", data={"registry_numbers": registry}, follow_redirects=True)
    assert "開催報告は提出済み" in text(again)  # credits are given once

    ledger = text(member_client.get("/mypage/credits"))
    assert ts.title in ledger and "カリキュラムコード15" in ledger and "カリキュラムコード16" not in ledger
    # each attendee is mailed that the credits are in, and finds the session again in 受講履歴
    member_email = session.get(Physician, member.physician_id).email
    told = session.scalars(sa.select(Notification).where(Notification.to_address == member_email,
                                                         Notification.subject.contains("単位を登録しました"))).all()
    assert len(told) == 1 and "認定産業医 生涯研修（更新研修） 2単位" in told[0].body
    history = text(member_client.get("/sessions/")).split('id="attended"')[1]
    assert ts.title in history and f"/sessions/{ts.id}/attendance.pdf" in history
    pdf = member_client.get(f"/sessions/{ts.id}/attendance.pdf")
    content = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "受 講 証 明 書" in content and ts.title in content
    assert login(app, third.login_id).get(f"/sessions/{ts.id}/attendance.pdf").status_code == 404

    # 報告の訂正: the one the report left out is added (add only) — credited once, mailed, certified;
    # those reported already are passed over, and adding nobody new is refused, writing nothing
    page = text(staff.get(f"/sessions/{ts.id}"))
    assert 'id="report-add-form"' in page and f'id="attended-{regs[member.physician_id]}"' not in page
    r = staff.post(f"/sessions/{ts.id}/report/add", data={"attended": [str(regs[member.physician_id])]})
    assert r.status_code == 422 and "追加する出席者がいません" in text(r)
    r = staff.post(f"/sessions/{ts.id}/report/add", data={"attended": [str(regs[third.physician_id]),
                                                                        str(regs[member.physician_id])]})
    assert r.status_code == 302
    got = [(e.physician_id, e.category) for e in session.scalars(sa.select(CreditEntry).where(
        CreditEntry.note == f"training_session:{ts.id}"))]
    assert got.count((third.physician_id, "update")) == 1 and got.count((member.physician_id, "update")) == 1
    assert login(app, third.login_id).get(f"/sessions/{ts.id}/attendance.pdf").status_code == 200
    assert login(app, "staff@otaru").post(f"/sessions/{ts.id}/report/add", data={
        "attended": [str(regs[third.physician_id])]}).status_code in (403, 404)


def test_the_waiting_list_gives_a_freed_place_to_the_first_in_line(app, session, api):
    """キャンセル待ち: when the session is full a member may join its waiting list (in order); a place
    given up goes at once to the first waiting, who is mailed; leaving the list frees nothing; the
    organiser sees who waits, and the API does the same."""
    from membership.models import Notification

    staff, _ = _file(app, capacity="1")
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido", "jma")
    holder, second, third, fourth = (approved_member(session, prefix=p)[0] for p in ("hld", "wt1", "wt2", "wt3"))
    assert login(app, holder.login_id).post(f"/sessions/{ts.id}/register").status_code == 302
    page = text(login(app, second.login_id).get(f"/sessions/{ts.id}"))
    assert "定員に達しました" in page and 'id="wait-button"' in page and 'id="register-button"' not in page
    r = login(app, second.login_id).post(f"/sessions/{ts.id}/register", data={"wait": "1"}, follow_redirects=True)
    assert "キャンセル待ちに登録しました" in text(r) and re.search(r"順番: 1", text(r))
    again = login(app, second.login_id).post(f"/sessions/{ts.id}/register", data={"wait": "1"}, follow_redirects=True)
    assert "すでにキャンセル待ちに登録しています" in text(again)
    token = api(third.login_id)
    r = token.post(f"/api/v1/sessions/{ts.id}/registration", json={})
    assert r.status_code == 409 and "定員に達した" in r.get_json()["error"]["message"]
    r = token.post(f"/api/v1/sessions/{ts.id}/registration", json={"wait": True})
    assert r.status_code == 201 and r.get_json() == {"status": "waiting", "position": 2}
    assert login(app, fourth.login_id).post(f"/sessions/{ts.id}/register", data={"wait": "1"}).status_code == 302
    assert api("staff@sapporo").get(f"/api/v1/sessions/{ts.id}").get_json()["waiting"] == 3
    organiser = text(staff.get(f"/sessions/{ts.id}"))
    assert "キャンセル待ち 3" in organiser and organiser.count("<td>キャンセル待ち</td>") == 3
    listed = re.search(rf'id="session-{ts.id}".*?</tr>', text(login(app, fourth.login_id).get("/sessions/")), re.S)
    assert "満席（キャンセル待ち受付中）" in listed.group(0)  # the list says it is full

    # the third leaves the list: nothing is freed, the fourth moves up
    assert token.delete(f"/api/v1/sessions/{ts.id}/registration").status_code == 204
    r = login(app, fourth.login_id).post(f"/sessions/{ts.id}/cancel", follow_redirects=True)
    assert "キャンセル待ちをやめました" in text(r)  # said as what it was
    assert login(app, fourth.login_id).post(f"/sessions/{ts.id}/register", data={"wait": "1"}).status_code == 302
    assert re.search(r"順番: 2", text(login(app, fourth.login_id).get(f"/sessions/{ts.id}")))
    # the holder gives up the place: the first waiting gets it and is mailed; the fourth is next
    assert login(app, holder.login_id).post(f"/sessions/{ts.id}/cancel").status_code == 302
    session.expire_all()
    # each one who gave something up is told what, in a mail of its own
    holder_email = session.get(Physician, holder.physician_id).email
    fourth_email = session.get(Physician, fourth.physician_id).email
    gave_up = {n.to_address: n.subject for n in session.scalars(sa.select(Notification).where(
        Notification.subject.contains("を取り消しました"), Notification.subject.contains(ts.title)))}
    assert gave_up[holder_email] == f"【MAMIS】研修会の申込みを取り消しました（{ts.title}）"
    assert gave_up[fourth_email] == f"【MAMIS】研修会のキャンセル待ちを取り消しました（{ts.title}）"
    assert training.registration_of(session, second.physician_id, ts.id).status == "registered"
    assert "申込済みです" in text(login(app, second.login_id).get(f"/sessions/{ts.id}"))
    assert re.search(r"順番: 1", text(login(app, fourth.login_id).get(f"/sessions/{ts.id}")))
    mine = re.search(r'id="my-sessions".*?</table>', text(login(app, fourth.login_id).get("/mypage/")), re.S).group(0)
    assert ts.title in mine and "キャンセル待ち（順番: 1）" in mine
    mine = re.search(r'id="my-sessions".*?</table>', text(login(app, second.login_id).get("/mypage/")), re.S).group(0)
    assert ts.title in mine and "申込済み" in mine
    offered = session.scalars(sa.select(Notification).where(Notification.subject.contains("受講が確定"))).all()
    assert all(f"開催日: {training.hours(ts)}\n" in n.body for n in offered)  # the day with its hours
    second_email = session.get(Physician, second.physician_id).email
    # each application had its receipt: a place, or a place on the waiting list with its position
    receipts = {n.subject: n.body for n in session.scalars(sa.select(Notification).where(
        Notification.to_address == second_email, Notification.subject.contains(ts.title)))}
    waited = next(b for s, b in receipts.items() if "キャンセル待ちに登録しました" in s)
    assert "順番: 1" in waited and ts.place in waited
    assert [n.to_address for n in offered] == [second_email] and ts.title in offered[0].body
    assert training.registered_count(session, ts.id) == 1 and training.waiting_count(session, ts.id) == 1
    rows = list(csv.reader(io.StringIO(staff.get(f"/sessions/{ts.id}/attendees.csv").get_data().decode("utf-8-sig"))))
    assert sorted(row[4] for row in rows[1:]) == ["キャンセル待ち", "取消", "取消", "申込"]

    # one still waiting who comes anyway is ticked as attended in the report
    ts.starts_on = ts.ends_on = TODAY - dt.timedelta(days=1)
    session.flush()
    regs = {r.physician_id: r.id for r in training.attendees(session, actor_for(session, "staff@sapporo"), ts)}
    assert staff.post(f"/sessions/{ts.id}/report", data={"attended": [
        str(regs[second.physician_id]), str(regs[fourth.physician_id])]}).status_code == 302
    session.expire_all()
    assert training.registration_of(session, fourth.physician_id, ts.id).status == "registered"
    assert session.scalar(sa.select(sa.func.count()).select_from(CreditEntry).where(
        CreditEntry.physician_id == fourth.physician_id)) == 3


def test_a_rejected_session_stays_hidden_from_members(app, session):
    _, r = _file(app)
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    hokkaido = actor_for(session, "staff@hokkaido")
    tasks.complete_task(session, hokkaido, open_task_for(session, hokkaido, ts.application_id).id, "reject",
                        comment="日程が重複")
    session.refresh(ts)
    assert training.state(ts) == "rejected"
    member, _ = approved_member(session)
    assert ts.title not in text(login(app, member.login_id).get("/sessions/"))
    assert re.search("却下", text(login(app, "staff@sapporo").get("/sessions/")))


# The seed's matrix: viewer × (session before JMA's approval, after it, its attendees).
MATRIX = {
    # viewer:           (external body's session: before, after, attendees), (city's session: before, after, attendees)
    "staff@hoken_kenkyu": ((True, True, True), (False, True, False)),   # external body: its own
    "staff@sapporo": ((False, True, False), (True, True, True)),         # city: its own
    "staff@otaru": ((False, True, False), (False, True, False)),         # another city
    "staff@hokkaido": ((True, True, True), (True, True, True)),          # prefecture: in the prefecture
    "staff@tokyo": ((False, True, False), (False, True, False)),         # another prefecture
    "staff@jma": ((True, True, True), (True, True, True)),               # JMA: everything
    "member": ((False, True, False), (False, True, False)),              # members: approved sessions only
}


def test_who_sees_what(app, session):
    member, _ = approved_member(session)
    sessions = {}
    for organiser in ("hoken_kenkyu", "sapporo"):
        _, r = _file(app, login_id=f"staff@{organiser}")
        assert r.status_code == 302, text(r)
        sessions[organiser] = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    assert [(p.association.code) for p in sessions["hoken_kenkyu"].application.parts] == ["hokkaido", "jma"]

    def sees(login_id, ts):
        client = login(app, member.login_id if login_id == "member" else login_id)
        r = client.get(f"/sessions/{ts.id}")
        return r.status_code == 200, r.status_code == 200 and 'id="attendees"' in text(r)

    for viewer, rows in MATRIX.items():
        for (before, _after, _people), ts in zip(rows, sessions.values(), strict=True):
            assert sees(viewer, ts)[0] is before, (viewer, ts.title, "before approval")
    for ts in sessions.values():
        _approve(session, ts.application_id, "hokkaido", "jma")
    session.expire_all()
    for viewer, rows in MATRIX.items():
        for (_before, after, people), ts in zip(rows, sessions.values(), strict=True):
            assert sees(viewer, ts) == (after, people), (viewer, ts.organiser.code)


def test_the_api_applies_the_same_matrix(app, session, api):
    _, r = _file(app, login_id="staff@sapporo")
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    member, _ = approved_member(session)
    assert api("staff@otaru").get(f"/api/v1/sessions/{ts.id}").status_code == 404  # before approval
    assert ts.id not in {x["id"] for x in api(member.login_id).get("/api/v1/sessions").get_json()}
    assert "attendees" in api("staff@hokkaido").get(f"/api/v1/sessions/{ts.id}").get_json()
    _approve(session, ts.application_id, "hokkaido", "jma")
    session.expire_all()
    seen = api("staff@otaru").get(f"/api/v1/sessions/{ts.id}").get_json()
    assert seen["state"] == "approved" and "attendees" not in seen
    assert ts.id in {x["id"] for x in api(member.login_id).get("/api/v1/sessions").get_json()}
    assert "attendees" in api("staff@sapporo").get(f"/api/v1/sessions/{ts.id}").get_json()
    assert api(member.login_id).get("/api/v1/members/me/credits").get_json() == []


def test_a_co_organiser_answers_through_the_api(app, session, api):
    """POST /sessions/{id}/co-organisation: accept or decline once; 404 when not asked; the
    organiser's answer lists whom it asked and the answers, a member's only who accepted."""
    _, r = _file(app, co_organisers=["otaru", "hoken_kenkyu"])
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    otaru = api("staff@otaru")
    seen = otaru.get(f"/api/v1/sessions/{ts.id}").get_json()
    assert seen["co_organisers"] == [] and "attendees" not in seen  # asked: the session, to decide
    assert otaru.post(f"/api/v1/sessions/{ts.id}/co-organisation", json={}).status_code == 422
    r = api("staff@bunkyo").post(f"/api/v1/sessions/{ts.id}/co-organisation", json={"accept": True})
    assert r.status_code == 404
    r = otaru.post(f"/api/v1/sessions/{ts.id}/co-organisation", json={"accept": True})
    assert r.status_code == 200 and r.get_json() == {"association": "otaru", "status": "accepted"}
    assert "attendees" in otaru.get(f"/api/v1/sessions/{ts.id}").get_json()
    r = otaru.post(f"/api/v1/sessions/{ts.id}/co-organisation", json={"accept": False})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"
    r = api("staff@hoken_kenkyu").post(f"/api/v1/sessions/{ts.id}/co-organisation", json={"accept": False})
    assert r.get_json()["status"] == "declined"
    assert api("staff@hoken_kenkyu").get(f"/api/v1/sessions/{ts.id}").status_code == 404  # not approved yet
    mine = api("staff@sapporo").get(f"/api/v1/sessions/{ts.id}").get_json()
    assert mine["co_organisers"] == ["otaru"]
    assert mine["co_organisations"] == [{"association": c.association.code, "status": c.status}
                                        for c in ts.co_organisations]
    assert {c["status"] for c in mine["co_organisations"]} == {"accepted", "declined"}
    # a session withdrawn before the answer: the question is closed
    _, r = _file(app, co_organisers=["otaru"])
    other = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    other.application.status = "cancelled"
    session.flush()
    r = otaru.post(f"/api/v1/sessions/{other.id}/co-organisation", json={"accept": True})
    assert r.status_code == 409 and "取下げ" in r.get_json()["error"]["message"]
    assert training.co_invitations(session, actor_for(session, "staff@otaru")) == []


def test_the_organiser_asks_and_drops_co_organisers_after_filing(app, session, api):
    """After filing the organiser may ask more associations (one that declined, again) and drop a
    request or a co-organisation — the dropped office loses sight of the attendees and is mailed;
    at most five asked or accepted; nothing changes once the session is reported."""
    from membership.models import Association, Notification

    staff, _ = _file(app, title=f"共催追加 {uuid.uuid4().hex[:6]}")
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    session.scalar(sa.select(Association).where(Association.code == "otaru")).email = "otaru@example.jp"
    session.flush()
    page = text(staff.get(f"/sessions/{ts.id}"))
    assert 'id="co-manage"' in page and 'id="co-list"' not in page
    found = text(staff.post(f"/sessions/{ts.id}/co-organisers", data={"action": "co_search", "co_q": "小樽"}))
    assert 'value="otaru"' in found  # the search without JavaScript
    r = staff.post(f"/sessions/{ts.id}/co-organisers", data={"co_organisers": ["otaru", "hoken_kenkyu"]},
                   follow_redirects=True)
    assert "共催を依頼しました" in text(r)
    assert sorted((c.association.code, c.status) for c in ts.co_organisations) == [
        ("hoken_kenkyu", "invited"), ("otaru", "invited")]
    r = staff.post(f"/sessions/{ts.id}/co-organisers", data={"co_organisers": ["otaru"]}, follow_redirects=True)
    assert "小樽市医師会にはすでに依頼しています" in text(r)
    assert login(app, "staff@otaru").post(f"/sessions/{ts.id}/co-organisers",
                                          data={"co_organisers": ["bunkyo"]}).status_code == 403
    organiser = api("staff@sapporo")
    r = organiser.post(f"/api/v1/sessions/{ts.id}/co-organisers", json={"associations": [
        "bunkyo", "chuoeast", "kitaku", "hokkaido"]})
    assert r.status_code == 422 and "5件まで" in r.get_json()["error"]["fields"]["associations"]
    otaru = api("staff@otaru")
    assert otaru.post(f"/api/v1/sessions/{ts.id}/co-organisation", json={"accept": True}).status_code == 200
    assert api("staff@hoken_kenkyu").post(f"/api/v1/sessions/{ts.id}/co-organisation",
                                          json={"accept": False}).status_code == 200
    r = organiser.post(f"/api/v1/sessions/{ts.id}/co-organisers", json={"associations": ["hoken_kenkyu"]})
    assert r.status_code == 200 and r.get_json() == [{"association": "hoken_kenkyu", "status": "invited"}]
    _approve(session, ts.application_id, "hokkaido", "jma")
    assert "attendees" in otaru.get(f"/api/v1/sessions/{ts.id}").get_json()
    r = staff.post(f"/sessions/{ts.id}/co-organisers/otaru/remove", follow_redirects=True)
    assert "共催を取り消しました" in text(r)
    assert "attendees" not in otaru.get(f"/api/v1/sessions/{ts.id}").get_json()
    told = session.scalars(sa.select(Notification.body).where(
        Notification.to_address == "otaru@example.jp", Notification.subject.contains("共催の取消し"))).all()
    assert len(told) == 1 and "受講者の情報は表示されなくなりました" in told[0]
    assert organiser.delete(f"/api/v1/sessions/{ts.id}/co-organisers/otaru").status_code == 404
    assert organiser.delete(f"/api/v1/sessions/{ts.id}/co-organisers/hoken_kenkyu").status_code == 204
    session.expire(ts)
    assert ts.co_organisations == []
    ts.starts_on = ts.ends_on = TODAY - dt.timedelta(days=1)
    session.flush()
    assert staff.post(f"/sessions/{ts.id}/report", data={"registry_numbers": ""}).status_code == 302
    r = organiser.post(f"/api/v1/sessions/{ts.id}/co-organisers", json={"associations": ["otaru"]})
    assert r.status_code == 409 and "開催報告済み" in r.get_json()["error"]["message"]
    assert 'id="co-manage"' not in text(staff.get(f"/sessions/{ts.id}"))


def test_co_organisers_are_told_when_the_session_is_rejected_or_its_approval_withdrawn(app, session, api):
    """A session that will not be held ends its co-organisation too: those that accepted and those
    still asked are mailed — by the layer that rejected it, with the reason, or by the organiser."""
    from membership.models import Association, Notification

    for code in ("otaru", "hoken_kenkyu"):
        session.scalar(sa.select(Association).where(Association.code == code)).email = f"{code}@example.jp"
    session.flush()

    def told(code, title):
        return session.scalars(sa.select(Notification.body).where(
            Notification.to_address == f"{code}@example.jp", Notification.subject.contains(title),
            Notification.subject.contains("開催されません"))).all()

    organiser = api("staff@sapporo")
    for ending in ("reject", "cancel"):
        title = f"共催終了 {ending} {uuid.uuid4().hex[:6]}"
        _file(app, title=title, co_organisers=["otaru", "hoken_kenkyu"])
        ts = session.scalar(sa.select(TrainingSession).where(TrainingSession.title == title))
        assert api("staff@otaru").post(f"/api/v1/sessions/{ts.id}/co-organisation",
                                       json={"accept": True}).status_code == 200
        if ending == "reject":
            staff = actor_for(session, "staff@hokkaido")
            tasks.complete_task(session, staff, open_task_for(session, staff, ts.application_id).id, "reject",
                                "日程が重複しています")
        else:
            assert organiser.post(f"/api/v1/applications/{ts.application_id}/cancel").status_code == 200
        [accepted], [asked] = told("otaru", title), told("hoken_kenkyu", title)
        assert "この研修会は開催されないため、貴会の共催も終了しました" in accepted
        assert "貴会への共催のご依頼も終了しました" in asked
        if ending == "reject":
            assert "北海道医師会の審査で承認されませんでした" in accepted and "理由: 日程が重複しています" in accepted
        else:
            assert "札幌市医師会が承認の申請を取り下げました" in accepted


def test_a_returned_session_is_corrected_and_resubmitted_by_its_organiser(app, session):
    """A layer returns the session with a comment: the organiser (here an external body, which has
    no part of its own) opens the amendment task, sees the comment on the session's page, corrects
    the filing form — checked as at filing — and resubmits; the review starts again. The mails
    about it go to the office's address when the staff account has none."""
    from membership.models import Association, Notification, UserAccount

    office = session.scalar(sa.select(Association).where(Association.code == "hoken_kenkyu"))
    office.email = f"office-{uuid.uuid4().hex[:6]}@example.jp"
    session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@hoken_kenkyu")).email = ""
    session.flush()
    staff, r = _file(app, login_id="staff@hoken_kenkyu")
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    hokkaido = actor_for(session, "staff@hokkaido")
    tasks.complete_task(session, hokkaido, open_task_for(session, hokkaido, ts.application_id).id, "return",
                        "単位数を1単位にしてください")
    organiser = actor_for(session, "staff@hoken_kenkyu")
    told = session.scalars(sa.select(Notification.subject).where(Notification.to_address == office.email)).all()
    assert any("受け付けました" in t for t in told) and any("差し戻されました" in t for t in told)
    [(amend_task, _)] = tasks.list_tasks(session, organiser, kind="amend", application_id=ts.application_id)
    # the office's to amend, not only its filer's: a colleague finds it too (the filer may be away)
    from membership import accounts
    from membership.actors import Actor

    colleague = Actor.of(accounts.create_user(session, f"hk2-{uuid.uuid4().hex[:6]}", "Mamis#2024", "secretariat",
                                              association_code="hoken_kenkyu", name="研究会 第二"))
    assert [t.id for t, _ in tasks.list_tasks(session, colleague, kind="amend",
                                                 application_id=ts.application_id)] == [amend_task.id]
    assert login(app, colleague.login_id).get(f"/sessions/{ts.id}/amend").status_code == 200
    page = text(staff.get(f"/tasks/{amend_task.id}"))
    assert f'href="/sessions/{ts.id}/amend"' in page
    detail = text(staff.get(f"/sessions/{ts.id}"))
    assert 'id="session-returned"' in detail and "単位数を1単位にしてください" in detail
    form = text(staff.get(f"/sessions/{ts.id}/amend"))
    assert 'value="産業医研修会（職場のメンタルヘルス）"' in form and 'id="field-co_organisers"' not in form
    assert "単位数を1単位にしてください" in form
    assert login(app, "staff@sapporo").get(f"/sessions/{ts.id}/amend").status_code == 404  # not its session
    body = {"title": "", "starts_on": ts.starts_on.isoformat(), "place": "札幌市医師会館", "capacity": "2",
            "credit_kind_1": "occupational:update", "credits_1": "1"}
    r = staff.post(f"/sessions/{ts.id}/amend", data=body)
    assert r.status_code == 422 and "研修会名を入力してください" in text(r)
    session.expire_all()
    assert ts.application.status == "returned"  # nothing resubmitted
    r = staff.post(f"/sessions/{ts.id}/amend", data={**body, "title": "産業医研修会（改）", "comment": "直しました"})
    assert r.status_code == 302
    session.expire_all()
    assert ts.title == "産業医研修会（改）" and ts.application.payload["title"] == "産業医研修会（改）"
    assert ts.credit_items == [{"system": "occupational", "category": "update", "credits": "1"}]
    assert open_task_for(session, hokkaido, ts.application_id) is not None  # reviewed again
    assert staff.get(f"/sessions/{ts.id}/amend", follow_redirects=True).status_code == 200
    assert "差し戻されていない" in text(staff.get(f"/sessions/{ts.id}/amend", follow_redirects=True))


def test_the_integrity_check_sees_a_waiting_list_beside_a_free_place(app, session):
    from membership import integrity
    from membership.models import SessionRegistration

    _file(app, capacity="2")
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido", "jma")
    member, _ = approved_member(session, prefix="ich")
    session.add(SessionRegistration(session_id=ts.id, physician_id=member.physician_id, status="waiting"))
    session.flush()
    assert f"training session {ts.id}: 1 waiting while 2 places are free" in integrity.check(session)
    ts.capacity = 0
    reg = training.registration_of(session, member.physician_id, ts.id)
    reg.status = "registered"
    session.flush()
    assert f"training session {ts.id}: 1 places taken of 0" in integrity.check(session)
    reg.status = "cancelled"  # sound again: the scenario's own integrity check must pass
    session.flush()


def test_the_organiser_changes_a_session_and_calls_it_off_and_the_registrants_are_told(app, session):
    """変更: place, date and capacity change before the start (not below the places taken; more
    places go to the waiting list), every registrant is mailed what changed; 中止: with a reason,
    every place and waiting place is cancelled and its holder told; nothing more can be done."""
    from membership.models import Association, Notification

    for code in ("hokkaido", "jma"):
        office = session.scalar(sa.select(Association).where(Association.code == code))
        office.email = office.email or f"{code}@example.jp"
    staff, _ = _file(app, capacity="1")
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido", "jma")
    first, second, third = (approved_member(session, prefix=p)[0] for p in ("ch1", "ch2", "ch3"))
    training.register(session, first, ts.id)
    training.register(session, second, ts.id, wait=True)
    training.register(session, third, ts.id, wait=True)
    emails = {who: session.get(Physician, who.physician_id).email for who in (first, second, third)}

    def mails(subject_part):
        return sorted(n.to_address for n in session.scalars(sa.select(Notification).where(
            Notification.subject.contains(subject_part), Notification.subject.contains(ts.title))))

    page = text(staff.get(f"/sessions/{ts.id}"))
    assert 'id="change-form"' in page and 'id="call-off-form"' in page
    assert 'id="change-form"' not in text(login(app, "staff@hokkaido").get(f"/sessions/{ts.id}"))  # organiser only
    new_day = (TODAY + dt.timedelta(days=25)).isoformat()
    r = staff.post(f"/sessions/{ts.id}/change", data={"place": "", "starts_on": new_day, "ends_on": new_day,
                                                      "capacity": "0", "description": ""})
    assert r.status_code == 422 and "会場を入力してください" in text(r)
    r = staff.post(f"/sessions/{ts.id}/change", data={"place": "札幌市医師会館 2階", "starts_on": new_day,
                                                      "ends_on": new_day, "capacity": "2", "description": ""})
    assert r.status_code == 302
    session.expire_all()
    assert (ts.place, ts.starts_on.isoformat(), ts.capacity) == ("札幌市医師会館 2階", new_day, 2)
    assert training.registration_of(session, second.physician_id, ts.id).status == "registered"  # moved up
    assert mails("受講が確定") == [emails[second]]
    assert mails("内容が変更") == sorted([emails[first], emails[third]])
    body = session.scalar(sa.select(Notification.body).where(Notification.to_address == emails[first],
                                                              Notification.subject.contains("内容が変更")))
    assert "会場: 札幌市医師会館 → 札幌市医師会館 2階" in body and "定員: 1 → 2" in body
    r = staff.post(f"/sessions/{ts.id}/change", data={"place": "会議室", "starts_on": new_day, "ends_on": new_day,
                                                      "capacity": "1", "description": ""})
    assert r.status_code == 422 and "申込済みの人数（2名）以上" in text(r)

    r = staff.post(f"/sessions/{ts.id}/call-off", data={"reason": ""})
    assert r.status_code == 422 and "中止の理由を入力してください" in text(r)
    assert staff.post(f"/sessions/{ts.id}/call-off", data={"reason": "講師急病のため"}).status_code == 302
    session.expire_all()
    assert training.state(ts) == "cancelled"
    assert {r.status for r in training.attendees(session, actor_for(session, "staff@sapporo"), ts)} == {"cancelled"}
    assert mails("は中止になりました") == sorted(emails.values())
    # the offices that approved it are told too (the change before, the call-off now)
    offices = sorted(a.email for a in session.scalars(sa.select(Association).where(
        Association.code.in_(("hokkaido", "jma")))))
    assert mails("研修会の中止のお知らせ") == offices and mails("研修会の変更のお知らせ") == offices
    member_page = text(login(app, third.login_id).get(f"/sessions/{ts.id}"))
    assert "中止" in member_page and "講師急病のため" in member_page and 'id="wait-button"' not in member_page
    r = login(app, third.login_id).post(f"/sessions/{ts.id}/register", data={"wait": "1"}, follow_redirects=True)
    assert "受け付けていません" in text(r)
    again = staff.post(f"/sessions/{ts.id}/call-off", data={"reason": "二度目"}, follow_redirects=True)
    assert "受け付けていません" in text(again)
    assert login(app, "staff@otaru").post(f"/sessions/{ts.id}/call-off", data={"reason": "x"}).status_code in (403, 404)


def test_a_non_member_who_attends_is_linked_to_the_organiser_only(app, session):
    """Seed 004: a non-member attending a session is linked to the association that holds it — its
    office finds them in its list (研修会の受講者（会員外）) but cannot act for them; a cancelled place
    unlinks them; other offices never see them. A member of another association who attends is
    named in the session's attendees, but their record stays with their own associations."""
    from ..conftest import new_member

    staff, _ = _file(app, capacity="5")
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido", "jma")
    outsider = new_member(session, prefix="nmb")  # registered physician, member of nothing
    elsewhere, _ = approved_member(session, chain=[("otaru", "A-1")], prefix="nme")
    for who in (outsider, elsewhere):
        training.register(session, who, ts.id)
    page = text(staff.get("/members?status=attendee"))
    row = page.split(f'href="/members/{outsider.physician_id}"', 1)[1].split("</tr>", 1)[0]
    assert "研修会の受講者（会員外）" in row
    detail = text(staff.get(f"/members/{outsider.physician_id}"))
    assert 'id="attendee-only"' in detail
    assert "会員に代わって操作する" not in detail  # seen, not acted for: no login reset, no edits, no filings
    assert staff.post(f"/members/{outsider.physician_id}/credentials").status_code == 403
    assert staff.get(f"/members/{outsider.physician_id}/profile").status_code == 403
    assert staff.post(f"/apply/enrolment/for/{outsider.physician_id}").status_code == 403
    # 小樽市医師会's member: named among the session's attendees, but not in this office's records
    assert f'href="/members/{elsewhere.physician_id}"' not in page
    assert staff.get(f"/members/{elsewhere.physician_id}").status_code == 404
    elsewhere_row = session.get(Physician, elsewhere.physician_id)
    attendees = text(staff.get(f"/sessions/{ts.id}")).split('id="attendees"', 1)[1]
    assert elsewhere_row.full_name in attendees
    # each named with their own association, where the organiser may turn; the outsider with none
    elsewhere_row.family_name, session.get(Physician, outsider.physician_id).family_name = "小樽", "会員外"
    session.flush()
    attendees = text(staff.get(f"/sessions/{ts.id}")).split('id="attendees"', 1)[1]
    assert re.search(r"<td>小樽 [^<]*</td><td>[^<]*</td><td>小樽市医師会</td>", attendees)
    assert re.search(r"<td>会員外 [^<]*</td><td>[^<]*</td><td>非会員</td>", attendees)
    listing = {row[1].split()[0]: row[-1] for row in csv.reader(io.StringIO(
        staff.get(f"/sessions/{ts.id}/attendees.csv").get_data().decode("utf-8-sig")))}
    assert listing["小樽"] == "小樽市医師会" and listing["会員外"] == "非会員"  # the file says as the screen
    assert login(app, "staff@bunkyo").get(f"/members/{outsider.physician_id}").status_code == 404
    # a cancelled place (not attended) no longer links them
    training.cancel_registration(session, outsider, ts.id)
    assert staff.get(f"/members/{outsider.physician_id}").status_code == 404


def test_a_session_held_jointly_shows_its_attendees_to_the_co_organisers_that_accept(app, session):
    """共催: the organiser names co-organisers when filing; each is asked (mailed) and sees the
    session to decide, but its attendees only once it accepts — the non-members who register after
    that are linked to it too. A declined request shows nothing; only the organiser reports; an
    unknown or self co-organiser is refused."""
    from membership.models import Association, Notification

    from ..conftest import new_member

    picker = login(app, "staff@sapporo").get("/sessions/co-organisers?co_q=小樽&co_organisers=hoken_kenkyu")
    assert re.search(r'value="hoken_kenkyu" checked', text(picker))  # what was ticked stays ticked
    assert re.search(r'value="otaru">', text(picker)) and 'value="sapporo"' not in text(picker)  # never itself
    page = text(login(app, "staff@sapporo").post("/sessions/new", data={"action": "co_search", "co_q": "小樽"}))
    assert 'value="otaru"' in page and "研修会名を入力してください" not in page  # the search without JavaScript
    _, r = _file(app, co_organisers=["otaru", "nowhere"])
    assert r.status_code == 422 and "共催" in text(r)
    _, r = _file(app, co_organisers=["sapporo"])  # the organiser itself
    assert r.status_code == 422
    emails = {a.code: a.email for a in session.scalars(sa.select(Association))}
    emails["otaru"] = emails["otaru"] or "otaru@example.jp"
    session.scalar(sa.select(Association).where(Association.code == "otaru")).email = emails["otaru"]
    session.flush()
    staff, r = _file(app, title=f"共催の研修会 {uuid.uuid4().hex[:6]}", co_organisers=["otaru", "hoken_kenkyu"])
    assert r.status_code == 302
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    assert sorted((c.association.code, c.status) for c in ts.co_organisations) == [
        ("hoken_kenkyu", "invited"), ("otaru", "invited")]
    assert ts.co_organisers == []  # nobody has accepted yet
    asked = session.scalars(sa.select(Notification.to_address).where(
        Notification.subject.contains("共催のご依頼"), Notification.subject.contains(ts.title))).all()
    assert emails["otaru"] in asked
    otaru = login(app, "staff@otaru")
    assert f'href="/sessions/{ts.id}"' in text(otaru.get("/sessions/"))  # in its requests to answer
    page = text(otaru.get(f"/sessions/{ts.id}"))  # before approval too, to decide
    assert 'id="co-request"' in page and 'id="attendees"' not in page
    assert login(app, "staff@bunkyo").get(f"/sessions/{ts.id}").status_code == 404
    _approve(session, ts.application_id, "hokkaido", "jma")
    outsider = new_member(session, prefix="jnt")
    training.register(session, outsider, ts.id)
    # asked but not answered: no attendees, no list, no link to the attendee
    assert 'id="attendees"' not in text(otaru.get(f"/sessions/{ts.id}"))
    assert otaru.get(f"/sessions/{ts.id}/attendees.csv").status_code == 403
    assert f'href="/members/{outsider.physician_id}"' not in text(otaru.get("/members?status=attendee"))
    assert login(app, "staff@bunkyo").post(f"/sessions/{ts.id}/co-organisation",
                                           data={"answer": "accept"}).status_code == 404
    assert sorted(c.status for c in ts.co_organisations) == ["invited", "invited"]  # not asked: nothing
    r = otaru.post(f"/sessions/{ts.id}/co-organisation", data={"answer": "accept"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/sessions/{ts.id}")
    page = text(otaru.get(f"/sessions/{ts.id}"))
    assert "共催を承諾しました" in page and 'id="co-request"' not in page
    assert 'id="co-organisers"' in page and "小樽市医師会（承諾）" in page and 'id="attendees"' in page
    assert otaru.get(f"/sessions/{ts.id}/attendees.csv").status_code == 200
    # the list names them; their record goes only to a co-organiser named when they applied: one
    # who registered before 小樽 accepted is not linked to it, one after is
    assert f'href="/members/{outsider.physician_id}"' not in text(otaru.get("/members?status=attendee"))
    assert otaru.get(f"/members/{outsider.physician_id}").status_code == 404
    later = new_member(session, prefix="jn2")
    training.register(session, later, ts.id)
    assert f'href="/members/{later.physician_id}"' in text(otaru.get("/members?status=attendee"))
    assert "回答済み" in text(otaru.post(f"/sessions/{ts.id}/co-organisation", data={"answer": "decline"},
                                      follow_redirects=True))  # answered once
    body = login(app, "staff@hoken_kenkyu")
    r = body.post(f"/sessions/{ts.id}/co-organisation", data={"answer": "decline"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/sessions/")
    assert f'href="/sessions/{ts.id}"' not in text(body.get("/sessions/?")).split('id="sessions"')[0]
    assert 'id="attendees"' not in text(body.get(f"/sessions/{ts.id}"))  # approved: seen, as by all
    assert body.get(f"/sessions/{ts.id}/attendees.csv").status_code == 403
    organiser_page = text(staff.get(f"/sessions/{ts.id}"))
    assert "小樽市医師会（承諾）" in organiser_page and "（辞退）" in organiser_page
    member_page = text(login(app, outsider.login_id).get(f"/sessions/{ts.id}"))
    assert "小樽市医師会" in member_page and "辞退" not in member_page  # members see who holds it
    answers = session.scalars(sa.select(Notification.body).where(
        Notification.subject.contains("共催のご依頼への回答"), Notification.subject.contains(ts.title))).all()
    assert sorted("承諾" in b for b in answers) == [False, True]
    assert login(app, "staff@bunkyo").get(f"/sessions/{ts.id}/attendees.csv").status_code == 403
    ts.starts_on = ts.ends_on = TODAY - dt.timedelta(days=1)
    session.flush()
    r = otaru.post(f"/sessions/{ts.id}/report", data={"registry_numbers": ""})
    assert r.status_code == 403 and training.state(ts) == "held"  # the organiser alone reports
    reg = training.registration_of(session, outsider.physician_id, ts.id)
    assert staff.post(f"/sessions/{ts.id}/report", data={"attended": [str(reg.id)]}).status_code == 302
    pdf = login(app, outsider.login_id).get(f"/sessions/{ts.id}/attendance.pdf")
    content = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().replace(" ", "")
    assert "共催" in content and "小樽市医師会" in content and "北海道産業保健研究会" not in content  # it declined


def test_a_specialist_common_course_is_filed_three_months_ahead(app, session):
    """Seed 004: 日本専門医機構認定専門医共通講習 are filed in MAMIS, 開催日３か月前までの申請厳守."""
    earliest = training.specialist_common_earliest(TODAY)
    _, r = _file(app, specialist_common="y", starts_on=(earliest - dt.timedelta(days=1)).isoformat())
    assert r.status_code == 422
    assert f"専門医共通講習は開催日の3か月前までに申請してください（今日の申請なら{earliest:%Y/%m/%d}以降" in text(r)
    staff, r = _file(app, specialist_common="y", starts_on=earliest.isoformat())
    assert r.status_code == 302, text(r)
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    assert ts.specialist_common and ts.starts_on == earliest
    assert 'id="specialist-common"' in text(staff.get(f"/sessions/{ts.id}"))
    _, r = _file(app)  # an ordinary session keeps its short notice
    assert r.status_code == 302


def test_the_organiser_withdraws_its_session_while_under_review(app, session):
    staff, _ = _file(app)
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    page = text(staff.get(f"/sessions/{ts.id}"))
    assert 'id="withdraw-form"' in page
    progress = re.search(r'id="approval-progress".*?</section>', page, re.S).group(0)  # where it waits
    assert "北海道医師会" in progress and "日本医師会" in progress
    assert login(app, "staff@otaru").post(f"/sessions/{ts.id}/withdraw").status_code == 404  # not its own
    r = staff.post(f"/sessions/{ts.id}/withdraw", follow_redirects=True)
    assert "研修会の承認申請を取り下げました" in text(r)
    session.expire_all()
    assert training.state(ts) == "withdrawn"
    assert open_task_for(session, actor_for(session, "staff@hokkaido"), ts.application_id) is None
    r = staff.post(f"/sessions/{ts.id}/withdraw", follow_redirects=True)
    assert "取り下げました" not in text(r) and 'id="withdraw-form"' not in text(r)


def test_board_material_for_sessions_says_what_the_board_approves(app, session):
    """The prefecture's board decides on the dates, place, credits, the 専門医共通講習 mark and the
    co-organisers: the board material's 内容 says them, under a title naming the kind."""
    earliest = training.specialist_common_earliest(TODAY)
    _, r = _file(app, specialist_common="y", starts_on=earliest.isoformat(), co_organisers=["otaru"])
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    task = open_task_for(session, actor_for(session, "staff@hokkaido"), ts.application_id)
    client = login(app, "staff@hokkaido")
    r = client.post("/inbox/export", data={"task_ids": [str(task.id)], "scope": "selected", "format": "csv-utf8"})
    [row] = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert row["申請の種類"] == "研修会の承認申請" and f"{earliest:%Y/%m/%d}" in row["内容"]
    assert "札幌市医師会館" in row["内容"] and "認定産業医 生涯研修（更新研修） 2単位" in row["内容"]
    assert "専門医共通講習" in row["内容"] and "共催: 小樽市医師会（回答待ち）" in row["内容"]
    page = text(client.get(f"/tasks/{task.id}"))  # and the task page says them too
    assert 'id="app-specialist-common"' in page and "小樽市医師会（回答待ち）" in page
    r = client.post("/inbox/export", data={"task_ids": [str(task.id)], "scope": "selected", "format": "pdf"})
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.get_data())).pages)
    assert content.startswith("北海道医師会 理事会資料（研修会の承認申請）") and "専門医共通講習" in content


def test_a_specialist_common_course_keeps_its_notice_when_changed(app, session):
    """The three months count from the filing: an approved course cannot be moved closer."""
    earliest = training.specialist_common_earliest(TODAY)
    staff, r = _file(app, specialist_common="y", starts_on=(earliest + dt.timedelta(days=10)).isoformat())
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido", "jma")
    r = staff.post(f"/sessions/{ts.id}/change", data={
        "place": ts.place, "starts_on": (TODAY + dt.timedelta(days=7)).isoformat(), "capacity": ts.capacity})
    assert r.status_code == 422 and f"申請日から3か月後の{earliest:%Y/%m/%d}以降" in text(r)
    r = staff.post(f"/sessions/{ts.id}/change", data={
        "place": ts.place, "starts_on": earliest.isoformat(), "capacity": ts.capacity})
    assert r.status_code == 302


def test_a_session_far_ahead_or_too_long_is_refused_and_a_prefecture_is_not_its_own_reviewer(app, session):
    latest = training.years_ahead(TODAY, 2)
    _, r = _file(app, starts_on="9999-12-31")
    assert r.status_code == 422 and f"{latest:%Y/%m/%d}までの日付" in text(r)
    starts = TODAY + dt.timedelta(days=20)
    _, r = _file(app, starts_on=starts.isoformat(), ends_on=(starts + dt.timedelta(days=31)).isoformat())
    assert r.status_code == 422 and "終了日" in text(r)
    _, r = _file(app, login_id="staff@hokkaido")
    assert r.status_code == 302
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    assert [p.association.code for p in ts.application.parts] == ["jma"]


def test_three_months_on_is_the_same_day_or_the_months_last():
    assert training.specialist_common_earliest(dt.date(2026, 11, 30)) == dt.date(2027, 2, 28)
    assert training.specialist_common_earliest(dt.date(2027, 11, 30)) == dt.date(2028, 2, 29)
    assert training.specialist_common_earliest(dt.date(2026, 10, 15)) == dt.date(2027, 1, 15)
    assert training.specialist_common_earliest(dt.date(2026, 5, 31)) == dt.date(2026, 8, 31)


def test_a_session_says_its_hours_fee_deadline_and_contact(app, session):
    """Filed with its hours, fee, last day to apply and contact (each checked and named when wrong),
    shown to members and mailed with the receipt; after the deadline no one can apply; a change of
    them is told to the registrants."""
    _, r = _file(app, starts_at="25:00", ends_at="9:00", fee="三千",
                 apply_by=(TODAY + dt.timedelta(days=30)).isoformat())
    summary = re.search(r'error-summary.*?</div>', text(r), re.S).group(0)
    assert r.status_code == 422 and "開始時刻は「9:30」の形式" in summary and "参加費（円）の形式" in summary
    assert "申込締切は" in summary  # after the first day
    _, r = _file(app, starts_at="13:30", ends_at="13:00")
    assert r.status_code == 422 and "終了時刻は開始時刻より後にしてください" in text(r)
    _, r = _file(app, apply_by=(TODAY - dt.timedelta(days=1)).isoformat())  # nobody could ever apply
    assert r.status_code == 422 and "申込締切は本日以降の日付" in text(r)
    staff, r = _file(app, starts_at="１３時３０分", ends_at="16:00", fee="3,000円",
                     apply_by=(TODAY + dt.timedelta(days=10)).isoformat(), contact="札幌市医師会 研修係 011-000-0000")
    assert r.status_code == 302, text(r)
    ts = session.scalars(sa.select(TrainingSession).order_by(TrainingSession.id.desc())).first()
    assert (ts.starts_at, ts.ends_at, ts.fee) == (dt.time(13, 30), dt.time(16, 0), 3000)
    review = open_task_for(session, actor_for(session, "staff@hokkaido"), ts.application_id)
    reviewed = text(login(app, "staff@hokkaido").get(f"/tasks/{review.id}"))  # the board approves what it reads
    assert "13:30" in reviewed and "3,000円" in reviewed and "研修係 011-000-0000" in reviewed
    _approve(session, ts.application_id, "hokkaido", "jma")
    member = new_member(session, prefix="hrs")
    email = session.get(Physician, member.physician_id).email
    client = login(app, member.login_id)
    page = text(client.get(f"/sessions/{ts.id}"))
    assert "13:30" in page and "16:00" in page and "3,000円" in page and "研修係 011-000-0000" in page
    assert (TODAY + dt.timedelta(days=10)).strftime("%Y/%m/%d") in page
    assert client.post(f"/sessions/{ts.id}/register").status_code == 302
    receipt = session.scalars(sa.select(Notification).where(Notification.to_address == email)
                              .order_by(Notification.id.desc())).first()
    assert "13:30〜16:00" in receipt.body and "参加費: 3,000円" in receipt.body and "研修係" in receipt.body
    # the organiser moves the deadline to yesterday: no more applications
    ts.apply_by = TODAY - dt.timedelta(days=1)
    session.flush()
    late = login(app, new_member(session, prefix="late").login_id)
    r = late.post(f"/sessions/{ts.id}/register", follow_redirects=True)
    assert f"申込みは締め切りました（申込締切 {ts.apply_by:%Y/%m/%d}）" in text(r)  # the date, not a placeholder
    # a change of the hours is told to those registered
    r = staff.post(f"/sessions/{ts.id}/change", data={
        "place": ts.place, "starts_on": ts.starts_on.isoformat(), "ends_on": ts.ends_on.isoformat(),
        "capacity": str(ts.capacity), "description": "", "starts_at": "14:00", "ends_at": "16:00", "fee": "3000",
        "apply_by": "", "contact": ts.contact})
    assert r.status_code == 302
    told = session.scalars(sa.select(Notification).where(Notification.to_address == email)
                           .order_by(Notification.id.desc())).first()
    assert "開始時刻: 13:30 → 14:00" in told.body


def test_a_session_is_filed_with_its_programme_for_the_reviewers(app, session):
    from membership.models import Document

    before = session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))
    _, r = _file(app, documents=[(io.BytesIO(b"just text"), "program.txt")])
    assert r.status_code == 422 and "ファイル" in text(r)  # a type not allowed: nothing is filed
    assert session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == before
    _, r = _file(app, documents=[(io.BytesIO(b"%PDF-1.4\n%programme\n"), "プログラム.pdf")])
    assert r.status_code == 302, text(r)
    ts = session.scalars(sa.select(TrainingSession).order_by(TrainingSession.id.desc())).first()
    names = session.scalars(sa.select(Document.filename).where(Document.application_id == ts.application_id)).all()
    assert names == ["プログラム.pdf"]
    hokkaido = actor_for(session, "staff@hokkaido")
    task = open_task_for(session, hokkaido, ts.application_id)
    assert "プログラム.pdf" in text(login(app, "staff@hokkaido").get(f"/tasks/{task.id}"))
    organiser = login(app, "staff@sapporo")  # and the organiser sees what it sent, on the session's page
    page = text(organiser.get(f"/sessions/{ts.id}"))
    assert "プログラム.pdf" in page
    doc = re.search(r'href="(/documents/\d+)[^"]*"', page).group(1)
    assert organiser.get(doc).status_code == 200


def test_a_sessions_days_and_hours_are_written_in_the_readers_language():
    from types import SimpleNamespace

    ts = SimpleNamespace(starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 2), starts_at=dt.time(13, 0),
                         ends_at=dt.time(16, 0))
    assert training.hours(ts) == "2027/03/01〜2027/03/02 13:00〜16:00"
    assert training.hours(ts, "en") == "2027/03/01–2027/03/02 13:00–16:00"


def test_the_sessions_list_reads_the_same_statements_however_many_sessions(app, session, db_engine, api):
    """JMA's list holds every session ever filed: each one's state, organiser, co-organisers and
    counts are read with the list, not one session at a time (3,000 sessions were 3,300 statements
    on the screen, 12,000 in the API)."""
    from ..conftest import query_count

    staff, client = login(app, "staff@jma"), api("staff@jma")
    assert _file(app, title=f"一覧の研修会 {uuid.uuid4().hex[:6]}", co_organisers=["otaru"])[1].status_code == 302
    staff.get("/sessions/")
    client.get("/api/v1/sessions")
    before = (query_count(db_engine, lambda: staff.get("/sessions/")),
              query_count(db_engine, lambda: client.get("/api/v1/sessions")))
    for n in range(3):
        _, r = _file(app, title=f"一覧の研修会 {n} {uuid.uuid4().hex[:6]}", co_organisers=["otaru"])
        assert r.status_code == 302
    after = (query_count(db_engine, lambda: staff.get("/sessions/")),
             query_count(db_engine, lambda: client.get("/api/v1/sessions")))
    assert after == before
    listed = client.get("/api/v1/sessions").get_json()
    assert sum(1 for s in listed if s["title"].startswith("一覧の研修会")) >= 3
    assert all({"registered", "waiting", "state", "organiser"} <= set(s) for s in listed)


def test_any_amended_field_sends_the_session_back_to_the_prefecture(app, session):
    """The hours and the fee are what the prefecture approved too: changing only them re-opens it."""
    from membership.models import ApplicationPart, Notification

    staff, r = _file(app, title=f"時刻変更の研修会 {uuid.uuid4().hex[:6]}", starts_at="19:00", ends_at="20:00")
    assert r.status_code == 302
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido")
    jma = actor_for(session, "staff@jma")
    tasks.complete_task(session, jma, open_task_for(session, jma, ts.application_id).id, "return", "住所を")
    form = {k: v for k, v in training.as_filed(ts).items() if k not in ("credit_items", "specialist_common")}
    rows = {f"credit_kind_{n}": f"{i['system']}:{i['category']}" for n, i in enumerate(ts.credit_items, start=1)}
    rows |= {f"credits_{n}": i["credits"] for n, i in enumerate(ts.credit_items, start=1)}
    r = staff.post(f"/sessions/{ts.id}/amend", data={**form, **rows, "ends_at": "19:10", "fee": "50000"})
    assert r.status_code == 302, text(r)
    session.expire_all()
    assert {p.association.code: p.status for p in session.scalars(sa.select(ApplicationPart).where(
        ApplicationPart.application_id == ts.application_id))} == {"hokkaido": "pending", "jma": "in_review"}
    [notice] = session.scalars(sa.select(Notification).where(
        Notification.to_address == "office@hokkaido.example.jp",
        Notification.subject.like(f"%再審査%{ts.application_id}%"))).all()
    assert "終了時刻: 20:00 → 19:10" in notice.body and "参加費（円）: — → 50000" in notice.body
    assert "研修会名" not in notice.body  # only what changed


def test_a_lifelong_session_carries_its_units_and_several_curriculum_codes(app, session):
    """1.5 units and five カリキュラムコード: eight rows on the form (the last five folded until
    needed); a ninth through the API is refused naming the limit."""
    codes = {f"credit_kind_{n}": f"lifelong:cc{c}" for n, c in zip(range(4, 9), (5, 12, 29, 41, 73), strict=True)}
    _, r = _file(app, title=f"生涯教育講座 {uuid.uuid4().hex[:6]}", **codes,
                 **{f"credits_{n}": "1" for n in range(4, 9)})
    assert r.status_code == 302, text(r)
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    assert len(ts.credit_items) == 8 and {"system": "lifelong", "category": "cc73", "credits": "1"} in ts.credit_items
    form = text(login(app, "staff@sapporo").get("/sessions/new"))
    assert 'id="credit_kind_8"' in form and '<details id="more-credit-rows">' in form  # folded when empty
    from membership.errors import ValidationFailed

    items = [{"system": "lifelong", "category": f"cc{n}", "credits": "1"} for n in range(1, 10)]
    with pytest.raises(ValidationFailed) as refused:
        training.check_session(session, actor_for(session, "staff@sapporo"), {
            "title": "多すぎる", "starts_on": (TODAY + dt.timedelta(days=20)).isoformat(), "place": "会館",
            "capacity": "10", "credit_items": items})
    assert refused.value.fields["credit_items"] == ("too_many", {"max": 8})


def test_the_sessions_list_is_searched_and_paged(app, session, api):
    """The list narrows by words (title, place, organiser), 開催日, state and the office's own,
    50 a page; a wrong filter is named; a session under review says who reviews it; a member sees
    the sessions to come unless a period is asked for."""
    word = f"検索用{uuid.uuid4().hex[:6]}"
    _, r = _file(app, title=f"{word} 前期", starts_on=(TODAY + dt.timedelta(days=30)).isoformat())
    assert r.status_code == 302
    _, r = _file(app, login_id="staff@otaru", title=f"{word} 後期",
                 starts_on=(TODAY + dt.timedelta(days=60)).isoformat())
    assert r.status_code == 302
    first, second = session.scalars(sa.select(TrainingSession).where(TrainingSession.title.like(f"{word}%"))
                                    .order_by(TrainingSession.starts_on)).all()

    jma = login(app, "staff@jma")
    other = f"別件{uuid.uuid4().hex[:6]}"
    _, r = _file(app, title=f"{other} 産業医セミナー（基礎）２０２７")  # full-width as typed in Japanese
    assert r.status_code == 302
    for q in ("セミナー", "（基礎）", "２０２７", "(基礎)", "2027"):  # typed in either width
        assert f"{other} 産業医セミナー" in text(jma.get(f"/sessions/?q={other}+{q}")), q
    page = text(jma.get(f"/sessions/?q={word}"))
    assert first.title in page and second.title in page and "北海道医師会" in page  # 承認待ち at the prefecture
    later = (TODAY + dt.timedelta(days=45)).isoformat()
    page = text(jma.get(f"/sessions/?q={word}&held_from={later}"))
    assert second.title in page and first.title not in page
    page = text(jma.get(f"/sessions/?q={word}&held_to={later}"))
    assert first.title in page and second.title not in page
    assert first.title in text(login(app, "staff@sapporo").get(f"/sessions/?q={word}&own=1"))
    assert first.title not in text(login(app, "staff@otaru").get(f"/sessions/?q={word}&own=1"))
    assert first.title in text(jma.get("/sessions/?q=札幌市医師会&state=pending"))

    _approve(session, first.application_id, "hokkaido")
    page = text(jma.get(f"/sessions/?q={word}&state=pending"))
    assert first.title in page and second.title in page
    assert "日本医師会" in page.split(first.title)[1].split("</tr>")[0]  # now at JMA
    _approve(session, first.application_id, "jma")
    assert first.title in text(jma.get(f"/sessions/?q={word}&state=approved"))
    assert first.title not in text(jma.get(f"/sessions/?q={word}&state=pending"))

    r = jma.get(f"/sessions/?held_from={later}&held_to={TODAY.isoformat()}&state=someday")
    assert r.status_code == 422
    assert "開催日（まで）" in text(r) and "状態は一覧から選んでください" in text(r)
    r = api("staff@jma").get("/api/v1/sessions?held_from=2026-13-01")
    assert r.status_code == 422 and "held_from" in r.get_json()["error"]["fields"]

    member, _ = approved_member(session)
    assert first.title in text(login(app, member.login_id).get(f"/sessions/?q={word}"))
    listed = api("staff@jma").get(f"/api/v1/sessions?q={word}&page=1")
    assert [s["title"] for s in listed.get_json()] == [second.title, first.title]
    assert listed.headers["X-Total-Count"] == "2"

    for n in range(training.LIST_PAGE):  # a page more than one page holds
        session.add(TrainingSession(organiser_association_id=first.organiser_association_id, title=f"{word} 回{n}",
                                    starts_on=TODAY + dt.timedelta(days=90), ends_on=TODAY + dt.timedelta(days=90),
                                    place="会館", capacity=10, application_id=first.application_id))
    session.flush()
    page1, page2 = text(jma.get(f"/sessions/?q={word}")), text(jma.get(f"/sessions/?q={word}&page=2"))
    assert re.search(r"sessions-total\">52<", page1), re.findall(r"sessions-total.{0,20}", page1)
    assert "1 / 2" in page1 and first.title not in page1 and first.title in page2


def test_a_session_changed_after_the_prefecture_approved_goes_back_to_it(app, session):
    """JMA returns a session the prefecture approved; the organiser raises its credits and
    resubmits: JMA reviews it, then the prefecture again (told by mail what changed) — it approved
    other credits. The session opens only once both approved the new content."""
    from membership.models import ApplicationPart, Notification

    staff, r = _file(app, title=f"再審査の研修会 {uuid.uuid4().hex[:6]}")
    assert r.status_code == 302
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido")
    jma = actor_for(session, "staff@jma")
    tasks.complete_task(session, jma, open_task_for(session, jma, ts.application_id).id, "return",
                        "会場の住所を正確に")
    body = {"title": ts.title, "starts_on": ts.starts_on.isoformat(), "place": "札幌市医師会館 3階", "capacity": "2",
            "credit_kind_1": "occupational:update", "credits_1": "20"}
    assert staff.post(f"/sessions/{ts.id}/amend", data=body).status_code == 302
    session.expire_all()
    parts = {p.association.code: p.status for p in session.scalars(
        sa.select(ApplicationPart).where(ApplicationPart.application_id == ts.application_id))}
    assert parts == {"hokkaido": "pending", "jma": "in_review"}
    [notice] = session.scalars(sa.select(Notification).where(
        Notification.to_address == "office@hokkaido.example.jp",
        Notification.subject.like(f"%再審査%{ts.application_id}%"))).all()
    assert "単位: 認定産業医 生涯研修（更新研修） 2・生涯教育 講義・講演 1.5・生涯教育 カリキュラムコード15 1 → " \
           "認定産業医 生涯研修（更新研修） 20" in notice.body
    assert "会場: 札幌市医師会館 → 札幌市医師会館 3階" in notice.body

    _approve(session, ts.application_id, "jma")
    session.expire_all()
    assert training.state(ts) == "pending"  # not open: the prefecture has not approved the new credits
    _approve(session, ts.application_id, "hokkaido")
    session.expire_all()
    assert training.state(ts) == "approved"


def test_a_co_organiser_that_accepts_after_the_session_began_is_not_linked_to_its_walk_ins(app, session):
    """A walk-in is registered when the report names them, though they came on the day: a
    co-organiser accepting after the session began did not hold it for them."""
    from membership import members
    from membership.models import SessionCoOrganiser, SessionRegistration

    from ..conftest import new_member

    _, r = _file(app, title=f"後から共催 {uuid.uuid4().hex[:6]}", co_organisers=["otaru"])
    assert r.status_code == 302
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    _approve(session, ts.application_id, "hokkaido", "jma")
    ts.starts_on = ts.ends_on = TODAY - dt.timedelta(days=2)
    co = session.scalar(sa.select(SessionCoOrganiser).where(SessionCoOrganiser.session_id == ts.id))
    co.status, co.answered_at = "accepted", dt.datetime.now(dt.UTC).replace(tzinfo=None)  # after it began
    walk_in = new_member(session, prefix="wkn")
    session.add(SessionRegistration(session_id=ts.id, physician_id=walk_in.physician_id, status="registered",
                                    attended=True))
    session.flush()
    otaru = actor_for(session, "staff@otaru")
    assert not members.can_see(session, otaru, walk_in.physician_id)
    assert members.can_see(session, actor_for(session, "staff@sapporo"), walk_in.physician_id)  # the organiser
