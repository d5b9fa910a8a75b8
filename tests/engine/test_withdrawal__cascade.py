"""Withdrawal: the cascade, every layer's approval, and everything ending together on the date."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine import flows, runtime, tasks
from engine.models import ProcessInstance
from membership import memberships, withdrawals
from membership.actors import SYSTEM
from membership.errors import ValidationFailed
from membership.fields import today_jst
from membership.models import Association, UserAccount

from ..conftest import actor_for
from ..helpers import approved_member, open_task_for


def staff(s, code):
    return actor_for(s, f"staff@{code}")


def full_member(s):
    return approved_member(s, prefix="leave")


def active(s, member):
    return [m.association.code for m in memberships.memberships_of(s, member.physician_id) if m.status == "active"]


def withdraw(s, member, group_id, code, **extra):
    body = {"kind": "withdrawal", "group_id": group_id, "associations": [code], "desired_date": today_jst().isoformat(),
            "reason": "retirement", **extra}
    return flows.submit_application(s, member, body)


def fire_at(s, clock, app):
    instance = s.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    clock.shift = instance.timer_due_at - dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
    return runtime.fire_timers(s, SYSTEM, instance.id)


def test_leaving_the_city_leaves_every_layer_above_after_all_approve_and_on_the_date(session, clock):
    member, group_id = full_member(session)
    app = withdraw(session, member, group_id, "sapporo")
    assert [(p.association.code, p.action) for p in app.parts] == [
        ("sapporo", "leave"), ("hokkaido", "leave"), ("jma", "leave")]
    for code in ("sapporo", "hokkaido", "jma"):
        assert open_task_for(session, staff(session, "chuoeast"), app.id) is None  # the district is not asked
        task = open_task_for(session, staff(session, code), app.id)
        assert task is not None and task.application_kind == "withdrawal"
        tasks.complete_task(session, staff(session, code), task.id, "approve")
        assert active(session, member) == ["chuoeast", "sapporo", "hokkaido", "jma"]  # nothing ends yet
    session.refresh(app)
    assert app.status == "approved"
    # My Page says which memberships end on the date
    from membership.applications import pending_departures

    assert {session.get(Association, a).code: state for a, state in pending_departures([app]).items()} == {
        "sapporo": "approved", "hokkaido": "approved", "jma": "approved"}
    assert fire_at(session, clock, app) is True
    session.refresh(app)
    assert app.status == "completed" and active(session, member) == ["chuoeast"]
    ended = [m for m in memberships.memberships_of(session, member.physician_id) if m.status == "ended"]
    assert {m.until for m in ended} == {today_jst()}
    history = memberships.history_of(session, member.physician_id)
    assert sorted(e["association"] for e in history if e["kind"] == "left") == ["hokkaido", "jma", "sapporo"]


def test_a_withdrawal_for_death_writes_to_the_family_and_ends_the_certificate_reminders(session, clock):
    """Filed afterwards by the office (or the family): the mails reach the member's address, where
    the family reads them — never "Dear Dr. X, thank you for your support" — and the certificates
    the member held no longer ask them to renew."""
    from membership import certifications
    from membership.models import Certificate, Notification

    member, group_id = full_member(session)
    until = today_jst() + dt.timedelta(days=60)
    session.add(Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-D-1",
                            valid_from=until - dt.timedelta(days=5 * 365), valid_until=until,
                            verification_code="TESTCODED001"))
    session.flush()
    assert len(certifications.due_reminders(session, today_jst())) >= 1
    mine = {c.number for c, _ in certifications.due_reminders(session, today_jst())}
    assert "OC-D-1" in mine
    login = session.get(UserAccount, member.user_id).login_id
    app = withdraw(session, staff(session, "chuoeast"), group_id, "sapporo", reason="death", on_behalf_of=login)
    assert "OC-D-1" not in {c.number for c, _ in certifications.due_reminders(session, today_jst())}
    for code in ("sapporo", "hokkaido", "jma"):
        tasks.complete_task(session, staff(session, code), open_task_for(session, staff(session, code), app.id).id,
                            "approve")
    assert fire_at(session, clock, app) is True
    sent = list(session.scalars(sa.select(Notification).where(
        Notification.to_address == app.physician.email, Notification.subject.contains("退会"))
        .order_by(Notification.id)))
    name = app.physician.full_name
    assert [n.subject for n in sent][0] == "【MAMIS】退会届を受け付けました" and len(sent) >= 5
    assert all(n.body.startswith(f"故 {name} 様 ご遺族様") for n in sent), [n.body[:40] for n in sent]
    done = sent[-1]
    assert done.subject == "【MAMIS】退会が完了しました" and "お悔やみ" in done.body
    assert "これまでのご協力" not in done.body


def test_a_return_of_what_an_office_filed_tells_the_office_and_asks_nothing_of_the_family(session):
    """A death reported by the family, filed by the office and returned by a layer above: the office
    that filed it is mailed (it amends it on the member's page); the family is told the office will
    see to it — not to amend it in the late member's My Page."""
    from membership.models import Notification

    member, group_id = full_member(session)
    login = session.get(UserAccount, member.user_id).login_id
    app = withdraw(session, staff(session, "chuoeast"), group_id, "sapporo", reason="death", on_behalf_of=login)
    tasks.complete_task(session, staff(session, "sapporo"), open_task_for(session, staff(session, "sapporo"),
                                                                          app.id).id, "approve")
    tasks.complete_task(session, staff(session, "hokkaido"), open_task_for(session, staff(session, "hokkaido"),
                                                                           app.id).id, "return", "死亡日を確認")

    def latest(address):
        return session.scalars(sa.select(Notification).where(Notification.to_address == address)
                               .order_by(Notification.id.desc())).first()

    family = latest(app.physician.email)
    assert family.subject == "【MAMIS】退会届が差し戻されました" and "中央区東支部が修正して再提出します" in family.body
    assert "マイページ" not in family.body and family.body.startswith(f"故 {app.physician.full_name} 様 ご遺族様")
    office = latest(session.scalar(sa.select(Association.email).where(Association.code == "chuoeast")))
    assert office.subject == f"【MAMIS】代理で作成した退会届が差し戻されました（申請番号 {app.id}）"
    assert "死亡日を確認" in office.body and f"/members/{app.physician_id}" in office.body
    # a member's own filing, returned, tells only the member, as before
    other, other_group = full_member(session)
    own = withdraw(session, other, other_group, "jma")
    tasks.complete_task(session, staff(session, "jma"), open_task_for(session, staff(session, "jma"), own.id).id,
                        "return", "日付")
    assert "マイページから申請内容を修正し" in latest(own.physician.email).body


@pytest.mark.parametrize("rejecting", ["sapporo", "hokkaido", "jma"])
def test_a_rejection_at_any_layer_leaves_the_member_as_before(session, rejecting):
    member, group_id = full_member(session)
    app = withdraw(session, member, group_id, "sapporo")
    for code in ("sapporo", "hokkaido", "jma"):
        task = open_task_for(session, staff(session, code), app.id)
        if code == rejecting:
            tasks.complete_task(session, staff(session, code), task.id, "reject", "会費の精算が必要です")
            break
        tasks.complete_task(session, staff(session, code), task.id, "approve")
    session.refresh(app)
    assert app.status == "rejected" and active(session, member) == ["chuoeast", "sapporo", "hokkaido", "jma"]
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    assert instance.status == "completed" and instance.timer_due_at is None


def test_return_amend_and_cancel_while_pending(session):
    member, group_id = full_member(session)
    app = withdraw(session, member, group_id, "jma", desired_date=(today_jst() + dt.timedelta(days=30)).isoformat())
    task = open_task_for(session, staff(session, "jma"), app.id)
    tasks.complete_task(session, staff(session, "jma"), task.id, "return", "退会日を月末にしてください")
    amend = tasks.list_tasks(session, member, application_id=app.id)[0][0]
    month_end = (today_jst().replace(day=1) + dt.timedelta(days=62)).replace(day=1) - dt.timedelta(days=1)
    tasks.complete_task(session, member, amend.id, changes={"desired_date": month_end.isoformat()})
    session.refresh(app)
    assert app.desired_date == month_end and open_task_for(session, staff(session, "jma"), app.id) is not None
    with pytest.raises(ValidationFailed) as ahead:  # the reason alone made death: the date ahead is refused
        flows.amend_pending(session, member, app.id, {"reason": "death"})
    assert ahead.value.fields["desired_date"][0] == "date_too_late"
    session.refresh(app)
    assert app.payload["reason"] == "retirement"
    flows.cancel_application(session, member, app.id)
    session.refresh(app)
    assert app.status == "cancelled" and active(session, member) == ["chuoeast", "sapporo", "hokkaido", "jma"]
    assert open_task_for(session, staff(session, "jma"), app.id) is None


def test_bad_withdrawals_are_refused_with_the_field_named(session):
    member, group_id = full_member(session)
    other, other_group = full_member(session)
    cases = [
        ({"group_id": other_group}, "group_id", "not_your_group"),
        ({"associations": ["otaru"]}, "associations", "not_a_member_here"),
        ({"associations": ["sapporo", "otaru"]}, "associations", "not_a_member_here"),
        ({"associations": []}, "associations", "choose"),
        ({"associations": "sapporo"}, "associations", "choose"),  # a list of codes, as API.md
        ({"group_id": None, "associations": ["otaru"]}, "associations", "not_a_member_here"),
        ({"desired_date": (today_jst() - dt.timedelta(days=1)).isoformat()}, "desired_date", "date_in_past"),
        ({"reason": "death", "desired_date": (today_jst() + dt.timedelta(days=1)).isoformat()}, "desired_date",
         "date_too_late"),  # the day of death is never ahead
        ({"reason": "bored"}, "reason", "choose_from_list"),
        ({"reason": "other"}, "reason_text", "required"),
        ({"reason": "other", "reason_text": "あ" * 51}, "reason_text", "too_long"),
    ]
    for change, field, key in cases:
        body = {"kind": "withdrawal", "group_id": group_id, "associations": ["sapporo"],
                "desired_date": today_jst().isoformat(), "reason": "retirement", **change}
        with pytest.raises(ValidationFailed) as failed:
            flows.submit_application(session, member, body)
        assert failed.value.fields[field][0] == key, (change, failed.value.fields)
    withdraw(session, member, group_id, "hokkaido")
    with pytest.raises(ValidationFailed) as failed:  # one application per group at a time
        withdraw(session, member, group_id, "chuoeast")
    assert failed.value.fields["group_id"][0] == "group_has_pending_application"
    assert withdrawals.cascade(next(g for g in withdrawals.groups_of(session, member.physician_id)),
                               staff(session, "chuoeast").association_id)[0].association.code == "chuoeast"


def test_no_additional_enrolment_into_a_group_while_its_withdrawal_is_pending(session):
    """追加入会 above layers that are being left would leave an upper membership without the ones
    below it: refused while the withdrawal is pending (the reverse order was refused already)."""
    member, group_id = approved_member(session, chain=[("chuoeast", "A-1"), ("sapporo", "A-1")], prefix="wdx")
    pending = withdraw(session, member, group_id, "chuoeast")
    with pytest.raises(ValidationFailed) as failed:
        flows.submit_application(session, member, {
            "kind": "enrolment", "group_id": group_id, "desired_date": today_jst().isoformat(),
            "facility_id": "undecided", "duty_code": "11",
            "associations": [{"code": "hokkaido", "category": "A"}, {"code": "jma", "category": "A1"}]})
    assert failed.value.fields["group_id"] == ("group_has_pending_application", {"application_id": pending.id})
