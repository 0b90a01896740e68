"""``{{ value|score }}``: Django's ``floatformat:"-2"`` (a score as the pages
show it: ``12``, ``12.50``, ``-0.25``), written out directly.

Django's filter looks up the language's number formats on every call
(about 30 µs); the history table shows two numbers in each of its 50 rows
(issue #13). This gives the same text for the numbers the pages show (int,
float, Decimal; ``core/tests/test_figures.py`` holds it to Django's output)
and hands anything else to Django's filter. Alliance runs in English
without thousands grouping (``LANGUAGE_CODE``, ``USE_THOUSAND_SEPARATOR``),
so the text has no separators to look up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat

register = template.Library()

_HUNDREDTH = Decimal("0.01")


@register.filter(is_safe=True)
def score(value: object) -> str:
    """Whole numbers without decimals, others to two places, half up."""
    if (
        type(value) not in (int, float, Decimal)
        or settings.USE_THOUSAND_SEPARATOR
        or not settings.LANGUAGE_CODE.startswith("en")
    ):
        return floatformat(value, "-2")
    try:
        number = Decimal(str(value))
        _, digits, exponent = number.as_tuple()
        # Django's guard against huge values, which it returns as they are.
        if not number.is_finite() or len(digits) + abs(int(exponent)) > 200:
            return floatformat(value, "-2")
        if number == int(number):
            return str(int(number))
    except (InvalidOperation, OverflowError, ValueError):
        return floatformat(value, "-2")
    # Django's precision rule (#15789), so a large value rounds, not fails.
    precision = max(getcontext().prec, 2 + len(digits) - int(exponent) + 1)
    rounded = number.quantize(_HUNDREDTH, ROUND_HALF_UP, Context(prec=precision))
    if not rounded:
        rounded = abs(rounded)  # Django shows 0.00, never -0.00
    return f"{rounded:f}"
