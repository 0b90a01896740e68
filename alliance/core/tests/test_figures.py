"""``score`` (``core/templatetags/figures.py``) gives exactly the text of
Django's ``floatformat:"-2"``."""

from __future__ import annotations

from decimal import Decimal

from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st

TEMPLATE = engines["django"].from_string(
    '{% load figures %}{{ v|score }}|{{ v|floatformat:"-2" }}'
)


def _pair(value: object) -> tuple[str, str]:
    ours, django = TEMPLATE.render({"v": value}).split("|")
    return ours, django


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False, width=64),
        st.decimals(allow_nan=False, allow_infinity=False, places=4),
        st.decimals(allow_nan=False, allow_infinity=False),
    )
)
def test_any_number_reads_as_django_writes_it(value: object) -> None:
    ours, django = _pair(value)
    assert ours == django


def test_worked_examples() -> None:
    assert _pair(12) == ("12", "12")
    assert _pair(12.5) == ("12.50", "12.50")
    assert _pair(Decimal("7.125")) == ("7.13", "7.13")  # half up
    assert _pair(-0.001) == ("0.00", "0.00")  # no negative zero
    assert _pair(-3.25) == ("-3.25", "-3.25")
    assert _pair(1e20) == _pair(10**20)
    for odd in (None, "", "abc", "4.5", float("nan"), float("inf")):
        assert _pair(odd)[0] == _pair(odd)[1]
