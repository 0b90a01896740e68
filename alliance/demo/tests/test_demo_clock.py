"""The demo seeded at awkward times of day. Apart from test_demo.py, whose demo
is seeded once for the whole module: these tests each need an empty database."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from alliance.clients.models import Client
from alliance.scheduling.models import Appointment

DEMO = "alliance.demo.management.commands.demo"
# The parts of the demo that book nothing: scores, intakes and plans, the
# ADSM, supervision, signing, the journal, billing, endings, alerts and the
# curves. Left out here (two thirds of a seed's time, three seeds per test
# leg); test_demo.py runs them all. What books (past sessions, today's and
# upcoming ones, cover, the portal client's and the phone walk's) runs as is.
BOOK_NOTHING = (
    "seed_intakes_and_plans",
    "seed_adsm",
    "seed_supervision",
    "seed_sign",
    "seed_journal",
    "seed_billing",
    "seed_alerts",
    "tracking_sweep",
)


@pytest.mark.parametrize("hour_minute", [(0, 5), (11, 45), (23, 58)])
def test_its_bookings_never_clash_at_any_time_of_day(
    db, tmp_path, settings, hour_minute
):
    """The demo books around 'now'; no time of day may make two bookings clash
    (a clash is refused by the booking service and fails the seed)."""
    settings.VAR_DIR = tmp_path
    base = datetime(
        2026, 3, 29, *hour_minute, tzinfo=ZoneInfo("Europe/London")
    )  # DST day
    real_start = datetime.now(tz=ZoneInfo("UTC"))

    def fake_now():
        return base + (datetime.now(tz=ZoneInfo("UTC")) - real_start) + timedelta(0)

    with ExitStack() as stack:
        stack.enter_context(mock.patch("django.utils.timezone.now", fake_now))
        for name in BOOK_NOTHING:
            stack.enter_context(mock.patch(f"{DEMO}.{name}"))
        stack.enter_context(mock.patch(f"{DEMO}.seed_endings", return_value=[]))
        stack.enter_context(mock.patch(f"{DEMO}.Command._measure"))
        call_command("demo", password="x" * 16, stdout=StringIO())
    assert Client.objects.count() == 30
    assert Appointment.objects.count() > 200
