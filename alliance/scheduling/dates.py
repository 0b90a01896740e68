"""Calendar arithmetic in the practice's time zone. Times are stored in UTC;
days and weeks are the practice's local days, which are 23 or 25 hours long
when the clocks change. The practice's zone is ``Practice.zone`` (or
``accounts.models.zone_of`` when there may be no practice)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def day_bounds(day: date, zone: ZoneInfo, days: int = 1) -> tuple[datetime, datetime]:
    """Return [start, end) of ``days`` local days from ``day`` as aware datetimes."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=days), time.min, tzinfo=zone)
    return start, end


def week_start(day: date) -> date:
    """The Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


def describe_slot(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    """E.g. "10:00–10:50 on Tue 1 Dec", in the practice's time zone."""
    start = starts_at.astimezone(zone)
    end = ends_at.astimezone(zone)
    return f"{start:%H:%M}–{end:%H:%M} on {start:%a} {start.day} {start:%b}"
