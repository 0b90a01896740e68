"""Repeating appointments as RFC 5545 recurrence rules (python-dateutil's
``rrule``), expanded in the practice's local wall time.

A series stores its rule as an ``RRULE`` line without a start (for example
``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6``), plus a first local date, a local
start time and the practice's zone. Occurrences are generated as naive local
datetimes (a "floating" start, RFC 5545 section 3.3.5) and only then given the
zone and turned into UTC, so a 10:00 session stays at 10:00 when the clocks
change. A local time the clocks skip (01:30 on a spring-forward night in
London) is read with the offset in force before the change, as
``zoneinfo`` does with ``fold=0``, which lands an hour later in wall time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError

from alliance.scheduling.dates import UTC

# The horizon: a series holds at most this many sessions (a year of weekly
# sessions); a longer course is booked as a new series later.
MAX_OCCURRENCES = 52
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)


def make_rule(
    *,
    every_weeks: int,
    weekdays: list[int],
    until: date | None = None,
    count: int | None = None,
) -> str:
    """An RRULE for sessions every ``every_weeks`` weeks on ``weekdays``
    (0 is Monday), ending on ``until`` (inclusive) or after ``count``
    sessions; exactly one of the two."""
    if every_weeks not in (1, 2):
        raise ValidationError("Choose weekly or fortnightly.")
    if not weekdays or any(d not in range(7) for d in weekdays):
        raise ValidationError("Choose at least one day of the week.")
    if (until is None) == (count is None):
        raise ValidationError(
            "Say when the series ends: on a date or after a number of sessions."
        )
    parts = ["FREQ=WEEKLY", f"INTERVAL={every_weeks}"]
    parts.append("BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays))))
    if count is not None:
        if not 1 <= count <= MAX_OCCURRENCES:
            raise ValidationError(
                f"A series has between 1 and {MAX_OCCURRENCES} sessions."
            )
        parts.append(f"COUNT={count}")
    else:
        parts.append(_until(until))  # type: ignore[arg-type]
    return ";".join(parts)


def _until(day: date) -> str:
    # A floating (zone-less) UNTIL, as RFC 5545 requires with a floating start.
    return f"UNTIL={day:%Y%m%d}T235959"


def local_occurrences(rule: str, first_date: date, local_start: time) -> list[datetime]:
    """The naive local start of every session of the rule, in order; refuses
    a rule that runs past ``MAX_OCCURRENCES`` or has no sessions."""
    start = datetime.combine(first_date, local_start)
    try:
        recurrence = rrulestr(rule, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise ValidationError("That repeat pattern could not be read.") from exc
    found = list(islice(iter(recurrence), MAX_OCCURRENCES + 1))
    if len(found) > MAX_OCCURRENCES:
        raise ValidationError(
            f"That pattern makes more than {MAX_OCCURRENCES} sessions. End the "
            "series sooner, and book the rest as a new series later."
        )
    return found


def occurrences(
    rule: str, first_date: date, local_start: time, zone: ZoneInfo
) -> list[datetime]:
    """Each session's start as an aware UTC datetime, keeping the local wall
    time in ``zone`` across clock changes."""
    return [
        naive.replace(tzinfo=zone).astimezone(UTC)
        for naive in local_occurrences(rule, first_date, local_start)
    ]


def end_before(rule: str, day: date) -> str:
    """The rule cut to end before local ``day`` (for "this and following")."""
    kept = [p for p in rule.split(";") if not p.startswith(("COUNT=", "UNTIL="))]
    return ";".join([*kept, _until(day - timedelta(days=1))])


def continue_from(rule: str, day: date, remaining: int) -> str:
    """The rule for a series split off at local ``day``: the same interval,
    ``remaining`` sessions (or the same end date), and ``day``'s weekday when
    the pattern has a single weekday."""
    fields = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if "," not in fields.get("BYDAY", ""):
        fields["BYDAY"] = WEEKDAY_CODES[day.weekday()]
    if "COUNT" in fields:
        fields["COUNT"] = str(max(remaining, 1))
    return ";".join(f"{k}={v}" for k, v in fields.items())


def describe(rule: str) -> str:
    """E.g. "Fortnightly on Tuesday, 6 sessions", in our own words."""
    fields = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    often = "Fortnightly" if fields.get("INTERVAL") == "2" else "Weekly"
    days = [
        WEEKDAY_NAMES[WEEKDAY_CODES.index(code)]
        for code in fields.get("BYDAY", "").split(",")
        if code in WEEKDAY_CODES
    ]
    text = f"{often} on {' and '.join(days) or 'the first day'}"
    if "COUNT" in fields:
        text += f", {fields['COUNT']} sessions"
    elif "UNTIL" in fields:
        until = date(*(int(fields["UNTIL"][a:b]) for a, b in ((0, 4), (4, 6), (6, 8))))
        text += f", until {until.day} {until:%b %Y}"
    return text
