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
