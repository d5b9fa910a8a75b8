"""Process definitions are deployed as immutable, numbered versions; instances keep theirs."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engine import deploy, tasks
from engine.models import ProcessDefinition, ProcessInstance

from ..conftest import ROOT, actor_for, new_member
from ..helpers import at_once, file_enrolment, open_task_for

REVIEW = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")


def renamed(xml: str, name: str) -> str:
    return xml.replace('name="事務局の審査"', f'name="{name}"')


def test_unchanged_content_is_not_a_new_version(session):
    before = deploy.latest(session, "layer_review")
    results = deploy.deploy_directory(session, None, ROOT / "processes")
    assert {d.key for d, state in results if state == "unchanged"} == {
        "enrolment", "layer_review", "transfer", "withdrawal", "certification", "certification_requirements",
        "training_session", "fee_reduction", "fee_reduction_candidates", "fee_review"}
    assert deploy.latest(session, "layer_review").id == before.id


def test_a_broken_file_is_named_by_the_cli_and_nothing_is_deployed(app, session, tmp_path):
    """`flask processes deploy` over a folder with one file that is not XML: exit 2, the file named
    beside the parser's message, no version written."""
    import shutil

    folder = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", folder)
    (folder / "transfer" / "zz.bpmn").write_text("not xml", encoding="utf-8")
    before = session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition))
    app.config["PROCESSES_DIR"], saved = str(folder), app.config["PROCESSES_DIR"]
    try:
        result = app.test_cli_runner().invoke(args=["processes", "deploy"])
    finally:
        app.config["PROCESSES_DIR"] = saved
    assert result.exit_code == 2
    assert "transfer/zz.bpmn: " in result.output  # (stderr is part of the output)
    assert session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition)) == before


def test_the_cli_says_how_many_applications_stay_on_the_version_before(app, session, tmp_path):
    """A release's process change reaches new applications only: the operator is told how many
    running ones stay on the version before, and how to move them."""
    import shutil

    file_enrolment(session, new_member(session))  # one under way on the current version
    current = deploy.latest(session, "layer_review").version
    folder = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", folder)
    (folder / "layer_review" / "layer_review.bpmn").write_text(renamed(REVIEW, "リリース後の審査"), encoding="utf-8")
    app.config["PROCESSES_DIR"], saved = str(folder), app.config["PROCESSES_DIR"]
    try:
        result = app.test_cli_runner().invoke(args=["processes", "deploy", "--force"])
    finally:
        app.config["PROCESSES_DIR"] = saved
    assert result.exit_code == 0, result.output
    assert f"layer_review v{current + 1} deployed" in result.output
    assert re.search(rf"  \d+ running on v{current}: move them from the process library", result.output), result.output


def test_the_files_do_not_undo_a_designers_version_at_the_next_start(session):
    designer = actor_for(session, "designer01")
    ours, created = deploy.deploy(session, designer, renamed(REVIEW, "理事会前の審査"), "layer_review.bpmn",
                                  note="理事会の前に")
    assert created
    results = {d.key: (d, state) for d, state in deploy.deploy_directory(session, None, ROOT / "processes")}
    assert results["layer_review"] == (ours, "kept") and deploy.latest(session, "layer_review").id == ours.id
    assert results["enrolment"][1] == "unchanged"
    # an operator who means the files to win says so
    forced = {d.key: (d, state) for d, state in deploy.deploy_directory(session, None, ROOT / "processes",
                                                                        force=True)}
    restored, state = forced["layer_review"]
    assert state == "deployed" and restored.version == ours.version + 1 and restored.xml == REVIEW


def test_changed_content_is_the_next_version_and_running_instances_keep_theirs(session):
    member = new_member(session)
    old_app = file_enrolment(session, member, chain=[("otaru", "A-1")])
    v_old = deploy.latest(session, "layer_review").version
    definition, created = deploy.deploy(session, None, renamed(REVIEW, "一次審査"), "layer_review.bpmn")
    assert created and definition.version == v_old + 1
    # the old version is still there, unchanged
    old = session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == "layer_review",
                                                            ProcessDefinition.version == v_old))
    assert 'name="事務局の審査"' in old.xml
    # the running instance keeps the name of its own version; a new one gets the new name
    staff = actor_for(session, "staff@otaru")
    assert open_task_for(session, staff, old_app.id).name == "事務局の審査"
    new_app = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    assert open_task_for(session, staff, new_app.id).name == "一次審査"
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == new_app.id))
    assert instance.definition_ids["layer_review"] == definition.id
    tasks.complete_task(session, staff, open_task_for(session, staff, old_app.id).id, "approve")
    session.refresh(old_app)
    assert old_app.status == "approved"


SCRIPT_TASK = REVIEW.replace(
    '<bpmn:serviceTask id="reject_part" name="却下">',
    '<bpmn:scriptTask id="evil"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
    '<bpmn:serviceTask id="reject_part" name="却下">')


@pytest.mark.parametrize("xml, fragment", [
    (SCRIPT_TASK, "Script tasks are not allowed"),
    (REVIEW.replace('id="application.reject_part"', 'id="os.system"'), "no service operation"),
    (REVIEW.replace('decision == "reject"', "__import__('os')"), "only these functions"),
    (REVIEW.replace('value="part[&quot;association&quot;]"', 'value="part.__class__"'), "not allowed"),
    (REVIEW.replace("<bpmn:endEvent id=\"end_rejected\" name=\"却下\">",
                    "<bpmn:endEvent id=\"end_rejected\" name=\"却下\"><bpmn:compensateEventDefinition />"),
     "Compensation"),
    ("<not-bpmn", "XML"),
    (REVIEW.replace('targetRef="open_review" />', 'targetRef="nowhere" />', 1), ""),
])
def test_unsafe_or_broken_definitions_are_refused(session, xml, fragment):
    count = session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition))
    with pytest.raises(deploy.InvalidDefinition) as err:
        deploy.deploy(session, None, xml, "layer_review.bpmn")
    assert fragment in "; ".join(err.value.errors)
    assert session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition)) == count


def test_a_call_to_an_undeployed_process_is_refused(session):
    xml = (ROOT / "processes/enrolment/enrolment.bpmn").read_text(encoding="utf-8").replace(
        'calledElement="layer_review"', 'calledElement="not_there"')
    with pytest.raises(deploy.InvalidDefinition) as err:
        deploy.deploy(session, None, xml, "enrolment.bpmn")
    assert "not_there" in err.value.errors[0]


@pytest.mark.commits
def test_two_deploys_of_one_change_at_once_make_one_version(db_engine, monkeypatch):
    """The loser of two simultaneous deploys is told (a conflict) or finds the version already
    there — never a database error, never two versions."""
    import threading
    import uuid

    from sqlalchemy.orm import Session

    from membership.errors import Conflict

    key = f"race_{uuid.uuid4().hex[:8]}"  # a process of its own: what it commits touches no other test
    with Session(db_engine) as s:
        xml = deploy.latest(s, "layer_review").xml.replace('"layer_review"', f'"{key}"')
    real_check = deploy.check_bpmn
    barrier = threading.Barrier(2)

    def check_then_meet(*args, **kwargs):
        found = real_check(*args, **kwargs)
        barrier.wait(5)  # both have read the latest version before either inserts the next
        return found

    monkeypatch.setattr(deploy, "check_bpmn", check_then_meet)
    outcomes: list[str] = []

    def run():
        with Session(db_engine) as s:
            try:
                _, created = deploy.deploy(s, None, xml, f"{key}.bpmn")
                s.commit()
                outcomes.append("created" if created else "unchanged")
            except Conflict:
                s.rollback()
                outcomes.append("conflict")

    at_once(run, run)
    assert sorted(outcomes)[0] in ("conflict", "created") and "created" in outcomes and len(outcomes) == 2
    with Session(db_engine) as s:
        assert deploy.latest(s, key).version == 1


def test_the_library_counts_the_instances_running_a_called_version(session):
    def running_on_review():
        [entry] = [e for e in deploy.library(session) if e["key"] == "layer_review"]
        return {v["version"]: v["running"] for v in entry["versions"]}

    before = running_on_review()
    file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    session.flush()
    after = running_on_review()
    latest = deploy.latest(session, "layer_review").version
    assert after[latest] == before.get(latest, 0) + 1  # the enrolment calls it: it runs there
