"""Every application kind has its four mails (received, a part approved, rejected, returned): a
kind added without them would fail only when someone files one."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.flows import FILERS

TEMPLATES = Path(__file__).resolve().parents[2] / "membership" / "mail_templates"


@pytest.mark.parametrize("kind", sorted(FILERS))
def test_each_kind_has_its_mails(kind):
    for event in ("received", "part_approved", "rejected", "returned"):
        assert (TEMPLATES / f"{kind}_{event}.txt").is_file(), f"{kind}_{event}.txt"
