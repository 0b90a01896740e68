"""No clinician is in two appointments at once; touching is not overlapping."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.scheduling.models import Appointment
from alliance.scheduling.services import set_status
from alliance.scheduling.tests.conftest import at

CLASH = "Alice Clinician already has an appointment 10:00–10:50 on Tue 1 Dec."


def test_it_refuses_an_overlapping_booking(book, alice, cleo):
    book(cleo, at(2026, 12, 1, 10))
    with pytest.raises(ValidationError) as exc:
        book(cleo, at(2026, 12, 1, 10, 30))
    assert exc.value.messages == [CLASH]
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("hour", "minute", "minutes"),
    [
        (10, 0, 50),  # the same slot
        (9, 30, 40),  # ends inside
        (10, 10, 20),  # inside
        (9, 0, 180),  # encloses
        (10, 49, 10),  # one minute of overlap at the end
        (9, 11, 50),  # one minute of overlap at the start
    ],
)
def test_it_refuses_every_kind_of_overlap(book, cleo, hour, minute, minutes):
    book(cleo, at(2026, 12, 1, 10))
    with pytest.raises(ValidationError) as exc:
        book(cleo, at(2026, 12, 1, hour, minute), minutes=minutes)
    assert exc.value.messages == [CLASH]


def test_it_allows_touching_boundaries(book, cleo):
    book(cleo, at(2026, 12, 1, 10))
    after = book(cleo, at(2026, 12, 1, 10, 50))
    before = book(cleo, at(2026, 12, 1, 9, 10))
    assert (after.starts_at, after.ends_at) == (
        at(2026, 12, 1, 10, 50),
        at(2026, 12, 1, 11, 40),
    )
    assert before.ends_at == at(2026, 12, 1, 10)
    assert Appointment.objects.count() == 3


def test_it_ignores_cancelled_appointments(book, alice, cleo):
    first = book(cleo, at(2026, 12, 1, 10))
    set_status(first, "cancelled", by=alice, reason="Client unwell")
    again = book(cleo, at(2026, 12, 1, 10))
    assert again.status == "booked"


def test_it_counts_held_and_missed_appointments(book, alice, cleo):
    first = book(cleo, at(2026, 1, 6, 10))
    set_status(first, "no_show", by=alice)
    with pytest.raises(ValidationError):
        book(cleo, at(2026, 1, 6, 10, 20))


def test_it_lets_two_clinicians_see_clients_at_the_same_time(book, cleo, dan):
    book(cleo, at(2026, 12, 1, 10))
    other = book(dan, at(2026, 12, 1, 10))
    assert other.clinician.full_name == "Bob Clinician"


def test_it_names_the_clash_in_the_practice_time_zone(book, cleo):
    # 1 July is summer time in London (UTC+1): the message shows wall-clock time.
    book(cleo, at(2026, 7, 1, 14))
    with pytest.raises(ValidationError) as exc:
        book(cleo, at(2026, 7, 1, 14, 30))
    assert exc.value.messages == [
        "Alice Clinician already has an appointment 14:00–14:50 on Wed 1 Jul."
    ]


def test_it_locks_the_clinician_before_checking(book, alice, cleo):
    """Race safety: PostgreSQL locks the clinician's row; SQLite serialises
    writers because every transaction begins IMMEDIATE."""
    with CaptureQueriesContext(connection) as queries:
        book(cleo, at(2026, 12, 1, 10))
    sql = [q["sql"] for q in queries.captured_queries]
    if connection.features.has_select_for_update:
        lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q)
        check = next(i for i, q in enumerate(sql) if "scheduling_appointment" in q)
        assert '"accounts_user"' in sql[lock]
        assert lock < check
    else:
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
