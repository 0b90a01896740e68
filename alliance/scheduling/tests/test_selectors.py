"""Read-only queries and partials used by the client chart and the home page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

from alliance.scheduling.selectors import chart_appointments, todays_appointments
from alliance.scheduling.services import set_status
from alliance.scheduling.tests.conftest import LONDON, at


def _today_at(hour, minute=0):
    return timezone.localtime(timezone=LONDON).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )


def test_chart_appointments_are_newest_first(book, alice, cleo, dan):
    older = book(cleo, at(2026, 7, 1, 10))
    newer = book(cleo, at(2026, 7, 8, 10))
    cancelled = book(cleo, at(2026, 7, 15, 10))
    set_status(cancelled, "cancelled", by=alice, reason="Client unwell")
    book(dan, at(2026, 7, 20, 10))
    assert chart_appointments(cleo) == [cancelled, newer, older]


def test_chart_appointments_are_bounded(book, cleo, django_assert_max_num_queries):
    for week in range(55):
        book(cleo, at(2026, 1, 5, 10) + timedelta(weeks=week))
    with django_assert_max_num_queries(1):
        rows = chart_appointments(cleo)
    assert len(rows) == 50
    assert rows[0].starts_at == at(2026, 1, 5, 10) + timedelta(weeks=54)


def test_todays_appointments_are_the_users_own_in_start_order(book, alice, cleo, dan):
    late = book(cleo, _today_at(16))
    early = book(cleo, _today_at(9))
    cancelled = book(cleo, _today_at(12))
    set_status(cancelled, "cancelled", by=alice, reason="Client unwell")
    book(cleo, _today_at(9) + timedelta(days=1))
    book(cleo, _today_at(9) - timedelta(days=1))
    book(dan, _today_at(10))
    assert todays_appointments(alice) == [early, late]


def test_todays_appointments_follow_the_practice_day(book, practice, alice, cleo):
    practice.time_zone = "Pacific/Kiritimati"  # UTC+14
    practice.save(update_fields=["time_zone"])
    alice.refresh_from_db()
    zone = ZoneInfo("Pacific/Kiritimati")
    start = datetime.combine(timezone.localdate(timezone=zone), time.min, tzinfo=zone)
    appointment = book(cleo, start + timedelta(hours=1))
    assert todays_appointments(alice) == [appointment]


def test_the_today_partial_lists_time_client_and_modality(book, alice, cleo):
    appointment = book(cleo, _today_at(14, 30), modality="video")
    html = render_to_string(
        "scheduling/_today.html", {"appointments": todays_appointments(alice)}
    )
    assert f'href="/calendar/appointments/{appointment.uuid}/">14:30–15:20</a>' in html
    assert f'<a href="/clients/{cleo.uuid}/">Cleo Example</a>' in html
    assert "Video" in html


def test_the_today_partial_reads_nothing_more_per_row(
    book, alice, cleo, dan, django_assert_num_queries
):
    """The day list reads only the columns it shows (issue #13); showing
    them must not fetch a deferred one row by row."""
    book(cleo, _today_at(9), modality="video")
    book(dan, _today_at(11), clinician=alice)
    rows = todays_appointments(alice)
    with django_assert_num_queries(0):
        html = render_to_string("scheduling/_today.html", {"appointments": rows})
    assert html.count('class="appt"') == 2


def test_the_today_partial_says_when_the_day_is_empty():
    html = render_to_string("scheduling/_today.html", {"appointments": []})
    assert "No appointments today." in html


def test_the_chart_partial_shows_local_times_and_a_booking_link(book, alice, cleo):
    appointment = book(cleo, datetime(2026, 7, 1, 9, 0, tzinfo=UTC), minutes=60)
    html = render_to_string(
        "scheduling/_chart_appointments.html",
        {"appointments": chart_appointments(cleo), "client": cleo, "user": alice},
    )
    assert (
        f'<a href="/calendar/appointments/{appointment.uuid}/">Wed 1 Jul 2026, 10:00</a>'
        in html
    )
    assert "60 min" in html
    assert "In person" in html
    assert "Booked" in html
    assert f'href="/calendar/new/?client={cleo.uuid}"' in html


def test_the_chart_partial_offers_booking_to_the_primary_clinician_only(sam, cleo):
    html = render_to_string(
        "scheduling/_chart_appointments.html",
        {"appointments": [], "client": cleo, "user": sam},
    )
    assert "Book appointment" not in html
    assert "No appointments yet." in html


def test_the_client_chart_includes_the_appointments(as_user, book, alice, cleo):
    appointment = book(cleo, at(2026, 7, 1, 10))
    body = as_user(alice).get(f"/clients/{cleo.uuid}/notes/").content.decode()
    assert f"/calendar/appointments/{appointment.uuid}/" in body
    assert "Book appointment" in body
