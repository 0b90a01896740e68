"""Amounts of money as integers in the currency's minor unit (cents, pence;
yen have none), never floats: parsing what a person typed and formatting for
pages, PDFs and the accounting export.

The number of decimals of each currency is its ISO 4217 "minor unit" (ISO
4217:2015, the currency code list maintained by SIX for the ISO 4217
Maintenance Agency: USD, EUR, GBP 2; JPY 0; KWD, BHD 3). A currency not
listed here is refused, so a typo never invents a two-decimal currency."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Currency:
    code: str
    decimals: int
    symbol: str
    name: str


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("USD", 2, "$", "US dollar"),
        Currency("EUR", 2, "€", "Euro"),
        Currency("GBP", 2, "£", "Pound sterling"),
        Currency("JPY", 0, "¥", "Japanese yen"),
        Currency("CAD", 2, "CA$", "Canadian dollar"),
        Currency("AUD", 2, "A$", "Australian dollar"),
        Currency("NZD", 2, "NZ$", "New Zealand dollar"),
        Currency("CHF", 2, "CHF ", "Swiss franc"),
        Currency("SEK", 2, "SEK ", "Swedish krona"),
        Currency("NOK", 2, "NOK ", "Norwegian krone"),
        Currency("DKK", 2, "DKK ", "Danish krone"),
        Currency("KWD", 3, "KWD ", "Kuwaiti dinar"),
    )
}
CURRENCY_CHOICES = [(c.code, f"{c.code} – {c.name}") for c in CURRENCIES.values()]
# A generous ceiling (a billion major units) keeps typos like 85000000 out and
# every total far inside a 64-bit integer.
MAX_MAJOR = 1_000_000_000

_PLAIN = re.compile(r"^(\d+)(?:\.(\d*))?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


class MoneyError(ValueError):
    """Why a typed amount cannot be read; the message is shown to the user."""


def currency(code: str) -> Currency:
    try:
        return CURRENCIES[code]
    except KeyError:
        raise MoneyError(f"“{code}” is not a currency Alliance knows.") from None


def parse(text: object, code: str, *, allow_zero: bool = False) -> int:
    """The amount typed in ``text`` in minor units of ``code``: "85.50" →
    8550 for USD, "1,200" → 120000, "3000" → 3000 for JPY. A currency symbol
    or code in front is allowed. Refused with a clear message: empty text,
    a negative amount, letters, more decimals than the currency has, zero
    (unless ``allow_zero``) and absurdly large amounts."""
    cur = currency(code)
    raw = text.strip() if isinstance(text, str) else ""
    for prefix in (cur.symbol.strip(), cur.code):
        if raw.upper().startswith(prefix.upper()):
            raw = raw[len(prefix) :].strip()
    if not raw:
        raise MoneyError("Enter an amount.")
    if raw.startswith("-") or raw.startswith("−"):
        raise MoneyError("An amount cannot be negative.")
    if _GROUPED.match(raw):
        raw = raw.replace(",", "")
    match = _PLAIN.match(raw)
    if not match:
        example = "85" if cur.decimals == 0 else "85." + "5" + "0" * (cur.decimals - 1)
        raise MoneyError(f"Write the amount as digits, for example {example}.")
    whole, fraction = match.group(1), (match.group(2) or "")
    if len(fraction) > cur.decimals:
        if cur.decimals == 0:
            raise MoneyError(f"{cur.code} amounts have no decimals.")
        raise MoneyError(f"{cur.code} amounts have at most {cur.decimals} decimals.")
    if int(whole) >= MAX_MAJOR:
        raise MoneyError("That amount is too large.")
    minor = int(whole) * 10**cur.decimals + int(fraction.ljust(cur.decimals, "0") or 0)
    if minor == 0 and not allow_zero:
        raise MoneyError("Enter an amount above zero.")
    return minor


def plain(minor: int, code: str) -> str:
    """``minor`` as a plain decimal string for forms and the CSV export:
    8550 → "85.50" (USD), 3000 → "3000" (JPY), -8550 → "-85.50"."""
    cur = currency(code)
    sign = "-" if minor < 0 else ""
    value = abs(minor)
    if cur.decimals == 0:
        return f"{sign}{value}"
    whole, fraction = divmod(value, 10**cur.decimals)
    return f"{sign}{whole}.{fraction:0{cur.decimals}d}"


def display(minor: int, code: str) -> str:
    """``minor`` for people to read: 123450 → "$1,234.50", 3000 → "¥3,000",
    -8550 → "-£85.50"."""
    cur = currency(code)
    sign = "-" if minor < 0 else ""
    value = abs(minor)
    if cur.decimals == 0:
        return f"{sign}{cur.symbol}{value:,}"
    whole, fraction = divmod(value, 10**cur.decimals)
    return f"{sign}{cur.symbol}{whole:,}.{fraction:0{cur.decimals}d}"
