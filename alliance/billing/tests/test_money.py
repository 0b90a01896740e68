"""Money in minor units: parsing what people type, formatting per currency."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.billing import money
from alliance.billing.money import MoneyError, display, parse, plain


@pytest.mark.parametrize(
    ("text", "code", "minor"),
    [
        ("85.50", "USD", 8550),
        ("85.5", "USD", 8550),
        ("85", "USD", 8500),
        ("1,200", "GBP", 120000),
        ("$1,234.56", "USD", 123456),
        ("€0.01", "EUR", 1),
        ("3000", "JPY", 3000),
        ("¥3,000", "JPY", 3000),
        ("1.234", "KWD", 1234),
        (" 12.30 ", "EUR", 1230),
    ],
)
def test_it_parses_amounts(text, code, minor):
    assert parse(text, code) == minor


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "USD", "Enter an amount"),
        ("-5", "USD", "cannot be negative"),
        ("85.505", "USD", "at most 2 decimals"),
        ("85.5", "JPY", "no decimals"),
        ("eighty", "USD", "as digits"),
        ("1e3", "USD", "as digits"),
        ("12,34", "USD", "as digits"),
        ("0", "USD", "above zero"),
        ("0.00", "EUR", "above zero"),
        ("1000000000", "USD", "too large"),
        ("NaN", "USD", "as digits"),
        ("5", "XYZ", "not a currency"),
    ],
)
def test_it_refuses_bad_amounts_clearly(text, code, message):
    with pytest.raises(MoneyError, match=message):
        parse(text, code)


def test_zero_is_allowed_where_asked():
    assert parse("0", "USD", allow_zero=True) == 0


def test_it_refuses_what_is_not_text():
    with pytest.raises(MoneyError):
        parse(None, "USD")
    with pytest.raises(MoneyError):
        parse(8.5, "USD")


@pytest.mark.parametrize(
    ("minor", "code", "shown", "bare"),
    [
        (123450, "USD", "$1,234.50", "1234.50"),
        (8550, "EUR", "€85.50", "85.50"),
        (5, "GBP", "£0.05", "0.05"),
        (3000, "JPY", "¥3,000", "3000"),
        (-8550, "GBP", "-£85.50", "-85.50"),
        (1234, "KWD", "KWD 1.234", "1.234"),
    ],
)
def test_it_formats_with_the_currencys_decimals(minor, code, shown, bare):
    assert display(minor, code) == shown
    assert plain(minor, code) == bare


@given(
    st.integers(min_value=1, max_value=money.MAX_MAJOR * 100 - 1),
    st.sampled_from(sorted(money.CURRENCIES)),
)
def test_parsing_what_was_formatted_gives_it_back(minor, code):
    if money.currency(code).decimals == 0 and minor >= money.MAX_MAJOR:
        minor //= 1000
    assert parse(plain(minor, code), code) == minor
    assert parse(display(minor, code), code) == minor
