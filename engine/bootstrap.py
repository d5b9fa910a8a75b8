"""A ready database in one call: migrate, load the demo data, deploy the processes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from membership import demo, migrate
from membership.db import make_engine
from membership.fields import today_jst

from . import deploy


def prepare_demo_database(url: str, processes_dir: Path) -> None:
    """Used by the tests and the benchmarks; `make run` does the same through the CLI."""
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            demo.load_demo(s)
            deploy.deploy_directory(s, None, processes_dir)
            s.commit()
    finally:
        engine.dispose()


DEMO_SESSION = "産業医研修会（デモ）職場のメンタルヘルス対策"


def load_demo_activity(session: Session) -> bool:
    """What `make run` shows beyond the reference data (idempotent): an approved training session
    of 札幌市医師会 open for applications, and credits for the demo member 日医 太郎 — a few short of
    認定産業医, so My Page shows what is missing — and two certificates he held before the system:
    認定健康スポーツ医 and a 日医生涯教育認定証 that ends within four months (the rosters' 期限間近).
    Returns whether anything was added."""
    import datetime as dt

    import sqlalchemy as sa

    from membership import benefits, certifications
    from membership.actors import Actor
    from membership.models import TrainingSession, UserAccount

    from . import flows, tasks

    if session.scalar(sa.select(sa.func.count()).select_from(TrainingSession).where(
            TrainingSession.title == DEMO_SESSION)):
        return False

    def actor(login_id: str) -> Actor:
        return Actor.of(session.scalar(sa.select(UserAccount).where(UserAccount.login_id == login_id)))

    today = today_jst()
    app = flows.submit_application(session, actor("staff@sapporo"), {
        "kind": "session", "title": DEMO_SESSION, "place": "札幌市医師会館 3階ホール", "capacity": "80",
        "starts_on": (today + dt.timedelta(days=21)).isoformat(), "description": "認定産業医の生涯研修（更新・専門）",
        "credit_items": [{"system": "occupational", "category": "update", "credits": "1"},
                         {"system": "occupational", "category": "specialised", "credits": "1"},
                         {"system": "lifelong", "category": "lecture", "credits": "1.5"}]})
    for code in ("hokkaido", "jma"):
        staff = actor(f"staff@{code}")
        task = tasks.list_tasks(session, staff, application_id=app.id)[0][0]
        tasks.complete_task(session, staff, task.id, "approve")
    member = actor("nichiitaro")
    for system, category, credits, days_ago, source, ref in (
            ("occupational", "basic_early", 14, 400, "paper", "基礎研修（前期）修了証"),
            ("occupational", "basic_practical", 10, 300, "session", "産業医実地研修（小樽）"),
            ("occupational", "basic_late", 20, 200, "session", "産業医基礎研修（後期）"),
            ("lifelong", "e_learning", 2, 60, "e_learning", "日医e-ラーニング"),
            ("lifelong", "quiz", 1, 30, "quiz", "日医雑誌 問題解答")):
        certifications.add_credits(session, None, member.physician_id, system, category, credits,
                                   today - dt.timedelta(days=days_ago), source, ref)
    for system, number, started, years in (("sports", "SP-PAPER-0042", today - dt.timedelta(days=700), 5),
                                           ("lifelong", "LL-PAPER-1187", today - dt.timedelta(days=980), 3)):
        until = certifications.years_before(started, -years) - dt.timedelta(days=1)
        certifications.add_existing(session, None, member.physician_id, system, number, started, until)
    for kind, status, since in (("liability", "enrolled", dt.date(2008, 4, 1)),  # as JMA's data would say
                                ("liability_rider", "not_enrolled", None),
                                ("pension", "enrolled", dt.date(2010, 10, 1))):
        benefits.record(session, member.physician_id, kind, status, since)
    session.flush()
    return True


def load_demo_applications(session: Session) -> bool:
    """Work in the inboxes for `make run` (idempotent): the demo applicants' applications, at
    different stages — new enrolments waiting at 中央区東支部 (one claimed, one with a note), one
    already approved there and waiting at 札幌市医師会, one filed a month ago at 北区支部 (overdue,
    and escalated to 札幌市医師会 by the process's timer), and a withdrawal from 札幌市医師会
    (which leaves 北海道医師会 and JMA too). Returns whether anything was added."""
    import datetime as dt

    import sqlalchemy as sa

    from membership import calendar, demo, notes
    from membership.actors import SYSTEM, Actor
    from membership.models import Facility, MembershipGroup, UserAccount

    from . import flows, runtime, tasks
    from .models import ProcessInstance

    accounts = demo.load_demo_applicants(session)
    if not accounts:
        return False
    facilities = {f.name: f.id for f in session.scalars(sa.select(Facility))}
    staff = {code: Actor.of(session.scalar(sa.select(UserAccount).where(UserAccount.login_id == f"staff@{code}")))
             for code in ("chuoeast", "kitaku", "sapporo")}
    first_of_next_month = (today_jst().replace(day=1) + dt.timedelta(days=32)).replace(day=1).isoformat()
    by_login = {login_id: facility for login_id, *_, facility, _ in demo.APPLICANTS}

    def enrol(login_id: str, duty: str, position: str, chain: list[tuple[str, str]]):
        return flows.submit_application(session, Actor.of(accounts[login_id]), {
            "kind": "enrolment", "desired_date": first_of_next_month, "facility_id": facilities[by_login[login_id]],
            "duty_code": duty, "position": position,
            "associations": [{"code": code, "category": category} for code, category in chain]})

    def open_task(code: str, application_id: int):
        return tasks.list_tasks(session, staff[code], application_id=application_id)[0][0]

    chain = [("chuoeast", "A-1"), ("sapporo", "A-1"), ("hokkaido", "A"), ("jma", "A1")]
    if "hokkaiichiro" in accounts:
        app = enrol("hokkaiichiro", "11", "開設者", chain)
        notes.add_note(session, staff["chuoeast"], app.id, "開設届の写しを確認中。来週の理事会に諮る予定。")
    if "chuojiro" in accounts:
        app = enrol("chuojiro", "13", "院長", [(code, "A-2" if category == "A-1" else category)
                                              for code, category in chain])
        tasks.complete_task(session, staff["chuoeast"], open_task("chuoeast", app.id).id, "approve",
                            "理事会（デモ）にて承認")
    if "odorimisaki" in accounts:
        app = enrol("odorimisaki", "22", "医長", [("chuoeast", "B-2"), ("sapporo", "B-2")])
        tasks.claim(session, staff["chuoeast"], open_task("chuoeast", app.id).id)
    if "kitashiro" in accounts:  # filed a month ago: its 15 business days are up
        filed = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        with calendar.counting_from(filed):
            app = enrol("kitashiro", "11", "開設者", [("kitaku", "A-1"), ("sapporo", "A-1")])
        app.created_at = app.submitted_at = open_task("kitaku", app.id).created_at = filed.replace(tzinfo=None)
        instance = session.scalar(sa.select(ProcessInstance.id).where(ProcessInstance.application_id == app.id))
        runtime.fire_timers(session, SYSTEM, instance)  # the boundary timer escalates it, as the beat job would
    if "susukinogoro" in accounts:
        group_id = session.scalar(sa.select(MembershipGroup.id).where(
            MembershipGroup.physician_id == accounts["susukinogoro"].physician_id))
        flows.submit_application(session, Actor.of(accounts["susukinogoro"]), {
            "kind": "withdrawal", "group_id": group_id, "associations": ["sapporo"],
            "desired_date": first_of_next_month, "reason": "retirement"})
    session.flush()
    return True
