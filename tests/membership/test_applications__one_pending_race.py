"""Two certification applications for the same system sent at the same moment: one is filed,
the other is refused as pending (the physician's filings are serialised)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from engine import flows
from membership import certifications
from membership.errors import ValidationFailed
from membership.fields import today_jst
from membership.models import Application

from ..helpers import approved_member

pytestmark = pytest.mark.commits


def test_one_pending_certification_even_when_sent_twice_at_once(db_engine, monkeypatch):
    with Session(db_engine, expire_on_commit=False) as s:
        member, _ = approved_member(s, chain=[("sapporo", "A-1"), ("hokkaido", "A"), ("jma", "A1")], prefix="twice")
        for category, amount in (("basic_early", 14), ("basic_practical", 10), ("basic_late", 26)):
            certifications.add_credits(s, member, member.physician_id, "occupational", category, amount,
                                       today_jst() - dt.timedelta(days=3), "session")
        s.commit()

    real = certifications.eligibility
    first_inside = threading.Event()

    def slow(*args, **kwargs):
        found = real(*args, **kwargs)
        if not first_inside.is_set():
            first_inside.set()
            time.sleep(0.6)  # the first filing is between its check and its insert
        return found

    monkeypatch.setattr(certifications, "eligibility", slow)
    outcomes: list[str] = []

    def attempt():
        with Session(db_engine, expire_on_commit=False) as s:
            try:
                flows.submit_application(s, member, {"kind": "certification", "system": "occupational"})
                s.commit()
                outcomes.append("ok")
            except ValidationFailed as exc:
                s.rollback()
                outcomes.append(exc.fields["system"][0])

    first = threading.Thread(target=attempt)
    first.start()
    assert first_inside.wait(5)
    second = threading.Thread(target=attempt)
    second.start()
    first.join(20)
    second.join(20)
    assert sorted(outcomes) == ["certification_pending", "ok"]
    with Session(db_engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.physician_id == member.physician_id, Application.kind == "certification")) == 1
