"""``day`` and ``clock`` (``core/templatetags/when.py``) give exactly the text of
Django's ``date:"j M Y"`` and ``time:"H:i"``, in whatever time zone is active."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st

ZONES = [
    "UTC",
    "Europe/London",
    "Australia/Sydney",
    "America/St_Johns",
    "Asia/Kathmandu",
]
TEMPLATE = engines["django"].from_string(
    "{% load tz when %}{% timezone zone %}"
    '{{ v|day }}|{{ v|date:"j M Y" }}|{{ v|clock }}|{{ v|time:"H:i" }}'
    "{% endtimezone %}"
)


def _pairs(value: object, zone: str) -> tuple[str, str, str, str]:
    ours_day, django_day, ours_clock, django_clock = TEMPLATE.render(
        {"v": value, "zone": zone}
    ).split("|")
    return ours_day, django_day, ours_clock, django_clock


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(ZONES),
)
def test_an_aware_moment_reads_the_same_in_every_zone(moment, zone):
    ours_day, django_day, ours_clock, django_clock = _pairs(moment, zone)
    assert ours_day == django_day
    assert ours_clock == django_clock


@settings(max_examples=100, deadline=None)
@given(day=st.dates(), clock=st.times())
def test_plain_dates_and_times_read_the_same(day, clock):
    ours_day, django_day, _, _ = _pairs(day, "UTC")
    assert ours_day == django_day
    _, _, ours_clock, django_clock = _pairs(clock, "UTC")
    assert ours_clock == django_clock


def test_worked_examples_and_empty_values():
    moment = datetime(2026, 3, 5, 9, 5, tzinfo=UTC)
    assert _pairs(moment, "UTC") == ("5 Mar 2026", "5 Mar 2026", "09:05", "09:05")
    # Sydney is eleven hours ahead in March: the next day.
    assert _pairs(moment, "Australia/Sydney")[0] == "5 Mar 2026"
    late = datetime(2026, 3, 5, 22, 30, tzinfo=ZoneInfo("UTC"))
    assert _pairs(late, "Australia/Sydney")[:3] == ("6 Mar 2026", "6 Mar 2026", "09:30")
    assert _pairs(date(987, 7, 1), "UTC")[:2] == ("1 Jul 0987", "1 Jul 0987")
    for empty in (None, ""):
        assert _pairs(empty, "UTC") == ("", "", "", "")
    assert _pairs(time(0, 0), "UTC")[2:] == ("00:00", "00:00")
