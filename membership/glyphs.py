"""The Japanese font the documents (PDF) are printed in, and the characters it can print.

A character the font lacks (外字 such as 𠮷, U+20BB7) would be left out of a certificate or a
notice without a word (the PDF library only logs it), so the fields that documents print refuse
it at input instead, naming the character.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)


def font_path() -> str:
    configured = os.environ.get("MAMIS_PDF_FONT")
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    raise RuntimeError("no Japanese TrueType font: install fonts-ipaexfont (make setup) or set MAMIS_PDF_FONT")


@functools.lru_cache(maxsize=1)
def _printable() -> frozenset[int] | None:
    """The code points the font maps, or None without a font (then nothing is refused: the
    documents fail on their own, saying a font is missing, and input is not held hostage)."""
    from fontTools.ttLib import TTFont

    try:
        path = font_path()
    except RuntimeError:
        return None
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def unprintable(text: str) -> str:
    """The characters of `text` the document font cannot print (spaces and controls aside), in
    order, each once; "" when every one prints."""
    printable = _printable()
    if printable is None:
        return ""
    found = []
    for c in text or "":
        if ord(c) not in printable and not c.isspace() and unicodedata.category(c) != "Cc" and c not in found:
            found.append(c)
    return "".join(found)
