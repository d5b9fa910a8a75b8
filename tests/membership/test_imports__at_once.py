"""Two member imports of the same file at once (one office, two browsers): they run one after
the other, so the second finds the first's members and adds nothing — no duplicate membership,
no database error — and the integrity check would say so if it ever happened."""

from __future__ import annotations

import functools
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import imports, integrity
from membership.actors import Actor
from membership.models import Membership, Physician, UserAccount

from ..helpers import at_once
from ..webapp.test_members__import_export import csv_bytes, numbers

pytestmark = pytest.mark.commits


def test_two_imports_of_one_file_at_once_make_each_member_once(db_engine):
    registry = numbers(4)
    rows = [[n, "同時", "一郎", "ドウジ", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"] for n in registry]
    raw = csv_bytes(rows)
    with Session(db_engine, expire_on_commit=False) as s:
        # the office's one account in two browsers (no account is added: other tests count them)
        clerk = Actor.of(s.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@otaru")))
    clerks = [clerk, clerk]
    barrier = threading.Barrier(2)
    created: list[int] = []

    def run(clerk):
        barrier.wait()
        with Session(db_engine, expire_on_commit=False) as s:
            created.append(imports.import_members(s, clerk, raw))
            s.commit()

    at_once(*(functools.partial(run, c) for c in clerks))
    assert sorted(created) == [0, 4]
    with Session(db_engine) as s:
        ids = s.scalars(sa.select(Physician.id).where(Physician.registry_number.in_(registry))).all()
        assert len(ids) == 4
        assert s.scalar(sa.select(sa.func.count()).select_from(Membership)
                        .where(Membership.physician_id.in_(ids))) == 4
        assert integrity.check_one_membership_per_association(s) == []
