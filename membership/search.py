"""Free-text search terms: what a user types, as LIKE patterns that match it literally."""

from __future__ import annotations

import jaconv

#: the escape character of every pattern made here (pass it as `escape=` to `like`)
ESCAPE = "\\"


def contains(term: str) -> str:
    """A LIKE pattern for "contains `term`": % and _ in the term match themselves, not anything."""
    escaped = term.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def as_katakana(term: str) -> str:
    """A term for a kana column: hiragana typed is looked for as the katakana stored."""
    return jaconv.hira2kata(term)
