"""Day and week views: whose calendar, local times, navigation, bounded queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.scheduling.services import set_status
from alliance.scheduling.tests.conftest import LONDON, at

DAY = "/calendar/day/2026-12-01/"
WEEK = "/calendar/week/2026-12-01/"


def test_it_shows_todays_appointments_of_the_logged_in_clinician(
    as_user, book, alice, cleo, dan
):
    now = timezone.localtime(timezone=LONDON)
    start = now.replace(hour=12, minute=0, second=0, microsecond=0)
    book(cleo, start)
    book(dan, start)
    response = as_user(alice).get("/calendar/")
    assert response.status_code == 200
    assert response.context["owner"] == alice
    assert [a.client for a in response.context["appointments"]] == [cleo]


def test_it_shows_one_day(as_user, book, alice, cleo):
    first = book(cleo, at(2026, 12, 1, 10))
    book(cleo, at(2026, 12, 2, 10))
    response = as_user(alice).get(DAY)
    body = response.content.decode()
    assert response.context["appointments"] == [first]
    assert "Tuesday 1 December 2026" in body
    assert "10:00–10:50" in body
    assert "Cleo Example" in body
    assert f'href="/calendar/appointments/{first.uuid}/"' in body


def test_it_shows_times_in_the_practice_time_zone(as_user, book, practice, alice, cleo):
    practice.time_zone = "America/New_York"
    practice.save(update_fields=["time_zone"])
    # 03:00 UTC on 2 Dec is 22:00 on 1 Dec in New York.
    appointment = book(cleo, datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    response = as_user(alice).get(DAY)
    assert response.context["appointments"] == [appointment]
    assert "22:00–22:50" in response.content.decode()
    assert as_user(alice).get("/calendar/day/2026-12-02/").context["appointments"] == []


def test_it_navigates_between_days(as_user, alice):
    response = as_user(alice).get(DAY)
    assert response.context["prev_url"] == "/calendar/day/2026-11-30/"
    assert response.context["next_url"] == "/calendar/day/2026-12-02/"
    assert response.context["week_url"] == "/calendar/week/2026-12-01/"
    today = timezone.localdate(timezone=LONDON)
    assert response.context["today_url"] == f"/calendar/day/{today.isoformat()}/"


def test_it_shows_a_week_from_monday(as_user, book, alice, cleo):
    monday = book(cleo, at(2026, 11, 30, 9))
    sunday = book(cleo, at(2026, 12, 6, 18))
    book(cleo, at(2026, 12, 7, 9))  # next week
    response = as_user(alice).get(WEEK)
    days = response.context["days"]
    assert [d["date"].isoformat() for d in days] == [
        f"2026-{m:02}-{d:02}"
        for m, d in [(11, 30), (12, 1), (12, 2), (12, 3), (12, 4), (12, 5), (12, 6)]
    ]
    assert days[0]["appointments"] == [monday]
    assert days[6]["appointments"] == [sunday]
    assert sum(len(d["appointments"]) for d in days) == 2
    assert response.context["prev_url"] == "/calendar/week/2026-11-23/"
    assert response.context["next_url"] == "/calendar/week/2026-12-07/"
    body = response.content.decode()
    assert 'class="calendar-week"' in body
    assert "Week of 30 November 2026" in body


def test_it_groups_the_week_by_local_day(as_user, book, practice, alice, cleo):
    practice.time_zone = "Australia/Sydney"
    practice.save(update_fields=["time_zone"])
    # 20:00 UTC on Sun 29 Nov is 07:00 on Mon 30 Nov in Sydney.
    appointment = book(cleo, datetime(2026, 11, 29, 20, 0, tzinfo=UTC))
    days = as_user(alice).get(WEEK).context["days"]
    assert days[0]["appointments"] == [appointment]


def test_it_marks_cancelled_appointments(as_user, book, alice, cleo):
    appointment = book(cleo, at(2026, 12, 1, 10))
    set_status(appointment, "cancelled", by=alice, reason="Client unwell")
    body = as_user(alice).get(DAY).content.decode()
    assert "appt-row-cancelled" in body
    assert "Cancelled" in body


def test_it_keeps_queries_bounded(as_user, book, alice, django_assert_max_num_queries):
    from conftest import make_client

    http = as_user(alice)
    clients = [make_client(alice, given_name=f"Client{i}") for i in range(12)]
    for i, client in enumerate(clients):
        book(client, at(2026, 12, 1, 8) + timedelta(minutes=50 * i))
        book(client, at(2026, 12, 3, 8) + timedelta(minutes=50 * i))
    # Each audit event costs 3 queries: chain head, insert, head update.
    with django_assert_max_num_queries(12):
        assert http.get(DAY).status_code == 200
    with django_assert_max_num_queries(12):
        response = http.get(WEEK)
    assert sum(len(d["appointments"]) for d in response.context["days"]) == 24


def test_it_audits_the_view(as_user, book, alice, cleo):
    book(cleo, at(2026, 12, 1, 10))
    as_user(alice).get(DAY)
    event = AuditEvent.objects.get(action="calendar.view")
    assert event.object_uuid == alice.uuid
    assert event.detail == {"from": "2026-12-01", "days": 1, "count": 1}


def test_it_lets_a_supervisor_read_a_supervisees_calendar(
    as_user, book, sam, alice, cleo
):
    appointment = book(cleo, at(2026, 12, 1, 10))
    response = as_user(sam).get(DAY, {"clinician": str(alice.uuid)})
    assert response.status_code == 200
    assert response.context["appointments"] == [appointment]
    assert response.context["can_write"] is False
    body = response.content.decode()
    assert "New appointment" not in body
    assert "You can read this calendar but not change it." in body
    assert (
        response.context["next_url"]
        == f"/calendar/day/2026-12-02/?clinician={alice.uuid}"
    )
    assert [c.full_name for c in response.context["choices"]] == [
        "Alice Clinician",
        "Sam Supervisor",
    ]


def test_it_hides_another_clinicians_calendar(as_user, alice, bob):
    response = as_user(alice).get(DAY, {"clinician": str(bob.uuid)})
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action="calendar.view").get()
    assert event.outcome == AuditEvent.Outcome.DENIED


def test_it_answers_404_to_a_malformed_clinician(as_user, alice):
    assert as_user(alice).get(DAY, {"clinician": "nonsense"}).status_code == 404


def test_it_shows_the_practice_admin_any_clinicians_calendar(
    as_user, book, ada, bob, dan
):
    appointment = book(dan, at(2026, 12, 1, 10))
    response = as_user(ada).get(DAY, {"clinician": str(bob.uuid)})
    assert response.status_code == 200
    assert response.context["appointments"] == [appointment]
    assert response.context["can_write"] is True
    assert "New appointment" in response.content.decode()


def test_it_opens_the_first_calendar_for_the_practice_admin(as_user, ada, alice, bob):
    response = as_user(ada).get(DAY)
    assert response.context["owner"] == alice
    assert [c.full_name for c in response.context["choices"]] == [
        "Alice Clinician",
        "Bob Clinician",
    ]


def test_it_explains_an_empty_practice(as_user, zed):
    response = as_user(zed).get("/calendar/")
    assert response.status_code == 200
    assert "There are no clinicians in this practice yet" in response.content.decode()


def test_it_refuses_clients(as_user, cleo):
    assert as_user(cleo.user).get("/calendar/").status_code == 403


def test_it_jumps_to_a_date(as_user, alice, bob, ada):
    response = as_user(alice).get("/calendar/", {"date": "2027-03-04", "view": "week"})
    assert response["Location"] == "/calendar/week/2027-03-04/"
    response = as_user(ada).get(
        "/calendar/", {"date": "2027-03-04", "clinician": str(bob.uuid)}
    )
    assert response["Location"] == f"/calendar/day/2027-03-04/?clinician={bob.uuid}"


def test_it_answers_404_to_an_impossible_date(as_user, alice):
    assert as_user(alice).get("/calendar/day/2026-02-30/").status_code == 404
