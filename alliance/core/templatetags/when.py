"""``{{ value|day }}`` and ``{{ value|clock }}``: Django's ``date:"j M Y"``
and ``time:"H:i"``, written out directly.

Django's filters parse the format string, look up the language's formats
and build a formatter on every call (about 40 µs); a day list of 40
appointments or a history page of 50 scores calls them a hundred times, a
sizeable share of the page (issue #13). These give the same text
(``core/tests/test_when.py`` holds them to Django's output) and, like
Django's, receive the value already in the active time zone, so
``{% timezone %}`` blocks still apply."""

from __future__ import annotations

from datetime import date, datetime, time

from django import template
from django.utils.dates import MONTHS_3

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def day(value: date | datetime | None) -> str:
    """``5 Mar 2026``: the day of the month, the month's short name, the year."""
    if not isinstance(value, date):
        return ""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year:04d}"


@register.filter(expects_localtime=True, is_safe=False)
def clock(value: datetime | time | None) -> str:
    """``09:05``: hours (24) and minutes, two digits each."""
    if not isinstance(value, (datetime, time)):
        return ""
    return f"{value.hour:02d}:{value.minute:02d}"
