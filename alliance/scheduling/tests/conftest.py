"""Helpers for the scheduling tests: book through the service, as the app does."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in the test practice's zone (Europe/London)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def book():
    from alliance.scheduling.services import book_appointment

    def _book(client, starts_at, *, minutes=50, clinician=None, by=None, **extra):
        clinician = clinician or client.clinician
        fields = {"modality": "in_person", "location": "Room 2"}
        fields.update(extra)
        return book_appointment(
            client=client,
            clinician=clinician,
            starts_at=starts_at,
            duration_minutes=minutes,
            by=by or clinician,
            **fields,
        )

    return _book
