"""Video sessions: room names, the join window, and where the link may go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.reminders.selectors import digest_content, preference_for
from alliance.reminders.services import digest_email
from alliance.scheduling import ics
from alliance.scheduling.services import set_status
from alliance.scheduling.tests.conftest import at
from alliance.scheduling.video import JOIN_EARLY, can_join, join_url

START = at(2030, 7, 1, 15)


@pytest.fixture
def online(book, cleo):
    return book(cleo, START, modality="video", location="")


def test_each_video_session_gets_its_own_random_room(book, cleo, online):
    other = book(cleo, START + timedelta(days=7), modality="video", location="")
    in_person = book(cleo, START + timedelta(days=14))
    assert online.video_room and other.video_room
    assert online.video_room != other.video_room
    assert len(online.video_room) >= 22  # 128 random bits
    assert in_person.video_room == ""
    # Nothing about the client in it.
    for value in (cleo.given_name, cleo.family_name, cleo.email):
        assert value.lower() not in online.video_room.lower()
    for value in (cleo.uuid, online.uuid):
        assert value.hex not in online.video_room
        assert str(value) not in online.video_room


def test_moving_to_video_gives_a_room(book, cleo, alice):
    from alliance.scheduling.services import reschedule_appointment

    appointment = book(cleo, START)
    moved = reschedule_appointment(
        appointment,
        starts_at=START,
        duration_minutes=50,
        modality="video",
        location="",
        by=alice,
    )
    assert moved.video_room


def test_join_url_follows_the_practice_setting(online, practice):
    assert join_url(online) == f"https://meet.jit.si/{online.video_room}"
    practice.video_url_template = "https://video.example.org/rooms/"
    practice.save()
    online.client.practice.refresh_from_db()
    assert join_url(online) == f"https://video.example.org/rooms/{online.video_room}"
    online.client.practice.video_url_template = (
        "https://meet.example.org/{room}?lang=en"
    )
    assert join_url(online) == f"https://meet.example.org/{online.video_room}?lang=en"


def test_join_window_boundaries(online, alice):
    opens = START - JOIN_EARLY
    assert opens == START - timedelta(minutes=10)
    assert not can_join(online, opens - timedelta(seconds=1))
    assert can_join(online, opens)
    assert can_join(online, online.ends_at - timedelta(seconds=1))
    assert not can_join(online, online.ends_at)
    set_status(online, "cancelled", by=alice, reason="Clinician unwell")
    online.refresh_from_db()
    assert not can_join(online, START)


def test_in_person_sessions_have_nothing_to_join(book, cleo):
    appointment = book(cleo, START)
    assert not can_join(appointment, START)
    assert join_url(appointment) == ""


def test_clinician_sees_the_link_on_the_appointment_page(online, alice, as_user):
    page = as_user(alice).get(online.get_absolute_url()).content.decode()
    assert join_url(online) in page


def test_no_room_in_calendar_files(online):
    now = timezone.now()
    feed = ics.calendar([online], name="Alice", now=now)
    mine = ics.client_calendar(online, now=now, portal_url="https://x.test/portal/")
    assert online.video_room not in feed
    assert online.video_room not in mine
    assert "Session with Alice Clinician" in mine
    assert "Cleo" not in mine


def test_reminder_says_online_without_the_room(book, cleo):
    now = timezone.now()
    appointment = book(cleo, now + timedelta(hours=5), modality="video", location="")
    content = digest_content(cleo, now, preference_for(cleo))
    email = digest_email(cleo, content)
    assert "online session: join it from your portal" in email.body
    assert appointment.video_room not in email.body + email.subject
    assert "meet.jit.si" not in email.body
