"""Language choice and message rendering. Japanese is the default; English is available.

Templates are written in Japanese and call `_()`; in English mode `_()` looks the text up in
`translations_en.EN`, falling back to the Japanese text.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape as xml_escape

from flask import Flask, g, has_request_context, request, session
from markupsafe import Markup, escape

from membership import messages
from membership.fields import JST, figure, today_jst
from membership.profiles import value_label

from .translations_en import EN

LANGS = ("ja", "en")


def current_lang() -> str:
    """?lang= (remembered in the session) → the session → the browser's best choice of the two (its
    order and q-values: "de, en;q=0.5" is English) → Japanese."""
    if not has_request_context():
        return messages.DEFAULT_LANG
    if "lang" in g:
        return g.lang
    asked = request.args.get("lang")
    if asked in LANGS:
        session["lang"] = asked
    lang = session.get("lang")
    if lang not in LANGS:
        lang = request.accept_languages.best_match(("ja", "en"), default="ja")
        lang = lang if lang in LANGS else "ja"
    g.lang = lang
    return lang


def translate(text: str) -> str:
    return EN.get(text, text) if current_lang() == "en" else text


def translate_count(text: str, n) -> str:
    """`text` for a count of `n`: in English the singular where one is written (EN["…|1"]: "Approve
    1 task", not "1 tasks"); Japanese has one form."""
    if current_lang() == "en" and n == 1 and f"{text}|1" in EN:
        return EN[f"{text}|1"]
    return translate(text)


def message(key: str, /, field: str | None = None, context: str | None = None, **params) -> str:
    """`key` is positional: an error's own parameters may have that name (a process key)."""
    return messages.render(key, current_lang(), field=field, context=context, **params)


def field_errors(exc) -> dict[str, str]:
    """A ValidationFailed's fields rendered in the user's language."""
    context = getattr(exc, "context", None)
    return {f: message(key, field=f, context=context, **params) for f, (key, params) in exc.fields.items()}


def local_time(value, fmt: str = "%Y/%m/%d %H:%M") -> str:
    """A stored time (naive UTC) as Japan's time; a date as it is. Screens show every time in JST,
    the zone of every office and member (the server's own zone does not matter)."""
    if value is None:
        return ""
    if isinstance(value, str):  # an ISO time kept in a JSON payload (naive UTC too)
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(JST)
    return value.strftime(fmt)


def credit_kind_label(value: str) -> str:
    """A credit kind "system:category" as shown: 認定産業医 更新研修, Certified occupational physician
    Update training — each part translated (the pair as one text has no English)."""
    from membership.certifications import CATEGORIES, SYSTEMS

    system, _, category = (value or "").partition(":")
    if system not in SYSTEMS or category not in CATEGORIES.get(system, {}):
        return value
    return f"{translate(SYSTEMS[system])} {translate(CATEGORIES[system][category])}"


_URL = re.compile(r"https?://[^\s<>\"'（）「」、。]+")


def autolink(text: str | None) -> Markup:
    """Plain text with its http(s) addresses as links (a notice's body): everything else escaped;
    a link opens where it points, with no referrer and no opener."""
    out, last = [], 0
    text = text or ""
    for m in _URL.finditer(text):
        out.append(escape(text[last:m.start()]))
        url = m.group(0)
        out.append(Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


_NAME_ATTRIBUTE = re.compile(r'(\sname=")([^"]*)(")')


def translated_positions(diagrams: list[dict]) -> list[dict]:
    """The process viewer's diagrams with their names in the reader's language where the name is a
    known one (the shipped processes' tasks and events; a designer's own names stay as written) —
    in the caption, and on the drawing itself (the XML's names, for the viewer only)."""
    english = current_lang() == "en"
    for d in diagrams:
        d["name"] = translate(d["name"])
        d["active_names"] = [translate(n) for n in d["active_names"]]
        d["waiting_names"] = [translate(n) for n in d["waiting_names"]]
        if english and d.get("xml"):
            d["xml"] = _NAME_ATTRIBUTE.sub(
                lambda m: m.group(1) + xml_escape(translate(html.unescape(m.group(2))), {'"': "&quot;"}) + m.group(3),
                d["xml"])
    return diagrams


def layer_label(layer: int) -> str:
    """An association layer as shown beside its name: 3層, Layer 3."""
    return f"Layer {layer}" if current_lang() == "en" else f"{layer}層"


def fiscal_year_label(year) -> str:
    """A fiscal year as shown: 2026年度, FY2026."""
    return f"FY{year}" if current_lang() == "en" else f"{year}年度"


def paren(text) -> str:
    """Text in brackets as the language writes them: （…） in Japanese, " (…)" in English."""
    return f" ({text})" if current_lang() == "en" else f"（{text}）"


def lp() -> str:
    """An opening bracket as the language writes it: （ in Japanese, " (" in English."""
    return " (" if current_lang() == "en" else "（"


def rp() -> str:
    return ")" if current_lang() == "en" else "）"


def dot() -> str:
    """Between items set side by side (links, facts): ・ in Japanese, a spaced middle dot in English
    (the spaces collapse where a template has them already)."""
    return " · " if current_lang() == "en" else "・"


def range_sep() -> str:
    """Between the two ends of a range of dates: 〜 in Japanese, an en dash in English."""
    return " – " if current_lang() == "en" else " 〜 "


def list_separator() -> str:
    """Between the items of a run-in list: 、 in Japanese, ", " in English."""
    return ", " if current_lang() == "en" else "、"


def rendered_error(error: dict) -> dict:
    """An error kept in a row (membership.errors.stored) in the reader's language: {code, message,
    fields: {name: message}}."""
    return {"code": error["code"], "message": message(error["key"], **error["params"]),
            "fields": {name: message(key, field=name, context=error.get("context"), **params)
                       for name, (key, params) in error["fields"].items()}}


def colon() -> str:
    """After a label that a text follows: ： in Japanese, ": " in English."""
    return ": " if current_lang() == "en" else "： "


def field_label(name: str) -> str:
    """A domain field's label in the user's language (所属学会, Academic societies)."""
    return messages.label(name, current_lang())


def profile_value(field: str, text: str) -> str:
    """A value from the profile history in the user's language: a code as its label, text as it is."""
    shown, coded = value_label(field, text or "")
    return translate(shown) if coded else shown


def switch_language_url(lang: str) -> str:
    """The page being shown, in `lang`: its path and query (a search, a chosen prefecture) kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    # the path as typed may start with "//" or "/\" (a 404 page): written as one leading slash and
    # percent-encoded, the link cannot name another host
    path = "/" + quote(request.path.lstrip("/\\"), safe="/-._~!$&'()*+,;=:@")
    return f"{path}?{urlencode(args)}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["jst"] = local_time
    app.jinja_env.filters["layer"] = layer_label
    app.jinja_env.filters["figure"] = figure
    app.jinja_env.filters["fiscal_year"] = fiscal_year_label
    app.jinja_env.filters["translate"] = translate
    app.jinja_env.filters["autolink"] = autolink
    from forms.normalise import input_value

    app.jinja_env.filters["input_value"] = input_value  # a date typed in full width, as <input type=date> takes it
    from membership.applications import PART_LABELS

    app.jinja_env.globals["part_labels"] = PART_LABELS
    app.jinja_env.globals.update(_=translate, _n=translate_count, current_lang=current_lang, today=today_jst,
                                  switch_language_url=switch_language_url, field_label=field_label, paren=paren,
                                  list_separator=list_separator, colon=colon,
                                  profile_value=profile_value, message=message, lp=lp, rp=rp, range_sep=range_sep,
                                  layer_label=layer_label, dot=dot,
                                  credit_kind_label=credit_kind_label)

    @app.after_request
    def _say_the_language(response):
        """The language an answer was written in (Content-Language), and that the browser's choice
        may change it (Vary: Accept-Language), for caches and clients."""
        if "lang" in g and response.mimetype in ("text/html", "application/json"):
            response.headers.setdefault("Content-Language", g.lang)
            response.vary.add("Accept-Language")
        return response
