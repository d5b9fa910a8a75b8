"""Normalising what Japanese users type: full-width digits and dash variants become half-width."""

from __future__ import annotations

import unicodedata

#: dash-like characters that NFKC leaves alone (or maps to something other than "-")
DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－ｰー"), "-")


def halfwidth(text: str | None) -> str:
    """NFKC (full-width digits/letters → half-width) plus every dash variant → "-"; trimmed."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).translate(DASHES).strip()


def date_text(text: str | None) -> str:
    """'２０２７／０４／０１' or '2027/4/1' → '2027-04-01' (unparseable text is returned cleaned)."""
    cleaned = halfwidth(text).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
    cleaned = cleaned.rstrip("日")
    parts = cleaned.split("-")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return cleaned


def month_text(text: str | None) -> str:
    """'１９９６／３' or '1996年3月' → '1996-03' (unparseable text is returned cleaned)."""
    cleaned = halfwidth(text).replace("/", "-").replace(".", "-").replace("年", "-").rstrip("月")
    parts = cleaned.split("-")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[0]) == 4 \
            and 1 <= len(parts[1]) <= 2:
        return f"{parts[0]}-{int(parts[1]):02d}"
    return cleaned


def input_value(value, kind: str | None) -> str:
    """A value as an <input type=kind> takes it back: a date or month typed in full width or with
    slashes is given in ISO form (the browser would throw the typed text away, and the value with it)."""
    text = "" if value is None else str(value)
    if kind == "date":
        return date_text(text) if text else ""
    if kind == "month":
        return month_text(text) if text else ""
    return text
