"""One BPMN file per construct that must not be deployed (tests/engine/rejected/*.bpmn).

Each file says on its first comment line which element the problem must point at and which
problem it is (`expect: <element> <code>`; `-` for the whole file).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine import deploy, validation
from engine.models import ProcessDefinition
from forms.inbox import FORMS

REJECTED = sorted((Path(__file__).parent / "rejected").glob("*.bpmn"))
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _form_keys():
    validation.register_form_keys(FORMS)


def _expectation(path: Path) -> tuple[str | None, str]:
    element, code = re.search(r"<!-- expect: (\S+) (\S+) -->", path.read_text(encoding="utf-8")).groups()
    return (None if element == "-" else element), code


@pytest.mark.parametrize("path", REJECTED, ids=[p.stem for p in REJECTED])
def test_each_rejected_construct_is_refused_pointing_at_its_element(session, path):
    element, code = _expectation(path)
    before = session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition))
    with pytest.raises(deploy.InvalidDefinition) as err:
        deploy.deploy(session, None, path.read_text(encoding="utf-8"), path.name)
    found = [p.as_dict("ja") for p in err.value.problems]
    assert any(p["code"] == code and (element is None or p["element"] == element) for p in found), found
    # the message is in Japanese for the screens, and names no Python internals
    assert all(re.search(r"[ぁ-んァ-ン一-龥]", p["message"]) for p in found), found
    assert session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition)) == before


def test_the_shipped_processes_have_no_problems():
    for path in sorted((ROOT / "processes").glob("*/*.bpmn")):
        checked, problems = validation.problems_of(path.read_bytes(), path.name, known_calls=lambda key: True)
        assert problems == [], (path, [str(p) for p in problems])
        assert checked.key == path.stem


def test_messages_follow_the_language():
    problem = validation.Problem("review", "bpmn.unknown_form_key", {"form_key": "x", "known": "review_decision"})
    assert "フォームキー" in problem.render("ja")
    assert "form key" in problem.render("en")
    assert str(problem).startswith("review: ")


def test_a_file_that_is_not_xml_says_where_in_the_designers_language():
    _, found = validation.problems_of("<definitions>\n  <task></definitions>")
    assert [p.key for p in found] == ["bpmn.xml"]
    text = found[0].render("ja")
    assert text.startswith("XMLとして読めません（2行") and "line 2, column" not in text


@pytest.mark.parametrize(("condition", "ja", "en"), [
    ("decision.upper", "属性アクセス", "not allowed in an expression: Attribute"),
    ("open('x')", "呼び出せる関数は次のものだけです", "only these functions may be called"),
    ("len(decision, key=1)", "キーワード引数", "keyword arguments are not allowed"),
    ("__import__", "「_」で始まる名前（__import__）", "name not allowed: __import__"),
    ("decision ==", "式の書き方に誤りがあります", "syntax error"),
])
def test_a_refused_expression_says_why_in_the_designers_language(condition, ja, en):
    """The evaluator's reason is part of the message, in Japanese on a Japanese screen (it was
    English inside the Japanese sentence)."""
    xml = (Path(__file__).parent / "rejected" / "unsafe_condition.bpmn").read_text(encoding="utf-8")
    xml = re.sub(r"(<bpmn:conditionExpression[^>]*>)[^<]*(<)", lambda m: m.group(1) + condition.replace(
        "<", "&lt;") + m.group(2), xml, count=1)
    _, found = validation.problems_of(xml, "unsafe_condition.bpmn")
    [problem] = [p for p in found if p.key == "bpmn.condition"]
    assert ja in problem.render("ja") and en not in problem.render("ja")
    assert en in problem.render("en")


@pytest.mark.parametrize(("tag", "text", "reads"), [
    ("timeDuration", '"P5D"', True), ("timeDuration", '"PT1H30M"', True), ("timeDuration", '"P1W"', True),
    ("timeDuration", '"P5X"', False), ("timeDuration", '"P"', False), ("timeDuration", '"5D"', False),
    ("timeDuration", "5", False), ("timeDuration", "deadline_duration", True),
    ("timeDate", '"2027-04-01T09:00:00+09:00"', True), ("timeDate", '"2027-04-01"', True),
    ("timeDate", '"2027-02-30"', False), ("timeDate", '"next monday"', False),
    ("timeCycle", '"R3/PT1H"', True), ("timeCycle", '"R/2027-04-01T09:00:00+09:00/P1D"', True),
    ("timeCycle", '"R3/soon"', False), ("timeCycle", '"R30/" + escalate_at + "/P1D"', True),
    # written as Camunda writes them, unquoted: never names or divisions of names
    ("timeDuration", "P5D", False), ("timeDuration", "PT1H30M", False), ("timeCycle", "R3/PT1H", False),
    ("timeDate", "2027-04-01T09:00:00+09:00", False), ("timeCycle", "R/2027-04-01T09:00:00+09:00/P1D", False),
    ("timeDuration", "Period_days", True),
])
def test_a_quoted_timer_value_is_read_as_its_kind_when_saved_and_an_expression_when_it_runs(tag, text, reads):
    """A literal is checked at once (it would fail only when an application reaches the timer);
    an expression's value is known only as the process runs."""
    xml = (Path(__file__).parent / "rejected" / "literal_timer_duration.bpmn").read_text(encoding="utf-8")
    xml = xml.replace('<bpmn:timeDuration>"P5X"</bpmn:timeDuration>', f"<bpmn:{tag}>{text}</bpmn:{tag}>")
    _, found = validation.problems_of(xml, "t.bpmn", known_calls=lambda key: True)
    assert ("timer_spec" not in [p.key.removeprefix("bpmn.") for p in found]) is reads, [str(p) for p in found]
