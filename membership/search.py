"""Free-text search terms: what a user types, as LIKE patterns that match it literally."""

from __future__ import annotations

import re
import unicodedata

import jaconv
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

#: the escape character of every pattern made here (pass it as `escape=` to `like`)
ESCAPE = "\\"


def contains(term: str) -> str:
    """A LIKE pattern for "contains `term`": % and _ in the term match themselves, not anything."""
    escaped = term.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def terms(q: str | None) -> list[list[str]]:
    """The words of a search box (spaces of either width between them), each in the ways it may
    be stored: as typed, in NFKC — what a half-width kana (ｳｴﾉ) or a full-width digit (２) typed
    is, where the data was written the other way — and with its dashes as "-". A word must match
    in one of its forms."""
    from .fields import halfwidth  # (fields imports nothing of this module)

    out = []
    for word in (q or "").replace("\u3000", " ").split():
        # as typed; NFKC; with every dash written "-" (4−1, 4ー1 typed by an IME for 4-1); and in
        # full width, as Japanese text is often stored ((基礎) 2027 typed for （基礎）２０２７)
        forms = list(dict.fromkeys((word, unicodedata.normalize("NFKC", word), halfwidth(word),
                                    jaconv.h2z(word, kana=True, ascii=True, digit=True))))
        out.append(forms)
    return out


def as_katakana(term: str) -> str:
    """A term for a kana column: hiragana typed is looked for as the katakana stored."""
    return jaconv.hira2kata(term)


#: kanji written in more than one form in names (異体字, 旧字体): typing one finds the others —
#: 高橋 finds 髙橋, 斉藤 finds 齋藤 and 齊藤, 渡辺 finds 渡邊 and 渡邉
VARIANT_GROUPS = ("高髙", "崎﨑嵜", "辺邊邉", "斉斎齋齊", "沢澤", "浜濱濵", "広廣", "国國", "徳德", "桜櫻",
                  "真眞", "富冨", "島嶋嶌", "槙槇", "渕淵", "瀬瀨", "曽曾", "黒黑", "恵惠", "栄榮", "竜龍",
                  "条條", "吉𠮷", "芦蘆", "礼禮")
_VARIANTS = {c: group for group in VARIANT_GROUPS for c in group}
#: a term with many such characters is looked for in this many spellings at most
MAX_SPELLINGS = 16


def spellings(term: str) -> list[str]:
    """`term` and its spellings with each 異体字 replaced by the other forms of its kanji (the term
    as typed first; at most MAX_SPELLINGS)."""
    out = [""]
    for char in term:
        forms = _VARIANTS.get(char, char)
        out = [prefix + f for prefix in out for f in ([char] + [x for x in forms if x != char])][:MAX_SPELLINGS]
    return out


_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff々〆]")


def has_kanji(term: str) -> bool:
    """Whether `term` has a kanji: it then cannot be in a kana column (フリガナ holds katakana)."""
    return bool(_IDEOGRAPH.search(term))


class _Position(FunctionElement):
    """Where the second text is found in the first (1-based), 0 when it is not: strpos on
    PostgreSQL, instr on SQLite."""

    type = sa.Integer()
    inherit_cache = True
    name = "text_position"


@compiles(_Position)
def _instr(element, compiler, **kw):
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_Position, "postgresql")
def _strpos(element, compiler, **kw):
    return f"strpos({compiler.process(element.clauses, **kw)})"


def has_text(column, needle: str):
    """`column` contains `needle` literally — a plain test each row takes (no index is asked for:
    a term shorter than a trigram gets nothing from the trigram index but every row to recheck)."""
    return _Position(column, needle) > 0
