"""会費減免 candidates: the decision is taken once per (age, years since graduation), not per member,
and every member still gets the reasons of their own pair."""

from __future__ import annotations

import datetime as dt

from membership import fee_reductions
from membership.models import Physician

from ..conftest import actor_for
from ..helpers import approved_member

CHAIN = [("otaru", "A-1")]


def test_each_pair_is_decided_once_and_every_member_gets_its_own(session):
    births = [dt.date(1940, 5, 1), dt.date(1940, 5, 1), dt.date(1990, 5, 1), None]
    for birth in births:
        member, _ = approved_member(session, CHAIN, prefix="fee")
        session.get(Physician, member.physician_id).birth_date = birth
    session.flush()
    calls = []

    def decide(data):
        calls.append((data["age"], data["years_since_graduation"]))
        return ["elderly"] if data["age"] >= 75 else []

    on = dt.date(2026, 4, 1)
    rows = fee_reductions.candidates(session, actor_for(session, "staff@otaru"), decide, on=on)
    assert len(calls) == len(set(calls))  # one decision per pair
    assert (85, 999) in calls and (35, 999) in calls and (-1, 999) in calls
    elderly = [r for r in rows if r["physician"].birth_date == dt.date(1940, 5, 1)]
    assert len(elderly) >= 2 and all(r["reasons"] == ["elderly"] and r["age"] == 85 for r in elderly)
    assert all(r["age"] is not None and r["age"] >= 75 for r in rows)  # nobody else qualifies
