"""A settable clock (starting now), the site address for links, and a way to
raise an alert whose on-commit work runs, as it would after a request."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

CANARY = "CANARY-summary"


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)


@pytest.fixture
def clock():
    clock = Clock(timezone.now())
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://alliance.example.org"


@pytest.fixture
def raise_high(django_capture_on_commit_callbacks):
    """raise_alert(...) with its on-commit hooks run (the email is queued)."""
    from alliance.alerts.services import raise_alert

    def _raise(client, *, severity="high", source="PHQ-9 item 9"):
        with django_capture_on_commit_callbacks(execute=True):
            return raise_alert(
                client,
                source=source,
                summary=f"{CANARY}: has thought about ending their life",
                severity=severity,
            )

    return _raise
