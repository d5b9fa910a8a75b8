"""The dry run of a decision table's draft (engine.decision_check): the review page decides every
combination the tables name with the deployed version and with the draft, lists what changes,
counts who could apply for certification before and after, and asks for a tick when the draft
cannot evaluate a combination."""

from __future__ import annotations

import datetime as dt
import json
import re

from engine import decision_check, deploy

from ..conftest import ROOT, new_member
from ..helpers import login_client as login

REQUIREMENTS = (ROOT / "processes/certification/certification_requirements.dmn").read_text(encoding="utf-8")
FEES = (ROOT / "processes/fee_reduction/fee_reduction_candidates.dmn").read_text(encoding="utf-8")


def _csrf(client, key):
    page = client.get(f"/designer/processes/{key}/edit").get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="modeler-config">(.*?)</script>', page,
                                re.S).group(1))["csrf"]


def _save(client, key, xml):
    r = client.put(f"/designer/processes/{key}/draft", data=xml, content_type="application/xml",
                   headers={"X-CSRFToken": _csrf(client, key), "X-Draft-Revision": "0"})
    assert r.status_code in (200, 201) and r.get_json()["problems"] == [], r.get_data(as_text=True)


def _eligible_for_occupational(session):
    """A physician with exactly the credits a new 認定産業医 needs (14 + 10 + 26)."""
    from membership import certifications

    member = new_member(session, "dmnrun")
    today = dt.date.today()
    for category, credits in (("basic_early", 14), ("basic_practical", 10), ("basic_late", 26)):
        certifications.add_credits(session, None, member.physician_id, "occupational", category, credits,
                                   today - dt.timedelta(days=30), "session", "dmn-dry-run")
    session.flush()
    return member


def test_raising_a_requirement_lists_the_changed_case_and_who_could_no_longer_apply(app, session):
    _eligible_for_occupational(session)
    stricter = REQUIREMENTS.replace("<text>14</text>", "<text>20</text>", 1)
    designer = login(app, "designer01")
    _save(designer, "certification_requirements", stricter)
    page = designer.get("/designer/processes/certification_requirements/review").get_data(as_text=True)
    assert 'id="decision-title"' in page and 'id="dry-run-table"' not in page  # no application replay
    summary = re.search(r'id="decision-summary">(.*?)</p>', page, re.S).group(1)
    assert "結果が変わる組合せ: 1 /" in summary
    table = re.search(r'id="decision-table".*?</table>', page, re.S).group(0)
    assert "<code>\"occupational\"</code>" in table and "<code>\"new\"</code>" in table
    assert "minimum=14" in table and "minimum=20" in table
    row = re.search(r'<tr data-system="occupational">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    checked, before, after, gained, lost = (int(c) for c in cells[1:])
    assert checked >= 1 and before >= 1 and lost >= 1 and after == before - lost and gained == 0
    assert 'id="risk-failing"' not in page  # a change, not a failure: no tick needed


def test_lowering_an_age_boundary_is_seen_on_both_sides_of_it(session):
    younger = FEES.replace("&gt;= 80", "&gt;= 75")
    found = decision_check.check(session, "fee_reduction_candidates", younger)
    changed = {(c.inputs["age"], c.inputs["years_since_graduation"]): (c.before, c.after) for c in found.changed}
    assert changed[(75, 6)] == ({}, {"reason": ["age"]})  # newly a candidate
    assert (74, 6) not in changed and (80, 6) not in changed  # below the new boundary, above the old
    assert changed[(76, 0)] == ({"reason": ["graduation"]}, {"reason": ["age", "graduation"]})
    assert not found.failing and found.impact == []


def test_a_draft_that_cannot_evaluate_a_case_is_deployed_only_when_confirmed(app, session):
    broken = REQUIREMENTS.replace("<text>&quot;new&quot;</text>", "<text>&gt; 5</text>", 1)  # "new" > 5
    designer = login(app, "designer01")
    _save(designer, "certification_requirements", broken)
    page = designer.get("/designer/processes/certification_requirements/review").get_data(as_text=True)
    assert "評価できない組合せ" in page and 'id="risk-failing"' in page and 'name="confirm"' in page
    assert "Rule failed on row 1" in page  # the cell at fault, named
    before = deploy.latest(session, "certification_requirements").version
    csrf = _csrf(designer, "certification_requirements")
    r = designer.post("/designer/processes/certification_requirements/deploy",
                      data={"csrf_token": csrf, "revision": "1"}, follow_redirects=True)
    assert "チェックを入れてください" in r.get_data(as_text=True)
    assert deploy.latest(session, "certification_requirements").version == before
    r = designer.post("/designer/processes/certification_requirements/deploy",
                      data={"csrf_token": csrf, "revision": "1", "confirm": "y"})
    assert r.status_code == 302 and deploy.latest(session, "certification_requirements").version == before + 1


def test_an_unchanged_table_changes_no_case(session):
    found = decision_check.check(session, "certification_requirements", REQUIREMENTS)
    assert len(found.cases) >= 8 and found.changed == [] and not found.broken
    assert {c.inputs["system"] for c in found.cases} >= {"occupational", "sports", "lifelong", "primary_care"}
    assert all(i.gained == 0 and i.lost == 0 for i in found.impact)


def test_the_api_gives_the_same_check_and_refuses_a_process_draft(app, session):
    designer = login(app, "designer01")
    _save(designer, "certification_requirements", REQUIREMENTS.replace("<text>14</text>", "<text>20</text>", 1))
    token = app.test_client().post("/api/v1/auth/token", json={"login_id": "designer01", "password": "Mamis#2024"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    body = app.test_client().get("/api/v1/process-definitions/certification_requirements/draft/decision-check",
                                 headers=headers).get_json()
    assert [i["name"] for i in body["inputs"]] == ["system", "mode"] and body["broken"] is None
    [changed] = [c for c in body["cases"] if c["changed"]]
    assert changed["inputs"] == {"system": "occupational", "mode": "new"}
    assert changed["deployed"]["minimum"][0] == 14 and changed["draft"]["minimum"][0] == 20
    assert {i["system"] for i in body["impact"]} == {"occupational", "sports", "lifelong", "primary_care"}
    member = app.test_client().post("/api/v1/auth/token", json={"login_id": "nichiitaro", "password": "Mamis#2024"})
    r = app.test_client().get("/api/v1/process-definitions/certification_requirements/draft/decision-check",
                              headers={"Authorization": f"Bearer {member.get_json()['token']}"})
    assert r.status_code == 403

    review = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")
    _save(designer, "layer_review", review.replace('name="', 'name="改 ', 1))
    r = app.test_client().get("/api/v1/process-definitions/layer_review/draft/decision-check", headers=headers)
    assert r.status_code == 409 and "判定表（DMN）ではありません" in r.get_json()["error"]["message"]


def test_a_broken_table_deployed_with_the_tick_can_still_be_reviewed_and_rolled_back(app, session):
    """The deployed side failing is shown, not a 500: the designer can review the fix. Meanwhile
    the screens that use the table say the process is at fault, not a bare error."""
    broken = FEES.replace("&gt;= 80", "&gt; \"x\"")
    deploy.deploy(session, None, broken, "fee_reduction_candidates.dmn")
    session.flush()
    r = login(app, "staff@otaru").get("/members/fee-reduction/candidates")
    assert r.status_code == 500 and "プロセス）に誤りがある" in r.get_data(as_text=True)
    designer = login(app, "designer01")
    _save(designer, "fee_reduction_candidates", FEES)  # the table as it was
    page = designer.get("/designer/processes/fee_reduction_candidates/review")
    assert page.status_code == 200
    table = re.search(r'id="decision-table".*?</table>', page.get_data(as_text=True), re.S).group(0)
    assert "評価できません" in table and "reason=age" in table  # the deployed side fails, the draft decides
    found = decision_check.check(session, "fee_reduction_candidates", FEES)
    assert found.failing == [] and all(c.before_error for c in found.cases)


def test_two_rules_of_a_unique_table_that_match_one_case_are_named_and_need_a_tick(app, session):
    """UNIQUE means one rule may match; the engine takes the first and ignores the rest. The dry
    run names each case two rules match, with their rows, and deploying needs a tick."""
    unique = FEES.replace('hitPolicy="COLLECT"', 'hitPolicy="UNIQUE"')
    checked = decision_check.check(session, "fee_reduction_candidates", unique, impact=False)
    overlapping = {(c.inputs["age"], c.inputs["years_since_graduation"]): c.overlap for c in checked.overlapping}
    assert overlapping and all(rows == [1, 2] for rows in overlapping.values())
    assert all(age >= 80 and 0 <= years < 5 for age, years in overlapping)
    assert not decision_check.check(session, "fee_reduction_candidates", FEES, impact=False).overlapping  # COLLECT
    designer = login(app, "designer01")
    _save(designer, "fee_reduction_candidates", unique)
    page = designer.get("/designer/processes/fee_reduction_candidates/review").get_data(as_text=True)
    assert 'id="decision-overlaps"' in page and 'id="risk-overlap"' in page and 'name="confirm"' in page
    before = deploy.latest(session, "fee_reduction_candidates").version
    designer.post("/designer/processes/fee_reduction_candidates/deploy",
                  data={"csrf_token": _csrf(designer, "fee_reduction_candidates"), "revision": "1"})
    assert deploy.latest(session, "fee_reduction_candidates").version == before
