"""Work that checks and then writes, done twice at the same moment (two admins, two clerks, a
double click): the second waits for the first and sees what it wrote, so nothing is written
twice and nobody gets a database error. Each test makes the first slow inside its check, so the
second really arrives meanwhile."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import calendar, categories, certifications, credit_imports, drafts
from membership.actors import Actor
from membership.db import lost_a_race
from membership.errors import Conflict, NotFound, ValidationFailed
from membership.fields import today_jst
from membership.models import AuditEvent, Certificate, ClosedDay, CreditEntry, MemberCategory, Physician, UserAccount

from ..conftest import actor_for, new_member

pytestmark = pytest.mark.commits


def _first_then_second(slow_target, name: str, monkeypatch, attempt, args: tuple) -> None:
    """Run attempt(args[0]) until it is inside `slow_target.name` (held there 0.6 s), then
    attempt(args[1]) beside it; wait for both."""
    real = getattr(slow_target, name)
    first_inside = threading.Event()

    def slow(*a, **kw):
        found = real(*a, **kw)
        if not first_inside.is_set():
            first_inside.set()
            time.sleep(0.6)
        return found

    monkeypatch.setattr(slow_target, name, slow)
    first = threading.Thread(target=attempt, args=(args[0],))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=attempt, args=(args[1],))
    second.start()
    first.join(30)
    second.join(30)


def _admins(s) -> list[Actor]:
    return [Actor.of(a) for a in s.scalars(sa.select(UserAccount).where(UserAccount.role == "admin")
                                          .order_by(UserAccount.id).limit(2))] * 2


def test_one_credit_file_imported_twice_at_once_adds_each_credit_once(db_engine, monkeypatch):
    with Session(db_engine, expire_on_commit=False) as s:
        member = new_member(s, "crd")
        number = f"{uuid.uuid4().int % 900000 + 100000}"
        s.get(Physician, member.physician_id).registry_number = number
        s.commit()
        admins = _admins(s)[:2]
    raw = ("医籍登録番号,制度,区分,単位数,取得日,取得方法,内容\n" + "".join(
        f"{number},lifelong,e_learning,0.5,{today_jst().isoformat()},e_learning,講座{i}\n" for i in range(5))).encode()
    added: list[int] = []

    def attempt(admin):
        with Session(db_engine, expire_on_commit=False) as s:
            added.append(credit_imports.import_credits(s, admin, raw))
            s.commit()

    _first_then_second(credit_imports, "add_credits", monkeypatch, attempt, admins)  # after its read
    assert sorted(added) == [0, 5]
    with Session(db_engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(CreditEntry).where(
            CreditEntry.physician_id == member.physician_id)) == 5


def test_two_certificates_issued_at_once_get_two_numbers_and_skip_an_imported_one(db_engine, monkeypatch):
    """The number is the system's count plus one, chosen under a lock until the commit; a number an
    import took already is skipped."""
    year = 2099  # a year no other test issues in
    with Session(db_engine, expire_on_commit=False) as s:
        doctors = [new_member(s, "num") for _ in range(2)]
        count = s.scalar(sa.select(sa.func.count()).select_from(Certificate).where(Certificate.system == "sports"))
        # JMA's own numbering imported: the number the count will give next (the import counts too) is taken
        certifications.add_existing(s, None, doctors[0].physician_id, "sports", f"SP{year}-{count + 2:06d}",
                                    dt.date(2024, 4, 1), dt.date(2029, 3, 31))
        s.commit()
    numbers: list[str] = []

    def attempt(doctor):
        with Session(db_engine, expire_on_commit=False) as s:
            number = certifications._next_number(s, "sports", year)
            s.add(Certificate(physician_id=doctor.physician_id, system="sports", mode="new", number=number,
                              valid_from=dt.date(year, 4, 1), valid_until=dt.date(year + 4, 3, 31),
                              verification_code=uuid.uuid4().hex[:16]))
            s.commit()
            numbers.append(number)

    _first_then_second(certifications, "by_number", monkeypatch, attempt, doctors)
    assert sorted(numbers) == [f"SP{year}-{count + 3:06d}", f"SP{year}-{count + 4:06d}"]


def test_the_last_two_categories_retired_at_once_leave_one_on_offer(db_engine, monkeypatch):
    code = f"R{uuid.uuid4().hex[:5].upper()}"
    with Session(db_engine, expire_on_commit=False) as s:
        clerk = actor_for(s, "staff@kitaku")
        association = clerk.association_id
        for row in s.scalars(sa.select(MemberCategory).where(MemberCategory.association_id == association,
                                                             MemberCategory.retired_at.is_(None))):
            row.retired_at = dt.datetime(2026, 1, 1)  # this test's two only (given back at the end)
        retired_before = [r.id for r in s.scalars(sa.select(MemberCategory).where(
            MemberCategory.association_id == association, MemberCategory.retired_at == dt.datetime(2026, 1, 1)))]
        pair = [categories.add_category(s, clerk, "kitaku", {"code": f"{code}{i}", "label": f"区分{i}"}).id
                for i in (1, 2)]
        s.commit()
    outcomes: list[str] = []

    def attempt(category_id):
        with Session(db_engine, expire_on_commit=False) as s:
            try:
                categories.set_retired(s, clerk, "kitaku", category_id, True)
                s.commit()
                outcomes.append("retired")
            except ValidationFailed as exc:
                s.rollback()
                outcomes.append(exc.fields["category"][0])

    try:
        # slow after the first has counted and retired, before its commit
        _first_then_second(categories.audit, "record", monkeypatch, attempt, pair)
        assert sorted(outcomes) == ["last_category", "retired"]
        with Session(db_engine) as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(MemberCategory).where(
                MemberCategory.association_id == association, MemberCategory.retired_at.is_(None))) == 1
    finally:
        with Session(db_engine) as s:
            s.execute(sa.update(MemberCategory).where(MemberCategory.id.in_(retired_before)).values(retired_at=None))
            s.commit()


def test_a_closed_day_deleted_twice_at_once_is_deleted_and_audited_once(db_engine, monkeypatch):
    with Session(db_engine, expire_on_commit=False) as s:
        admins = _admins(s)[:2]
        day = dt.date(2098, 12, 29) + dt.timedelta(days=uuid.uuid4().int % 300)
        row = calendar.add_closed_day(s, admins[0], "jma", day.isoformat(), "年末年始")
        s.commit()
        row_id = row.id
    outcomes: list[str] = []

    def attempt(admin):
        with Session(db_engine, expire_on_commit=False) as s:
            try:
                calendar.remove_closed_day(s, admin, row_id)
                s.commit()
                outcomes.append("removed")
            except NotFound:
                s.rollback()
                outcomes.append("gone")

    _first_then_second(calendar, "_forget", monkeypatch, attempt, admins)
    assert sorted(outcomes) == ["gone", "removed"]
    with Session(db_engine) as s:
        assert s.get(ClosedDay, row_id) is None
        removed = s.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "closed_day.remove")).all()
        assert [d["on_date"] for d in removed].count(day.isoformat()) == 1


def test_a_draft_saved_after_it_was_filed_elsewhere_is_refused_as_filed(db_engine):
    with Session(db_engine, expire_on_commit=False) as s:
        member = new_member(s, "drf")
        draft = drafts.start(s, member, "enrolment", member.user_id)
        s.commit()
        with Session(db_engine) as other:  # the other tab files it (the filing deletes the draft)
            other.delete(other.get(type(draft), draft.id))
            other.commit()
        with pytest.raises(Conflict) as refused:
            drafts.save(s, member, draft, "input", desired_date="2027-04-01")
        assert refused.value.message_key == "draft_filed"


def test_a_unique_key_taken_by_another_transaction_is_told_apart(db_engine):
    with Session(db_engine) as s:
        taken = s.scalar(sa.select(UserAccount.login_id).limit(1))
        s.add(UserAccount(login_id=taken, password_hash="x", role="member"))
        with pytest.raises(sa.exc.IntegrityError) as raised:
            s.flush()
        s.rollback()
    assert lost_a_race(raised.value)
    assert not lost_a_race(ValueError("UNIQUE constraint failed"))
