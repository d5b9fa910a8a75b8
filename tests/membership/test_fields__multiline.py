"""Text areas keep their line breaks; other control characters are still refused."""

from __future__ import annotations

import pytest

from membership.fields import FieldError, multiline, text


def test_line_breaks_are_kept_and_written_as_lf():
    assert multiline("一行目\r\n二行目\r三行目\n\n", 100) == "一行目\n二行目\n三行目"
    assert multiline("\tインデント", 100) == "インデント"  # trimmed at the ends, as a one-line field
    with pytest.raises(FieldError) as refused:
        text("一行目\n二行目", 100)  # a one-line field still refuses them
    assert refused.value.key == "invalid"


@pytest.mark.parametrize("bad", ["一行目\x0b二行目", "ベル\x07", "NUL\x00"])
def test_other_control_characters_are_refused(bad):
    with pytest.raises(FieldError) as refused:
        multiline(bad, 100)
    assert refused.value.key == "invalid"


def test_an_empty_or_long_text_area_is_named():
    assert multiline("  \n ", 10) == ""
    with pytest.raises(FieldError) as refused:
        multiline("", 10, optional=False)
    assert refused.value.key == "required"
    with pytest.raises(FieldError) as refused:
        multiline("あ" * 11, 10)
    assert refused.value.key == "too_long"
