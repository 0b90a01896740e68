"""A settable clock, the database task backend, and helpers that book and
assign through the apps' services."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from conftest import make_client

LONDON = ZoneInfo("Europe/London")
# A Tuesday morning in winter time, when London is on UTC.
MORNING = datetime(2030, 3, 5, 9, 0, tzinfo=LONDON)


class Clock:
    """Stands in for django.utils.timezone.now; move it with ``clock.at = ...``."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)


@pytest.fixture
def clock():
    clock = Clock(MORNING)
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


@pytest.fixture(autouse=True)
def db_tasks(settings):
    """Tasks go to the database queue, as in production, for the worker to run."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://alliance.example.org"


def run_worker() -> str:
    out = StringIO()
    call_command("worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
    return out.getvalue()


def book(client, starts_at, *, clinician=None):
    from alliance.scheduling.services import book_appointment

    clinician = clinician or client.clinician
    return book_appointment(
        client=client,
        clinician=clinician,
        starts_at=starts_at,
        duration_minutes=50,
        modality="video",
        location="https://video.example.org/CANARY-room",
        by=clinician,
    )


def homework_due(
    client,
    due_date,
    *,
    reminder=True,
    instructions="Notice one calm moment (CANARY-homework).",
):
    from alliance.homework.services import assign_homework

    return assign_homework(
        client.current_episode(),
        by=client.clinician,
        template="sf_scaling",
        title="Scaling diary CANARY-title",
        instructions=instructions,
        due_date=due_date,
        reminder=reminder,
    )


def with_portal(client):
    """Give a client made with ``make_client`` a portal login."""
    from alliance.accounts.models import User

    client.user = User.objects.create_user(
        client.email,
        "x-unused-password-x",
        full_name=f"{client.given_name} {client.family_name}",
        role=User.Role.CLIENT,
        practice=client.practice,
    )
    client.save(update_fields=["user"])
    return client


@pytest.fixture
def rosa(alice, clock):
    """A portal client with a distinctive surname, to look for in emails."""
    return with_portal(
        make_client(alice, given_name="Rosa", family_name="Quillfeather")
    )
