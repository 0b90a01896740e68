"""Appointments across the spring-forward gap keep their real length."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alliance.scheduling.services import book_appointment

LONDON = ZoneInfo("Europe/London")


def test_it_books_a_time_the_clocks_skipped(alice, cleo):
    # 01:30 on 29 March 2026 does not exist in London (01:00 GMT -> 02:00 BST).
    appointment = book_appointment(
        client=cleo,
        clinician=alice,
        starts_at=datetime(2026, 3, 29, 1, 30, tzinfo=LONDON),
        duration_minutes=50,
        modality="video",
        location="",
        by=alice,
    )
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=50)


def test_an_appointment_over_the_change_lasts_its_minutes(alice, cleo):
    appointment = book_appointment(
        client=cleo,
        clinician=alice,
        starts_at=datetime(2026, 3, 29, 0, 40, tzinfo=LONDON),
        duration_minutes=50,
        modality="video",
        location="",
        by=alice,
    )
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=50)
    assert appointment.ends_at.astimezone(LONDON).hour == 2  # 01:30 GMT is 02:30 BST


def test_far_away_dates_are_refused_not_crashed(as_user, alice, cleo):
    import pytest
    from django.core.exceptions import ValidationError

    http = as_user(alice)
    for day in ("9999-12-31", "0001-01-01"):
        assert http.get(f"/calendar/day/{day}/").status_code == 404
        assert http.get(f"/calendar/week/{day}/").status_code == 404
    for year in (1, 9999):
        with pytest.raises(ValidationError, match="Check the date"):
            book_appointment(
                client=cleo,
                clinician=alice,
                starts_at=datetime(year, 6, 1, 10, tzinfo=LONDON),
                duration_minutes=50,
                modality="video",
                location="",
                by=alice,
            )
