"""English is available for every fixed Japanese text of the screens: each literal given to `_()`
in a template, and to `translate()` (or `_()`) in the web app's code, has an English text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from jinja2 import Environment, nodes

from webapp.translations_en import EN

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _template_texts():
    env = Environment()
    for path in sorted((WEBAPP / "templates").rglob("*.html")):
        for call in env.parse(path.read_text(encoding="utf-8")).find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "_" and call.args \
                    and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str):
                yield path.relative_to(WEBAPP), call.args[0].value


def _code_texts():
    for path in sorted(WEBAPP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("translate", "_") \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield path.relative_to(WEBAPP), node.args[0].value


def test_every_fixed_text_of_the_screens_has_english():
    found = list(_template_texts()) + list(_code_texts())
    assert len(found) > 300  # the scan reads the screens (a broken scan would pass vacuously)
    missing = sorted({(str(where), text) for where, text in found if JAPANESE.search(text) and text not in EN})
    assert missing == []


def test_a_bulk_run_page_reads_in_english(app, session):
    from engine import bulk
    from membership.actors import Actor
    from membership.models import UserAccount

    from ..helpers import login_client

    staff = Actor.of(session.query(UserAccount).filter_by(login_id="staff@chuoeast").one())
    run = bulk.start(session, staff, [999999], "approve", "")
    session.flush()
    client = login_client(app, "staff@chuoeast")
    client.get("/login?lang=en")
    page = client.get(f"/inbox/bulk/{run.id}").get_data(as_text=True)
    assert "Stop (what is done stays done)" in page and 'id="bulk-status">Waiting<' in page
    assert "中止する" not in page
