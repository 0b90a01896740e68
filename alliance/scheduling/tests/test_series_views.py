"""The repeating-appointments form and "cancel this and following"."""

from __future__ import annotations

from alliance.scheduling.models import Appointment, AppointmentSeries
from alliance.scheduling.tests.conftest import LONDON, at

URL = "/calendar/series/new/"


def _data(client, **extra):
    data = {
        "client": str(client.uuid),
        "starts_at": "2026-03-17T10:00",
        "duration_minutes": "50",
        "modality": "in_person",
        "location": "Room 2",
        "every_weeks": "2",
        "count": "4",
    }
    data.update(extra)
    return data


def test_it_books_a_fortnightly_series_across_the_clock_change(as_user, alice, cleo):
    response = as_user(alice).post(URL, _data(cleo))
    assert response.status_code == 302
    assert response["Location"] == "/calendar/week/2026-03-17/"
    series = AppointmentSeries.objects.get()
    assert series.rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4"
    local = [
        a.starts_at.astimezone(LONDON).strftime("%d %b %H:%M")
        for a in Appointment.objects.order_by("starts_at")
    ]
    assert local == ["17 Mar 10:00", "31 Mar 10:00", "14 Apr 10:00", "28 Apr 10:00"]


def test_chosen_weekdays_until_a_date(as_user, alice, cleo):
    data = _data(
        cleo,
        starts_at="2026-06-01T14:00",
        every_weeks="1",
        weekdays=["0", "3"],
        count="",
        until="2026-06-11",
    )
    assert as_user(alice).post(URL, data).status_code == 302
    assert Appointment.objects.count() == 4


def test_a_clash_is_named_and_nothing_booked(as_user, book, alice, cleo):
    book(cleo, at(2026, 4, 14, 10, 30))
    response = as_user(alice).post(URL, _data(cleo))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "Nothing was booked: session 3 of 4 (10:00–10:50 on Tue 14 Apr 2026) "
        "clashes with Alice Clinician's appointment 10:30–11:20 on Tue 14 Apr."
    ]
    assert Appointment.objects.count() == 1


def test_bad_input_is_explained(as_user, alice, cleo):
    http = as_user(alice)
    for extra, message in [
        ({"count": ""}, "Say when the series ends"),
        ({"until": "2026-05-01"}, "Say when the series ends"),
        ({"count": "99"}, "less than or equal to 52"),
        ({"every_weeks": "7"}, "Choose weekly or fortnightly."),
        ({"weekdays": ["9"]}, "Choose days of the week from the list."),
        ({"until": "2026-02-30", "count": ""}, "Enter a valid date."),
        ({"count": "", "until": "2028-01-01", "every_weeks": "1"}, "more than 52"),
    ]:
        response = http.post(URL, _data(cleo, **extra))
        assert response.status_code == 200, extra
        assert message in response.content.decode(), extra
    assert not Appointment.objects.exists()


def test_cancel_this_and_following_from_the_detail_page(as_user, alice, cleo):
    http = as_user(alice)
    http.post(URL, _data(cleo))
    rows = list(Appointment.objects.order_by("starts_at"))
    page = http.get(f"/calendar/appointments/{rows[1].uuid}/").content.decode()
    assert "Fortnightly on Tuesday, 4 sessions" in page
    assert "Cancel this and following sessions" in page
    response = http.post(
        f"/calendar/appointments/{rows[1].uuid}/cancel-following/",
        {"reason": "Client moving away"},
    )
    assert response.status_code == 302
    statuses = list(
        Appointment.objects.order_by("starts_at").values_list("status", flat=True)
    )
    assert statuses == ["booked", "cancelled", "cancelled", "cancelled"]


def test_cancel_following_without_a_reason_changes_nothing(as_user, alice, cleo):
    http = as_user(alice)
    http.post(URL, _data(cleo))
    first = Appointment.objects.order_by("starts_at").first()
    response = http.post(
        f"/calendar/appointments/{first.uuid}/cancel-following/",
        {"reason": ""},
        follow=True,
    )
    assert "Give a reason for cancelling." in response.content.decode()
    assert not Appointment.objects.filter(status="cancelled").exists()


def test_change_this_and_following_page(as_user, alice, cleo, book):
    http = as_user(alice)
    http.post(URL, _data(cleo))
    rows = list(Appointment.objects.order_by("starts_at"))
    url = f"/calendar/appointments/{rows[2].uuid}/edit-following/"
    assert "this and following sessions" in http.get(url).content.decode()
    details = {"duration_minutes": "50", "modality": "video", "location": ""}
    response = http.post(url, {"starts_at": "2026-04-16T16:00", **details})
    assert response.status_code == 302
    local = [
        a.starts_at.astimezone(LONDON).strftime("%a %d %b %H:%M")
        for a in Appointment.objects.order_by("starts_at")
    ]
    assert local[2:] == ["Thu 16 Apr 16:00", "Thu 30 Apr 16:00"]
    book(cleo, at(2026, 5, 15, 9))
    response = http.post(url, {"starts_at": "2026-05-01T09:00", **details})
    assert response.status_code == 200
    assert "Nothing was changed: session 2 of 2" in response.content.decode()
    response = http.post(url, {"starts_at": "not a date", **details})
    assert "Enter a valid date/time." in response.content.decode()


def test_a_single_appointment_has_no_following_page(as_user, alice, cleo, book):
    one = book(cleo, at(2026, 4, 14, 10))
    response = as_user(alice).get(f"/calendar/appointments/{one.uuid}/edit-following/")
    assert response.status_code == 302
