"""Within a group, a membership at layer k requires the memberships below it in that chain."""

from __future__ import annotations

import pytest

from engine import tasks
from engine.models import HumanTask
from membership import applications, memberships
from membership.memberships import ChainBroken

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment, open_task_for


@pytest.mark.inconsistent  # a part forced into review out of order, to show the guard
def test_an_upper_layer_cannot_start_before_the_layer_below(session):
    member = new_member(session)
    app = file_enrolment(session, member)
    upper = app.parts[1]  # sapporo, while chuoeast (layer 4) is still under review
    upper.status = "in_review"
    with pytest.raises(ChainBroken):
        applications.approve_part(session, actor_for(session, "staff@sapporo"), upper.id)


@pytest.mark.inconsistent  # a membership ended by hand, to show the guard
def test_the_rule_holds_for_existing_memberships_of_the_group(session):
    member = new_member(session)
    app = file_enrolment(session, member, chain=[("otaru", "A-1"), ("hokkaido", "A")])
    task = open_task_for(session, actor_for(session, "staff@otaru"), app.id)
    tasks.complete_task(session, actor_for(session, "staff@otaru"), task.id, "approve")
    otaru = memberships.memberships_of(session, member.physician_id)[0]
    otaru.status = "ended"  # the lower membership ended meanwhile
    session.flush()
    upper = open_task_for(session, actor_for(session, "staff@hokkaido"), app.id)
    session.commit()  # releases a savepoint: what the failed step must roll back to
    with pytest.raises(ChainBroken):
        tasks.complete_task(session, actor_for(session, "staff@hokkaido"), upper.id, "approve")
    session.rollback()
    assert session.get(HumanTask, upper.id).status == "open"
