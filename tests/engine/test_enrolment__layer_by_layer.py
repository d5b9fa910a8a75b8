"""The enrolment process: one review per layer, bottom-up, each in its own association's inbox."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine import tasks
from engine.models import HumanTask, ProcessInstance
from membership import memberships
from membership.errors import NotFound, ValidationFailed
from membership.models import Application

from ..conftest import actor_for, new_member
from ..helpers import FULL_CHAIN, approved_member, file_enrolment, open_task_for


def staff(s, code):
    return actor_for(s, f"staff@{code}")


def test_four_layers_are_reviewed_bottom_up_and_memberships_start_on_approval(session):
    member = new_member(session)
    app = file_enrolment(session, member)
    codes = [c for c, _ in FULL_CHAIN]
    for i, code in enumerate(codes):
        # Only the current layer has a task; the layers above see nothing yet.
        for other in codes[i + 1:]:
            assert open_task_for(session, staff(session, other), app.id) is None
        task = open_task_for(session, staff(session, code), app.id)
        assert task is not None and task.layer == 4 - i
        tasks.complete_task(session, staff(session, code), task.id, "approve", "")
        active = {m.association.code for m in memberships.memberships_of(session, member.physician_id)}
        assert active == set(codes[: i + 1])
        # Finished layer reviews are dropped from the stored state; only the running one is kept.
        instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
        assert len(instance.state["subprocesses"]) == (1 if i < len(codes) - 1 else 0)
    session.refresh(app)
    assert app.status == "approved"
    assert [p.status for p in app.parts] == ["approved"] * 4
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    assert instance.status == "completed"
    assert [e["association"] for e in memberships.history_of(session, member.physician_id)] == codes[::-1]


def test_rejection_ends_the_application_and_upper_layers_never_see_it(session):
    member = new_member(session)
    app = file_enrolment(session, member)
    tasks.complete_task(session, staff(session, "chuoeast"), open_task_for(session, staff(session, "chuoeast"),
                                                                           app.id).id, "approve")
    task = open_task_for(session, staff(session, "sapporo"), app.id)
    tasks.complete_task(session, staff(session, "sapporo"), task.id, "reject", "会員資格を満たしていません")
    session.refresh(app)
    assert app.status == "rejected"
    assert [p.status for p in app.parts] == ["approved", "rejected", "cancelled", "cancelled"]
    for code in ("hokkaido", "jma"):
        assert tasks.list_tasks(session, staff(session, code), status="all", application_id=app.id) == []
    assert {m.association.code for m in memberships.memberships_of(session, member.physician_id)} == {"chuoeast"}


def test_return_goes_to_the_applicant_and_the_same_layer_reviews_again(session):
    member = new_member(session)
    app = file_enrolment(session, member)
    first = open_task_for(session, staff(session, "chuoeast"), app.id)
    tasks.complete_task(session, staff(session, "chuoeast"), first.id, "return", "役職を確認してください")
    session.refresh(app)
    assert app.status == "returned"
    assert open_task_for(session, staff(session, "chuoeast"), app.id) is None
    amend = open_task_for(session, member, app.id)
    assert amend.kind == "amend"
    session.commit()  # (a savepoint: the refused amendment below rolls back to here)
    with pytest.raises(ValidationFailed) as refused:  # a key it does not know is named, not dropped unseen
        tasks.complete_task(session, member, amend.id, changes={"position": "理事", "bogus": 1})
    assert refused.value.fields == {"bogus": ("unknown_field", {})}
    session.rollback()
    tasks.complete_task(session, member, amend.id, changes={"position": "理事"})
    session.refresh(app)
    assert app.status == "in_review" and app.position == "理事"
    again = open_task_for(session, staff(session, "chuoeast"), app.id)
    assert again is not None and again.id != first.id
    assert open_task_for(session, staff(session, "sapporo"), app.id) is None


@pytest.mark.parametrize("chain", [
    [("otaru", "A-1"), ("hokkaido", "B1"), ("jma", "B")],            # three layers
    [("hokkaido", "A"), ("jma", "A1")],                               # not joining a layer-3 association
    [("sapmed", "B-2")],                                              # layer 3 only (occupational)
])
def test_shorter_chains_run_through_the_same_definition(session, chain):
    member = new_member(session)
    app = file_enrolment(session, member, chain=chain)
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    assert instance.definition.key == "enrolment"
    for code, _ in chain:
        task = open_task_for(session, staff(session, code), app.id)
        tasks.complete_task(session, staff(session, code), task.id, "approve")
    session.refresh(app)
    assert app.status == "approved"
    assert {m.association.code for m in memberships.memberships_of(session, member.physician_id)} == {
        c for c, _ in chain}


def test_a_secretariat_cannot_read_or_complete_another_associations_task(session):
    member = new_member(session)
    app = file_enrolment(session, member)
    task = open_task_for(session, staff(session, "chuoeast"), app.id)
    intruder = staff(session, "otaru")
    with pytest.raises(NotFound):
        tasks.get_task(session, intruder, task.id)
    with pytest.raises(NotFound):
        tasks.complete_task(session, intruder, task.id, "approve")
    assert session.get(HumanTask, task.id).status == "open"


def test_the_inbox_is_read_from_the_task_table_only(session):
    member = new_member(session)
    app = file_enrolment(session, member)
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    instance.state = {"broken": True}  # the inbox must not need the workflow JSON
    session.flush()
    rows = tasks.list_tasks(session, staff(session, "chuoeast"), application_id=app.id)
    assert [(t.kind, code, t.layer) for t, code in rows] == [("review", "chuoeast", 4)]


def test_a_failing_service_rolls_the_whole_step_back(session, monkeypatch):
    from engine import services

    member = new_member(session)
    app = file_enrolment(session, member)
    task = open_task_for(session, staff(session, "chuoeast"), app.id)

    def broken(*args, **kwargs):
        raise RuntimeError("membership store is down")

    monkeypatch.setitem(services.SERVICES, "application.approve_part", broken)
    session.commit()  # a savepoint: the state before the step
    with pytest.raises(RuntimeError):
        tasks.complete_task(session, staff(session, "chuoeast"), task.id, "approve")
    session.rollback()
    assert session.get(HumanTask, task.id).status == "open"
    assert session.get(Application, app.id).parts[0].status == "in_review"
    assert memberships.memberships_of(session, member.physician_id) == []


def test_jma_approval_gives_a_new_member_a_ten_digit_id_starting_with_3_once(session):
    from membership.models import Physician

    member = new_member(session)
    app = file_enrolment(session, member)
    for code in [c for c, _ in FULL_CHAIN][:-1]:
        tasks.complete_task(session, staff(session, code), open_task_for(session, staff(session, code), app.id).id,
                            "approve")
        assert session.get(Physician, member.physician_id).jma_member_id is None  # not before JMA approves
    tasks.complete_task(session, staff(session, "jma"), open_task_for(session, staff(session, "jma"), app.id).id,
                        "approve")
    jma_id = session.get(Physician, member.physician_id).jma_member_id
    assert jma_id is not None and len(jma_id) == 10 and jma_id.isdigit() and jma_id.startswith("3")
    other = new_member(session)
    app2 = file_enrolment(session, other, chain=[("hokkaido", "A"), ("jma", "A1")])
    for code in ("hokkaido", "jma"):
        tasks.complete_task(session, staff(session, code), open_task_for(session, staff(session, code), app2.id).id,
                            "approve")
    assert session.get(Physician, other.physician_id).jma_member_id not in (None, jma_id)


def test_an_approval_is_one_flush_with_its_audit_rows_in_one_insert(session):
    """The step's writes leave together: a lookup in the middle of a step (e.g. the applicant's
    mail address) must not autoflush and split them (more statements per approval)."""
    member = new_member(session)
    app = file_enrolment(session, member)
    task = open_task_for(session, staff(session, "chuoeast"), app.id)
    approver = staff(session, "chuoeast")
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        tasks.complete_task(session, approver, task.id, "approve", "")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert sum(s.startswith("INSERT INTO audit_events") for s in sent) == 1, "\n".join(s[:60] for s in sent)
    assert not any("FROM user_accounts" in s for s in sent)  # the physician's own address is used


def test_an_additional_enrolment_begins_no_earlier_than_the_layers_below(session):
    """SPEC §1, no upper layer without the layers below: 追加入会 above memberships that begin next
    month (入会予定) may not be dated before them — refused naming the day — and an upper membership
    approved after a lower one moved later begins with it."""
    import datetime as dt

    from engine import flows
    from membership.fields import today_jst
    from membership.models import Membership

    member, group_id = approved_member(session, chain=[("chuoeast", "A-1"), ("sapporo", "A-1")], begun=False)
    begins = session.scalar(sa.select(sa.func.max(Membership.since)).where(Membership.group_id == group_id))
    assert begins > today_jst()  # 入会予定

    def extend(day):
        return flows.submit_application(session, member, {
            "kind": "enrolment", "group_id": group_id, "desired_date": day.isoformat(), "facility_id": "undecided",
            "duty_code": "11",
            "associations": [{"code": "hokkaido", "category": "A"}, {"code": "jma", "category": "A1"}]})

    with pytest.raises(ValidationFailed) as failed:
        extend(today_jst())
    assert failed.value.fields["desired_date"] == ("before_lower_layers", {"date": f"{begins:%Y/%m/%d}"})
    app = extend(begins)
    # the layers below move a week later (corrected by their office) before the upper ones approve
    later = begins + dt.timedelta(days=7)
    for m in session.scalars(sa.select(Membership).where(Membership.group_id == group_id)):
        m.since = later
    session.flush()
    from membership import applications

    # the reviewers read what the new layers are added to — while they review it, not once decided
    assert [a.code for a in applications.held_beside(app)] == ["chuoeast", "sapporo"]
    for code in ("hokkaido", "jma"):
        tasks.complete_task(session, staff(session, code), open_task_for(session, staff(session, code), app.id).id,
                            "approve")
    starts = dict(session.execute(sa.select(Membership.layer, Membership.since)
                                  .where(Membership.group_id == group_id)).all())
    assert starts == {4: later, 3: later, 2: later, 1: later}
    session.refresh(app)
    assert applications.held_beside(app) == []  # today's memberships are no part of a decided application


def test_a_returned_enrolment_keeps_its_date_after_the_date_has_passed(session):
    """The return took the time: resubmitted with the desired date as filed, now past, it is
    accepted; moved to another past day, it is refused."""
    import datetime as dt

    from membership.fields import today_jst

    member = new_member(session)
    app = file_enrolment(session, member)
    office = staff(session, "chuoeast")
    tasks.complete_task(session, office, open_task_for(session, office, app.id).id, "return", "役職を確認してください")
    passed = today_jst() - dt.timedelta(days=5)
    app.desired_date = passed  # filed for a day that has gone by while it was returned
    session.flush()
    amend = open_task_for(session, member, app.id)
    with pytest.raises(ValidationFailed) as failed:
        tasks.complete_task(session, member, amend.id, changes={"desired_date": (passed - dt.timedelta(days=1))
                                                                .isoformat(), "position": "院長"})
    assert failed.value.fields["desired_date"][0] == "date_in_past"
    tasks.complete_task(session, member, amend.id, changes={"desired_date": passed.strftime("%Y/%m/%d"),
                                                            "position": "院長"})
    assert app.desired_date == passed and app.position == "院長" and app.status != "returned"
    assert open_task_for(session, staff(session, "chuoeast"), app.id) is not None  # reviewed again


def test_the_last_approval_of_an_enrolment_tells_the_member_it_is_done_with_the_jma_number(session):
    from membership.models import Notification, Physician, UserAccount

    from ..helpers import approved_member

    member, _ = approved_member(session, prefix="done")
    account = session.get(UserAccount, member.user_id)
    number = session.get(Physician, member.physician_id).jma_member_id
    done = session.scalars(sa.select(Notification).where(Notification.to_address == account.email,
                                                         Notification.subject.like("%入会の手続きが完了しました%"))).all()
    assert len(done) == 1 and number and number in done[0].body
    # one mail for the last approval: the final one, which lists every layer's approval (not also
    # "日本医師会が入会を承認しました" beside it)
    approvals = session.scalars(sa.select(Notification.subject).where(
        Notification.to_address == account.email, Notification.subject.like("%入会を承認しました%"))).all()
    assert len(approvals) == 3 and not any("日本医師会" in s for s in approvals), approvals
    assert "日本医師会: 承認" in done[0].body
