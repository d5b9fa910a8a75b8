"""Transfer: derived leave/join parts, every part approved before anything changes, all applied
together on the effective date; a rejection leaves the member as before."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine import flows, runtime, tasks
from engine.models import ProcessInstance
from membership import associations, members, memberships
from membership.actors import SYSTEM
from membership.errors import ValidationFailed
from membership.fields import today_jst
from membership.models import Facility, MembershipGroup

from ..conftest import actor_for
from ..helpers import approved_member, open_task_for


def staff(s, code):
    return actor_for(s, f"staff@{code}")


def full_member(s):
    return approved_member(s, prefix="move")


def facility(s, name_part):
    return s.scalar(sa.select(Facility.id).where(Facility.name.contains(name_part)))


def active(s, member):
    return [m.association.code for m in memberships.memberships_of(s, member.physician_id) if m.status == "active"]


def transfer(s, member, group_id, chain, facility_name, days=0):
    return flows.submit_application(s, member, {
        "kind": "transfer", "group_id": group_id, "facility_id": facility(s, facility_name), "duty_code": "11",
        "desired_date": (today_jst() + dt.timedelta(days=days)).isoformat(),
        "associations": [{"code": c, "category": k} for c, k in chain]})


def work(s, app, decisions):
    for code, decision in decisions:
        task = open_task_for(s, staff(s, code), app.id)
        assert task is not None, code
        tasks.complete_task(s, staff(s, code), task.id, decision, "" if decision == "approve" else "確認が必要です")


def fire(s, clock, app):
    instance = s.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    clock.shift = instance.timer_due_at - dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
    return runtime.fire_timers(s, SYSTEM, instance.id)


def test_within_the_prefecture_only_the_district_changes_and_jma_records_it(session, clock):
    member, group_id = full_member(session)
    app = transfer(session, member, group_id, [("kitaku", "B-2")], "北区ファミリー", days=10)
    # JMA reviews no part (API.md's actions are join, leave and certify): its membership records the move
    assert [(p.association.code, p.action) for p in app.parts] == [("chuoeast", "leave"), ("kitaku", "join")]
    kitaku = staff(session, "kitaku")

    def listed(status):
        return member.physician_id in {p.id for p in members.list_members(session, kitaku, status=status)[0]}

    assert listed("applying") and not listed("upcoming")  # a transfer in under review: 入会申請中
    work(session, app, [("chuoeast", "approve"), ("kitaku", "approve")])
    session.refresh(app)
    assert app.status == "approved" and active(session, member) == ["chuoeast", "sapporo", "hokkaido", "jma"]
    from membership.models import Notification

    last = session.scalars(sa.select(Notification).where(Notification.to_address == app.physician.email)
                           .order_by(Notification.id.desc())).first()
    # the last approval says it is all approved, and the day it happens; each part says what it does
    assert "関係するすべての医師会の承認がそろいました" in last.body and f"{app.desired_date:%Y/%m/%d}付で" in last.body
    assert "中央区東支部（退会）: 承認" in last.body and "北区支部（入会）: 承認" in last.body
    # approved, waiting for its date: the receiving office still sees the member, as 入会予定（異動）
    assert members.can_see(session, kitaku, member.physician_id)
    assert listed("upcoming") and not listed("applying") and listed("")
    assert members.links_here(session, kitaku, [member.physician_id]) == {member.physician_id: "moving_in"}
    assert not members.can_see(session, staff(session, "otaru"), member.physician_id)
    assert fire(session, clock, app) is True
    session.refresh(app)
    assert app.status == "completed"
    assert sorted(active(session, member)) == sorted(["kitaku", "sapporo", "hokkaido", "jma"])
    group = session.get(MembershipGroup, group_id)
    assert group.facility_id == facility(session, "北区ファミリー")
    kinds = {(e["association"], e["kind"]) for e in memberships.history_of(session, member.physician_id)}
    assert {("chuoeast", "left"), ("kitaku", "joined"), ("jma", "transferred")} <= kinds
    ended = next(m for m in group.memberships if m.association.code == "chuoeast")
    joined = next(m for m in group.memberships if m.association.code == "kitaku")
    assert joined.since == app.desired_date and ended.until == app.desired_date - dt.timedelta(days=1)


def test_across_prefectures_layers_2_to_4_change(session, clock):
    member, group_id = full_member(session)
    with pytest.raises(ValidationFailed) as failed:  # a new prefecture needs a category there
        transfer(session, member, group_id, [("bunkyo", "A-1")], "文京本郷")
    assert failed.value.fields["associations"][0] == "choose_prefecture_category"
    app = transfer(session, member, group_id, [("bunkyo", "A-1"), ("tokyo", "A")], "文京本郷")
    assert [(p.association.code, p.action) for p in app.parts] == [
        ("chuoeast", "leave"), ("sapporo", "leave"), ("bunkyo", "join"), ("hokkaido", "leave"), ("tokyo", "join")]
    work(session, app, [(p.association.code, "approve") for p in app.parts])
    session.refresh(app)
    # effective today: the change applies as soon as the last part is approved
    assert app.status == "completed" and sorted(active(session, member)) == ["bunkyo", "jma", "tokyo"]


@pytest.mark.parametrize("rejecting", ["chuoeast", "kitaku"])
def test_a_rejection_of_any_part_leaves_the_member_as_before(session, rejecting):
    member, group_id = full_member(session)
    app = transfer(session, member, group_id, [("kitaku", "B-2")], "北区ファミリー")
    decisions = []
    for code in ("chuoeast", "kitaku"):
        decisions.append((code, "reject" if code == rejecting else "approve"))
        if code == rejecting:
            break
    work(session, app, decisions)
    session.refresh(app)
    assert app.status == "rejected" and active(session, member) == ["chuoeast", "sapporo", "hokkaido", "jma"]
    assert session.get(MembershipGroup, group_id).facility_id == facility(session, "上野クリニック")


def test_bad_transfers_are_refused_naming_the_field(session):
    member, group_id = full_member(session)
    cases = [
        ({"associations": [{"code": "chuoeast", "category": "A-1"}], "facility_id": facility(session, "上野")},
         "associations", "no_change"),
        ({"associations": [{"code": "bunkyo", "category": "A-1"}, {"code": "hokkaido", "category": "A"}]},
         "associations", "broken_chain"),
        ({"associations": [{"code": "kitaku", "category": "ZZ"}]}, "associations", "unknown_category"),
        ({"facility_id": 999999}, "facility_id", "unknown_facility"),
        ({"desired_date": "2001-01-01"}, "desired_date", "date_in_past"),
        ({"group_id": 999999}, "group_id", "not_your_group"),
        # staying at an association keeps its category; JMA is kept, never joined, by a transfer
        ({"associations": [{"code": "kitaku", "category": "B-2"}, {"code": "sapporo", "category": "B-1"}]},
         "associations", "category_kept"),
        ({"associations": [{"code": "kitaku", "category": "B-2"}, {"code": "jma", "category": "A2B"}]},
         "associations", "category_kept"),
    ]
    for change, field, key in cases:
        body = {"kind": "transfer", "group_id": group_id, "facility_id": facility(session, "北区ファミリー"),
                "duty_code": "21", "desired_date": today_jst().isoformat(),
                "associations": [{"code": "kitaku", "category": "B-2"}],
                **change}
        with pytest.raises(ValidationFailed) as failed:
            flows.submit_application(session, member, body)
        assert failed.value.fields[field][0] == key, (change, failed.value.fields)
    transfer(session, member, group_id, [("kitaku", "B-2")], "北区ファミリー")
    with pytest.raises(ValidationFailed) as failed:
        flows.submit_application(session, member, {"kind": "withdrawal", "group_id": group_id, "associations": ["jma"],
                                                   "desired_date": today_jst().isoformat(),
                                                   "reason": "retirement"})
    assert failed.value.fields["group_id"][0] == "group_has_pending_application"
    assert associations.get_facility(session, facility(session, "北区ファミリー")) is not None


def test_history_and_my_page_name_the_move(app, session, clock):
    from ..helpers import login_client as login

    member, group_id = full_member(session)
    app_row = transfer(session, member, group_id, [("kitaku", "B-2")], "北区ファミリー")
    work(session, app_row, [("chuoeast", "approve"), ("kitaku", "approve")])
    client = login(app, member.login_id)
    history = client.get("/mypage/history").get_data(as_text=True)
    assert "<td>日本医師会</td><td>異動</td>" in history and "<td>北区支部</td><td>入会</td>" in history
    assert "異動により退会" in client.get("/mypage/").get_data(as_text=True)


def test_a_membership_that_has_not_begun_is_not_ended_before_its_start(session):
    """An enrolment approved with its start ahead: a transfer must take effect after that day, a
    withdrawal's last day may not come before it (either would leave an end before the start)."""
    from membership.models import Membership

    member, group_id = full_member(session)
    starts = today_jst() + dt.timedelta(days=30)
    for m in session.scalars(sa.select(Membership).where(Membership.group_id == group_id)):
        m.since = starts
    session.flush()
    for days in (3, 30):
        with pytest.raises(ValidationFailed) as failed:
            transfer(session, member, group_id, [("kitaku", "B-2")], "北区ファミリー", days=days)
        assert failed.value.fields["desired_date"] == ("before_membership_start", {"date": f"{starts:%Y/%m/%d}"})
    withdrawal = {"kind": "withdrawal", "group_id": group_id, "associations": ["chuoeast"], "reason": "retirement"}
    with pytest.raises(ValidationFailed) as failed:
        flows.submit_application(session, member, {**withdrawal, "desired_date": (starts - dt.timedelta(days=1))
                                                   .isoformat()})
    assert failed.value.fields["desired_date"][0] == "before_membership_start"
    app = flows.submit_application(session, member, {**withdrawal, "desired_date": starts.isoformat()})
    with pytest.raises(ValidationFailed):  # nor moved there by 修正
        flows.amend_pending(session, member, app.id, {"desired_date": today_jst().isoformat()})
    assert session.get(type(app), app.id).desired_date == starts
    flows.cancel_application(session, member, app.id)
    moved = transfer(session, member, group_id, [("kitaku", "B-2")], "北区ファミリー", days=31)
    assert moved.desired_date == starts + dt.timedelta(days=1)


def test_a_move_to_no_facility_home_member_or_undecided(session, clock):
    """A member who leaves their workplace moves to 自宅会員 (no duty asked) — or to a facility not
    yet known (未定, with its name if they know it); the group is left with no facility."""
    member, group_id = full_member(session)
    base = {"kind": "transfer", "group_id": group_id, "desired_date": (today_jst() + dt.timedelta(days=5)).isoformat(),
            "associations": [{"code": "kitaku", "category": "B-2"}]}
    with pytest.raises(ValidationFailed) as refused:
        flows.submit_application(session, member, {**base, "facility_id": "undecided", "facility_name": "x" * 51,
                                                   "duty_code": "11"})
    assert set(refused.value.fields) == {"facility_name"}
    # no workplace: no duty asked, and one chosen before switching to 自宅会員 does not stand
    app = flows.submit_application(session, member, {**base, "facility_id": "home", "duty_code": "14",
                                                     "position": "院長"})
    assert app.facility_id is None and app.payload["facility_mode"] == "home"
    assert (app.duty_code, app.position) == ("", "")
    work(session, app, [("chuoeast", "approve"), ("kitaku", "approve")])
    assert fire(session, clock, app) is True
    group = session.get(MembershipGroup, group_id)
    assert group.facility_id is None and group.home_member is True
    assert "kitaku" in active(session, member)
    # staying where they are (自宅会員 in the same district) is no transfer at all
    with pytest.raises(ValidationFailed) as refused:
        flows.submit_application(session, member, {**base, "facility_id": "home",
                                                   "associations": [{"code": "kitaku", "category": "B-2"}]})
    assert refused.value.fields["associations"][0] == "no_change"


def test_an_office_cannot_import_a_physician_its_approved_transfer_is_bringing_in(session, clock):
    """The transfer's membership begins on its date: a データ取込み row for the physician meanwhile
    would make a second membership, and the transfer could then never apply. Refused, naming it."""
    import csv
    import io
    import uuid

    from membership import imports
    from membership.models import Physician

    member, group_id = full_member(session)
    physician = session.get(Physician, member.physician_id)
    physician.registry_number = f"{uuid.uuid4().int % 900_000 + 100_000:06d}"
    physician.birth_date = dt.date(1972, 2, 2)
    app = transfer(session, member, group_id, [("kitaku", "B-2")], "北区ファミリー", days=10)
    work(session, app, [("chuoeast", "approve"), ("kitaku", "approve")])
    out = io.StringIO()
    csv.writer(out).writerows([imports.COLUMNS, [physician.registry_number, physician.family_name,
                                                 physician.given_name, physician.family_kana, physician.given_kana,
                                                 "1972-02-02", "男", "", "B-2", "2020-04-01"]])
    clean, problems = imports.check(session, staff(session, "kitaku"), out.getvalue().encode())
    assert clean == [] and problems[0]["errors"]["医籍登録番号"] == ("import_pending_application",
                                                                    {"application_id": app.id})
    assert fire(session, clock, app) is True  # the transfer applies on its date, as it should
    assert sorted(active(session, member)) == sorted(["kitaku", "sapporo", "hokkaido", "jma"])
