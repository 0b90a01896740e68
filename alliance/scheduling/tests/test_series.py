"""Repeating appointments: RFC 5545 rules in local wall time, all-or-nothing
clash checks, and cancelling this and following sessions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.scheduling import recurrence
from alliance.scheduling.models import Appointment, AppointmentSeries
from alliance.scheduling.services import book_series, cancel_following, set_status

from .conftest import LONDON, at

NEW_YORK = ZoneInfo("America/New_York")


def series_for(client, starts_at, rule, *, minutes=50, **extra):
    fields = {"modality": "in_person", "location": "Room 2"}
    fields.update(extra)
    return book_series(
        client=client,
        clinician=client.clinician,
        starts_at=starts_at,
        duration_minutes=minutes,
        rule=rule,
        by=client.clinician,
        **fields,
    )


def test_make_rule_writes_rfc5545():
    assert (
        recurrence.make_rule(every_weeks=2, weekdays=[1], count=6)
        == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6"
    )
    assert (
        recurrence.make_rule(every_weeks=1, weekdays=[3, 0], until=date(2026, 6, 1))
        == "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;UNTIL=20260601T235959"
    )


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"every_weeks": 3, "weekdays": [0], "count": 2}, "weekly or fortnightly"),
        ({"every_weeks": 1, "weekdays": [], "count": 2}, "day of the week"),
        ({"every_weeks": 1, "weekdays": [0]}, "when the series ends"),
        ({"every_weeks": 1, "weekdays": [0], "count": 53}, "between 1 and 52"),
    ],
)
def test_make_rule_refuses_bad_input(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        recurrence.make_rule(**kwargs)


def test_long_series_are_refused():
    rule = recurrence.make_rule(every_weeks=1, weekdays=[0], until=date(2028, 1, 1))
    with pytest.raises(ValidationError, match="more than 52"):
        recurrence.occurrences(rule, date(2026, 1, 5), time(10), LONDON)


@pytest.mark.parametrize(
    "zone,first,change",
    [
        # London: BST starts 29 Mar 2026, ends 25 Oct 2026.
        (LONDON, date(2026, 3, 17), date(2026, 3, 29)),
        (LONDON, date(2026, 10, 13), date(2026, 10, 25)),
        # New York: DST starts 8 Mar 2026, ends 1 Nov 2026.
        (NEW_YORK, date(2026, 2, 24), date(2026, 3, 8)),
        (NEW_YORK, date(2026, 10, 20), date(2026, 11, 1)),
    ],
)
def test_sessions_keep_their_local_time_across_clock_changes(zone, first, change):
    rule = recurrence.make_rule(every_weeks=1, weekdays=[first.weekday()], count=4)
    starts = recurrence.occurrences(rule, first, time(10), zone)
    local = [s.astimezone(zone) for s in starts]
    assert [(d.hour, d.minute) for d in local] == [(10, 0)] * 4
    assert [d.date() for d in local][:2] == [first, first + timedelta(days=7)]
    before = [s for s in starts if s.date() < change]
    after = [s for s in starts if s.date() > change]
    # The UTC hour moves by one across the change; the wall time does not.
    assert before and after
    assert abs(before[0].hour - after[0].hour) == 1


def test_a_series_books_every_session_in_local_time(alice, cleo):
    rule = recurrence.make_rule(every_weeks=2, weekdays=[1], count=4)
    series = series_for(cleo, at(2026, 3, 17, 10), rule)
    rows = list(series.appointments.order_by("starts_at"))
    assert [r.starts_at.astimezone(LONDON).date() for r in rows] == [
        date(2026, 3, 17),
        date(2026, 3, 31),
        date(2026, 4, 14),
        date(2026, 4, 28),
    ]
    assert {r.starts_at.astimezone(LONDON).time() for r in rows} == {time(10)}
    assert rows[0].starts_at.hour == 10 and rows[1].starts_at.hour == 9  # UTC
    assert {r.duration_minutes for r in rows} == {50}
    assert rows[0].purpose == "assessment"
    assert {r.purpose for r in rows[1:]} == {"treatment"}
    event = AuditEvent.objects.get(action="appointment_series.book")
    assert event.detail["count"] == 4
    assert str(event.client_uuid) == str(cleo.uuid)


def test_chosen_weekdays(alice, cleo):
    rule = recurrence.make_rule(every_weeks=1, weekdays=[0, 3], until=date(2026, 6, 18))
    series = series_for(cleo, at(2026, 6, 1, 14), rule)
    days = [
        a.starts_at.astimezone(LONDON).strftime("%a %d")
        for a in series.appointments.order_by("starts_at")
    ]
    assert days == ["Mon 01", "Thu 04", "Mon 08", "Thu 11", "Mon 15", "Thu 18"]


def test_a_clash_books_nothing_and_names_the_session(alice, cleo, book):
    book(cleo, at(2026, 4, 14, 10, 30))
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=6)
    with pytest.raises(ValidationError) as info:
        series_for(cleo, at(2026, 3, 31, 10), rule, purpose="treatment")
    message = info.value.messages[0]
    assert "session 3 of 6" in message
    assert "10:00–10:50 on Tue 14 Apr 2026" in message
    assert "10:30–11:20 on Tue 14 Apr" in message
    assert Appointment.objects.count() == 1
    assert not AppointmentSeries.objects.exists()


def test_cancelled_appointments_do_not_clash(alice, cleo, book):
    other = book(cleo, at(2026, 4, 14, 10))
    set_status(other, "cancelled", by=alice, reason="Unwell")
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=3)
    assert series_for(cleo, at(2026, 3, 31, 10), rule).appointments.count() == 3


def test_the_series_is_checked_like_one_booking(alice, cleo):
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=3)
    with pytest.raises(ValidationError, match="in person, video or phone"):
        series_for(cleo, at(2026, 3, 31, 10), rule, modality="owl")
    with pytest.raises(ValidationError, match="between 10 and 240"):
        series_for(cleo, at(2026, 3, 31, 10), rule, minutes=5)
    assert not Appointment.objects.exists()


def test_one_session_is_cancelled_on_its_own(alice, cleo):
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=3)
    series = series_for(cleo, at(2026, 3, 31, 10), rule)
    middle = series.appointments.order_by("starts_at")[1]
    set_status(middle, "cancelled", by=alice, reason="Clinician on leave")
    statuses = list(series.appointments.order_by("starts_at").values_list("status"))
    assert statuses == [("booked",), ("cancelled",), ("booked",)]


def test_cancel_this_and_following_splits_the_series(alice, cleo):
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=5)
    series = series_for(cleo, at(2026, 3, 31, 10), rule)
    rows = list(series.appointments.order_by("starts_at"))
    set_status(rows[3], "cancelled", by=alice, reason="Already off")
    assert cancel_following(rows[2], by=alice, reason="Moving away") == 2
    statuses = [
        (a.status, a.cancel_reason) for a in series.appointments.order_by("starts_at")
    ]
    assert statuses == [
        ("booked", ""),
        ("booked", ""),
        ("cancelled", "Moving away"),
        ("cancelled", "Already off"),
        ("cancelled", "Moving away"),
    ]
    series.refresh_from_db()
    assert series.rule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20260413T235959"
    local = recurrence.occurrences(
        series.rule, series.first_date, series.local_start, LONDON
    )
    assert len(local) == 2
    event = AuditEvent.objects.get(action="appointment_series.cancel_following")
    assert event.detail["count"] == 2


def test_cancel_following_refuses_bad_input(alice, cleo, book):
    single = book(cleo, at(2026, 3, 31, 10))
    with pytest.raises(ValidationError, match="not part of a repeating series"):
        cancel_following(single, by=alice, reason="x")
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=2)
    series = series_for(cleo, at(2026, 4, 7, 10), rule)
    first = series.appointments.order_by("starts_at")[0]
    with pytest.raises(ValidationError, match="Give a reason"):
        cancel_following(first, by=alice, reason="  ")
    assert not series.appointments.filter(status="cancelled").exists()


def test_describe_in_words():
    assert (
        recurrence.describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6")
        == "Fortnightly on Tuesday, 6 sessions"
    )
    assert recurrence.describe(
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;UNTIL=20260601T235959"
    ) == ("Weekly on Monday and Thursday, until 1 Jun 2026")


def test_series_starts_at_must_be_aware(alice, cleo):
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=2)
    with pytest.raises(ValueError):
        series_for(cleo, datetime(2026, 3, 31, 10), rule)


def test_change_this_and_following_moves_the_rest(alice, cleo):
    from alliance.scheduling.services import change_following

    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=4)
    series = series_for(cleo, at(2026, 3, 17, 10), rule)
    rows = list(series.appointments.order_by("starts_at"))
    new = change_following(
        rows[2],
        starts_at=at(2026, 4, 2, 15),
        duration_minutes=60,
        modality="video",
        location="",
        by=alice,
    )
    assert new.rule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;COUNT=2"
    series.refresh_from_db()
    assert series.rule.endswith("UNTIL=20260330T235959")
    local = [
        (a.starts_at.astimezone(LONDON).strftime("%a %d %b %H:%M"), a.series_id)
        for a in Appointment.objects.order_by("starts_at")
    ]
    assert local == [
        ("Tue 17 Mar 10:00", series.pk),
        ("Tue 24 Mar 10:00", series.pk),
        ("Thu 02 Apr 15:00", new.pk),
        ("Thu 09 Apr 15:00", new.pk),
    ]
    assert Appointment.objects.get(pk=rows[3].pk).duration_minutes == 60


def test_change_following_refuses_a_clash_and_changes_nothing(alice, cleo, book):
    from alliance.scheduling.services import change_following

    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=3)
    series = series_for(cleo, at(2026, 3, 17, 10), rule)
    book(cleo, at(2026, 4, 2, 15, 30))
    first = series.appointments.order_by("starts_at")[0]
    with pytest.raises(ValidationError, match="Nothing was changed: session 3 of 3"):
        change_following(
            first,
            starts_at=at(2026, 3, 19, 15),
            duration_minutes=50,
            modality="video",
            location="",
            by=alice,
        )
    # Its own sessions never clash with the move.
    series.refresh_from_db()
    assert series.rule == rule
    assert AppointmentSeries.objects.count() == 1
    change_following(
        first,
        starts_at=at(2026, 3, 17, 10, 30),
        duration_minutes=50,
        modality="video",
        location="",
        by=alice,
    )
    assert AppointmentSeries.objects.count() == 2


def test_online_series_sessions_each_get_their_own_room(alice, cleo):
    """Issue #16: every session of an online series has an unguessable room of
    its own (scheduling.video), as a single video booking does."""
    rule = recurrence.make_rule(every_weeks=1, weekdays=[1], count=3)
    series = series_for(cleo, at(2026, 3, 17, 10), rule, modality="video", location="")
    rooms = [a.video_room for a in series.appointments.order_by("starts_at")]
    assert len(rooms) == 3
    assert all(len(room) >= 20 for room in rooms)
    assert len(set(rooms)) == 3
