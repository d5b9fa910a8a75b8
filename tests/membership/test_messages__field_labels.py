"""Every field a user can get an error about has a label in both languages: the fields named by
the domain's validation errors and every input of the API (query strings and bodies), so that no
message says "per_pageの形式が正しくありません"."""

from __future__ import annotations

import re
from pathlib import Path

import marshmallow

from membership import messages

ROOT = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _labelled(name: str) -> bool:
    return any(key == name or key.endswith(f".{name}") for key in messages.FIELD_LABELS)


def _fields_named_in_errors():
    for path in sorted(p for folder in ("membership", "engine", "webapp", "forms")
                       for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r'ValidationFailed\.one\("(\w+)"', text) + re.findall(r'errors\["(\w+)"\]\s*=', text):
            yield path.relative_to(ROOT), name


def test_every_field_named_in_a_validation_error_has_a_label():
    # CSV import columns are named by their (Japanese) headings, which are their own labels
    missing = {(str(where), name) for where, name in _fields_named_in_errors()
               if not JAPANESE.search(name) and not _labelled(name)}
    assert missing == set()


def test_every_input_of_the_api_has_a_label():
    from webapp.api import schemas

    inputs = [cls for cls in vars(schemas).values() if isinstance(cls, type) and issubclass(cls, marshmallow.Schema)
              and cls.__name__.endswith(("Query", "Request", "Create"))]
    assert len(inputs) >= 8
    missing = {(cls.__name__, name) for cls in inputs for name in cls().fields if not _labelled(name)}
    assert missing == set()


def test_labels_are_given_in_both_languages():
    assert {key for key, entry in messages.FIELD_LABELS.items() if not entry.get("ja") or not entry.get("en")} == set()
    assert messages.render("invalid", "ja", field="per_page") == "表示件数の形式が正しくありません。"
    assert messages.render("invalid", "en", field="per_page") == "Rows per page is not valid."


def test_an_english_label_inside_a_sentence_is_not_capitalised_unless_it_is_a_name():
    from membership.messages import render

    assert render("choose", "en", field="associations") == "Choose the associations."
    assert render("comment_required", "en", field="comment") == "A comment is required to reject or return."
    assert render("choose", "en", field="login_id") == "Choose the login ID."  # the acronym stays
    assert render("invalid", "en", field="comment") == "Comment is not valid."  # at the start: as it is
    assert render("choose", "ja", field="associations") == "入会希望医師会を選択してください。"
