"""The process library for designers: versions, who deployed them, instances on each, downloads."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine import deploy
from membership.actors import Actor
from membership.models import UserAccount

from ..conftest import new_member
from ..helpers import file_enrolment
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def test_the_library_lists_versions_with_their_instances_and_downloads(app, session):
    designer = Actor.of(session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "designer01")))
    xml = deploy.latest(session, "enrolment").xml.replace('name="医師会の審査"', 'name="医師会の審査（新）"')
    v2, created = deploy.deploy(session, designer, xml, "enrolment.bpmn")
    assert created
    file_enrolment(session, new_member(session))
    session.flush()

    client = login(app, "designer01")
    r = client.get("/designer/processes")
    assert r.status_code == 200
    section = re.search(r'<section class="card process" id="process-enrolment".*?</section>', text(r), re.S).group(0)
    assert f"最新版 v{v2.version}" in section
    newest = re.search(rf"<tr><td>v{v2.version}</td>.*?</tr>", section, re.S).group(0)
    assert f"<td>{designer.name}</td>" in newest  # who deployed it
    assert '<td class="running">1</td>' in newest  # the new application runs on the new version
    assert "layer_review" in newest and "呼び出しプロセス" in text(r)  # layer_review is called by others
    got = client.get(f"/designer/processes/enrolment/versions/{v2.version}.bpmn")
    assert got.status_code == 200 and "医師会の審査（新）" in got.get_data(as_text=True)
    assert f'enrolment-v{v2.version}.bpmn' in got.headers["Content-Disposition"]
    assert client.get("/designer/processes/enrolment/versions/999.bpmn").status_code == 404
    # members and secretariats do not see it
    assert login(app, "staff@chuoeast").get("/designer/processes").status_code == 403
    assert login(app, "admin001").get("/designer/processes").status_code == 200
