"""Credits as people write them (membership.fields.figure)."""

from decimal import Decimal

import pytest

from membership.fields import figure


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("18.0"), "18"), (Decimal("1.5"), "1.5"), (Decimal("1.50"), "1.5"), (Decimal("100.0"), "100"),
    (Decimal("-0.0"), "0"), ("2.0", "2"), (3, "3"), (0.5, "0.5"), (None, ""), ("", ""), ("abc", "abc"),
])
def test_a_figure_drops_a_trailing_zero_and_never_uses_an_exponent(value, text):
    assert figure(value) == text
