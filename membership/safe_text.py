"""Small text helpers shared by the layers."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
