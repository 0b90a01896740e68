"""The demo seeded at awkward times of day. Apart from test_demo.py, whose demo
is seeded once for the whole module: these tests each need an empty database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from alliance.clients.models import Client


@pytest.mark.parametrize("hour_minute", [(0, 5), (11, 45), (23, 58)])
def test_it_seeds_at_any_time_of_day(db, tmp_path, settings, hour_minute):
    """The demo books around 'now'; no time of day may make two bookings clash."""
    from datetime import datetime, timedelta
    from unittest import mock
    from zoneinfo import ZoneInfo

    settings.VAR_DIR = tmp_path
    base = datetime(
        2026, 3, 29, *hour_minute, tzinfo=ZoneInfo("Europe/London")
    )  # DST day
    real_start = datetime.now(tz=ZoneInfo("UTC"))

    def fake_now():
        return base + (datetime.now(tz=ZoneInfo("UTC")) - real_start) + timedelta(0)

    with mock.patch("django.utils.timezone.now", fake_now):
        call_command("demo", password="x" * 16, stdout=StringIO())
    assert Client.objects.count() == 30
