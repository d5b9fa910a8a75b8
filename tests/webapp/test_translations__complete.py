"""English is available for every fixed Japanese text of the screens: each Japanese literal in a
template (given to `_()` directly, in a dict or list it picks from, or as plain text), each one in
the web app's code, and the labels kept with the domain's data, has an English text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from jinja2 import Environment, nodes

from webapp.translations_en import EN

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
#: Japanese on purpose in every language: separators, the link back to Japanese, the terms of use
#: and the joint-use notice (legal texts: the Japanese original), and the contents of board
#: material, CSV headings and PDF titles, which associations file and import in Japanese.
SEPARATOR = re.compile(r"^[\s・]*$|^[A-Za-z]+・$")  # also "BPMN・" before a translated word
JAPANESE_ONLY_FILES = {"account/_terms_text.html", "about/_joint_use_text.html"}
JAPANESE_ONLY_TEXTS = {"日本語", "受付日", "希望日", "理事会資料（申請一覧）", "会費減免 総括表（対象者の抽出）",
                       "セイ", "メイ", "住所", " 一括承認の結果 #", "処理できなかった: ",
                       "理事会資料（", " 事務局", "サポート窓口",  # a board PDF's title; a login notice's contact
                       "理事会資料", "_Excel用"}  # a download's Japanese name (RFC 6266 filename*)


def _template_texts():
    env = Environment()
    for path in sorted((WEBAPP / "templates").rglob("*.html")):
        where = str(path.relative_to(WEBAPP / "templates"))
        if where in JAPANESE_ONLY_FILES:
            continue
        tree = env.parse(path.read_text(encoding="utf-8"))
        for const in tree.find_all(nodes.Const):
            if isinstance(const.value, str):
                yield where, const.value
        for data in tree.find_all(nodes.TemplateData):  # text outside any tag's expression
            # tags, and the ends of tags cut by an expression (`<a href="{{ … }}">`), are not text
            text = re.sub(r"<[^>]*(>|$)", "\n", re.sub(r"^[^<>]*>", "\n", data.data))
            for text in text.split("\n"):
                yield where, text.strip()


def _code_texts():
    """String literals of the web app's code, docstrings aside."""
    for path in sorted(WEBAPP.rglob("*.py")):
        if path.name == "translations_en.py" or path.parent.name == "api":  # the OpenAPI text is English
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield path.relative_to(WEBAPP), node.value


def _data_labels():
    """Labels kept with the domain's data and shown through `_()`."""
    from membership import audit, certifications, fee_reductions, profiles, reference, uploads, withdrawals
    from webapp.views import certification, inbox, withdraw

    yield "certifications.SYSTEMS", certifications.SYSTEMS.values()
    yield "certifications.CATEGORIES", [v for labels in certifications.CATEGORIES.values() for v in labels.values()]
    yield "certifications.DERIVED", [v for labels in certifications.DERIVED.values() for v in labels.values()]
    yield "certifications.SOURCES", certifications.SOURCES.values()
    yield "certifications.MODES", certifications.MODES.values()
    yield "certification.STATES", certification.STATES.values()
    yield "fee_reductions.REASONS", fee_reductions.REASONS.values()
    yield "inbox.VIEW_LABELS", inbox.VIEW_LABELS.values()
    yield "inbox.KIND_LABELS", inbox.KIND_LABELS.values()
    yield "withdraw.BENEFITS", withdraw.BENEFITS
    yield "withdrawals.REASONS", withdrawals.REASONS.values()
    yield "uploads.DOCUMENT_KINDS", uploads.DOCUMENT_KINDS.values()
    yield "profiles.VALUE_LABELS", [v for labels in profiles.VALUE_LABELS.values() for v in labels.values()]
    yield "audit.ACTION_FAMILIES", audit.ACTION_FAMILIES.values()
    yield "audit.OBJECT_TYPES", audit.OBJECT_TYPES.values()
    # the seeds' reference lists on the forms (proper nouns such as medical schools stay Japanese)
    yield "reference.DUTY_CODES", [text for pair in reference.DUTY_CODES.values() for text in pair]
    yield "reference.DESIGNATIONS", reference.DESIGNATIONS
    yield "reference.POSITIONS", reference.POSITIONS
    yield "reference.DEPARTMENTS", reference.DEPARTMENTS.values()
    yield "reference.SEXES", reference.SEXES.values()
    yield "reference.PREFECTURES", reference.PREFECTURES


def _form_texts():
    """The labels of every WTForms class in forms/: a label also names its field in an error message.
    (Choices are shown from the domain's labels, checked above.)"""
    import importlib
    import inspect
    import pkgutil

    from wtforms import Form

    import forms

    for info in pkgutil.iter_modules(forms.__path__):
        module = importlib.import_module(f"forms.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Form) or cls.__module__ != module.__name__:
                continue
            for name, unbound in vars(cls).items():
                if not hasattr(unbound, "field_class"):
                    continue
                where = f"{cls.__name__}.{name}"
                label = unbound.args[0] if unbound.args else unbound.kwargs.get("label")
                if isinstance(label, str):
                    yield where, label


def _decision_table_labels():
    """The requirement labels of the shipped decision tables (shown to members as they are, or in English)."""
    root = WEBAPP.parent / "processes"
    for path in sorted(root.rglob("*.dmn")):
        for text in re.findall(r'_label"><text>&quot;([^&]*)&quot;', path.read_text(encoding="utf-8")):
            yield str(path.relative_to(root)), text


def _untranslated(found):
    return sorted({(str(where), text) for where, text in found if JAPANESE.search(text) and text not in EN
                   and text not in JAPANESE_ONLY_TEXTS and not SEPARATOR.match(text)})


def test_every_fixed_text_of_the_templates_has_english():
    found = list(_template_texts())
    assert len(found) > 1000  # the scan reads the screens (a broken scan would pass vacuously)
    assert _untranslated(found) == []


def test_every_japanese_text_in_the_web_apps_code_has_english():
    found = list(_code_texts())
    assert sum(1 for _, text in found if JAPANESE.search(text)) > 50
    assert _untranslated(found) == []


def test_every_label_of_the_domains_data_has_english():
    found = [(name, label) for name, labels in _data_labels() for label in labels]
    assert len(found) > 100
    assert _untranslated(found) == []


def test_every_label_of_the_forms_has_english():
    found = list(_form_texts())
    assert len(found) > 80
    assert _untranslated(found) == []


def test_every_requirement_label_of_the_shipped_decision_tables_has_english():
    found = list(_decision_table_labels())
    assert len(found) > 10
    assert _untranslated(found) == []


def test_a_forms_error_names_the_field_in_english(app, session):
    from ..helpers import login_client

    client = login_client(app, "nichiitaro")
    client.get("/login?lang=en")
    page = client.post("/mypage/declaration", data={"earned_on": "", "category": "lecture", "title": "x",
                                                    "credits": "1"}).get_data(as_text=True)
    assert f"{EN['学習日']} is required." in page and "学習日 is required" not in page


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


def test_the_log_in_prompt_and_the_inbox_views_read_in_english(app, session):
    from ..helpers import login_client

    anonymous = app.test_client()
    anonymous.get("/login?lang=en")
    assert "Please log in." in anonymous.get("/mypage/", follow_redirects=True).get_data(as_text=True)
    client = login_client(app, "staff@chuoeast")
    client.get("/login?lang=en")
    page = client.get("/inbox").get_data(as_text=True)
    assert "Open (all)" in page and "Claimed by me" in page and "自分が担当" not in page


def test_an_applications_reference_data_reads_in_english_on_the_task_page(app, session):
    from engine import tasks
    from membership.actors import Actor
    from membership.models import UserAccount
    from membership.reference import DUTY_CODES

    from ..conftest import new_member
    from ..helpers import file_enrolment, login_client

    application = file_enrolment(session, new_member(session))
    staff = Actor.of(session.query(UserAccount).filter_by(login_id="staff@chuoeast").one())
    task_id = tasks.list_tasks(session, staff, application_id=application.id)[0][0].id
    client = login_client(app, "staff@chuoeast")
    client.get("/login?lang=en")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert EN[DUTY_CODES[application.duty_code][1]] in page and DUTY_CODES[application.duty_code][1] not in page
    assert application.position == "院長" and "<dd>Director</dd>" in page


def test_no_japanese_text_is_given_two_different_english_texts():
    """translations_en is one dict built in parts: a text given twice would silently take the later."""
    english: dict[str, set[str]] = {}
    tree = ast.parse((WEBAPP / "translations_en.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                    english.setdefault(key.value, set()).add(value.value)
    assert len(english) > 500
    assert {text: found for text, found in english.items() if len(found) > 1} == {}


def test_the_language_switch_keeps_the_page_and_its_query(app, session):
    from ..helpers import login_client

    client = login_client(app, "nichiitaro")
    page = client.get("/apply/enrolment?pref=北海道&city=札幌市").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)"[^>]* lang="en">English</a>', page).group(1).replace("&amp;", "&")
    assert link.startswith("/apply/enrolment?") and "lang=en" in link
    english = client.get(link).get_data(as_text=True)
    assert 'lang="ja">日本語</a>' in english and "札幌市" in english
    back = re.search(r'<a href="([^"]+)"[^>]* lang="ja">', english).group(1).replace("&amp;", "&")
    assert "lang=ja" in back and "lang=en" not in back and back.count("pref=") == 1


def test_the_session_form_lists_credit_kinds_in_english(app, session):
    from membership import certifications

    from ..helpers import login_client

    client = login_client(app, "staff@sapporo")
    client.get("/login?lang=en")
    page = client.get("/sessions/new").get_data(as_text=True)
    first = next(iter(certifications.CATEGORIES["occupational"].values()))
    assert f"{EN[certifications.SYSTEMS['occupational']]} {EN[first]}</option>" in page
    assert f"{certifications.SYSTEMS['occupational']} {first}" not in page


def test_the_language_switch_never_points_to_another_site(app):
    """A crafted 404 path (/\\evil.example, //evil.example) must not become a link off the site."""
    from urllib.parse import urljoin

    client = app.test_client()
    for path in ("/%5Cevil.example", "/%5C%5Cevil.example/x", "//evil.example/x", "/%2F%2Fevil.example"):
        page = client.get(path).get_data(as_text=True)
        link = re.search(r'<a href="([^"]+)"[^>]* lang="en">English</a>', page).group(1).replace("&amp;", "&")
        assert urljoin("http://mamis.example/here", link).startswith("http://mamis.example/"), (path, link)
        assert "\\" not in link and not link.startswith("//"), (path, link)


def test_every_field_of_the_profile_form_is_labelled_in_english(app, session):
    """A label whose words the catalogue maps to nothing (a counter's 名 was also the given name's
    label) leaves a field named only "Required"."""
    from ..helpers import approved_member
    from ..helpers import login_client as login

    member, _ = approved_member(session, prefix="lbl")
    page = login(app, member.login_id).get("/mypage/profile?lang=en").get_data(as_text=True)
    labels = re.findall(r'<label for="([^"]+)"[^>]*>(.*?)</label>', page, re.S)
    assert len(labels) > 10
    bare = [f for f, inner in labels if not re.sub(r"<[^>]+>.*?</[^>]+>|<[^>]+>|\s", "", inner)]
    assert bare == []
    assert re.search(r'<label for="given_name"[^>]*>\s*Given name', page)
