"""Every screen and API route that takes an id, tried by roles that may not use it.

Outside one's scope a thing looks missing (404) — or, for a route of another role, forbidden
(403) — and the response never contains the member's data.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine import tasks
from membership.models import Physician, UserAccount

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment

OUTSIDERS = ["staff@tokyo", "staff@bunkyo", "staff@otaru", "designer01", "other-member"]


@pytest.fixture
def world(app, session):
    """A member of 中央区東支部 → 札幌市 → 北海道 → JMA with an application whose first task is open."""
    member = new_member(session, prefix="victim")
    app_row = file_enrolment(session, member)
    task = tasks.list_tasks(session, actor_for(session, "staff@chuoeast"), application_id=app_row.id)[0][0]
    other = new_member(session, prefix="other")
    session.flush()
    physician = session.get(Physician, member.physician_id)
    return {"member": member, "physician": physician, "application": app_row.id, "task": task.id,
            "other": other, "secret": physician.family_kana + physician.given_kana}


def _client(app, session, who, world):
    login_id = world["other"].login_id if who == "other-member" else who
    client = app.test_client()
    assert client.post("/login", data={"login_id": login_id, "password": "Mamis#2024"}).status_code == 302
    return client


def _token(app, who, world):
    login_id = world["other"].login_id if who == "other-member" else who
    r = app.test_client().post("/api/v1/auth/token", json={"login_id": login_id, "password": "Mamis#2024"})
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


SCREENS = [
    ("GET", "/members/{physician}"), ("GET", "/members/{physician}/profile"),
    ("POST", "/members/{physician}/profile"), ("POST", "/members/{physician}/credentials"),
    ("GET", "/mypage/applications/{application}"), ("POST", "/mypage/applications/{application}/cancel"),
    ("GET", "/apply/enrolment/done/{application}"), ("GET", "/inbox/tasks/{task}"), ("POST", "/inbox/tasks/{task}"),
]
API = [
    ("GET", "/api/v1/applications/{application}"), ("POST", "/api/v1/applications/{application}/cancel"),
    ("GET", "/api/v1/tasks/{task}"), ("POST", "/api/v1/tasks/{task}/claim"),
    ("POST", "/api/v1/tasks/{task}/unclaim"), ("POST", "/api/v1/tasks/{task}/complete"),
]


def _url(template, world):
    return template.format(physician=world["physician"].id, application=world["application"], task=world["task"])


@pytest.mark.parametrize("who", OUTSIDERS)
def test_screens_refuse_and_leak_nothing(app, session, world, who):
    client = _client(app, session, who, world)
    for method, template in SCREENS:
        url = _url(template, world)
        r = client.open(url, method=method, data={"decision": "approve"})
        body = r.get_data(as_text=True)
        if r.status_code == 302:  # the cancel form answers with a redirect; nothing may have happened
            assert "/login" not in r.headers["Location"], (who, url)
        else:
            assert r.status_code in (403, 404), (who, method, url, r.status_code)
        assert world["secret"] not in body, (who, url)
    session.expire_all()
    assert session.scalar(sa.select(UserAccount.must_change_credentials).where(
        UserAccount.id == world["member"].user_id)) is False
    assert tasks.get_task(session, actor_for(session, "staff@chuoeast"), world["task"]).status == "open"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_api_refuses_and_leaks_nothing(app, session, world, who):
    headers = _token(app, who, world)
    client = app.test_client()
    for method, template in API:
        url = _url(template, world)
        r = client.open(url, method=method, headers=headers, json={"decision": "approve", "comment": ""})
        assert r.status_code in (403, 404), (who, method, url, r.status_code)
        assert world["secret"] not in r.get_data(as_text=True), (who, url)
    session.expire_all()
    assert tasks.get_task(session, actor_for(session, "staff@chuoeast"), world["task"]).status == "open"
