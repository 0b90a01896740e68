from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.models import MeasureSchedule
from alliance.measures.services import schedule_measure, stop_schedule
from alliance.measures.tests.admin.helpers import move


def test_it_assigns_a_measure(alice, episode):
    schedule = schedule_measure(
        episode, "phq9", when="every_n_weeks", every_n_weeks=2, by=alice
    )
    stored = MeasureSchedule.objects.get(pk=schedule.pk)
    assert stored.episode == episode
    assert stored.instrument == "phq9"
    assert stored.when == "every_n_weeks"
    assert stored.every_n_weeks == 2
    assert stored.active is True
    assert stored.share_with_client is False
    assert stored.created_by == alice
    assert stored.describe_when() == "Every 2 weeks"
    assert str(stored) == "PHQ-9, every 2 weeks"


def test_it_ignores_weeks_for_other_schedules(alice, episode):
    schedule = schedule_measure(
        episode, "gad7", when="every_session", every_n_weeks=3, by=alice
    )
    assert schedule.every_n_weeks is None


def test_it_records_audit_event(alice, episode):
    schedule = schedule_measure(episode, "phq9", when="once", by=alice)
    event = AuditEvent.objects.get(action="measure_schedule.create")
    assert event.actor == alice
    assert event.object_uuid == schedule.uuid
    assert event.client_uuid == episode.client.uuid
    assert event.detail == {"instrument": "phq9", "when": "once"}


@pytest.mark.parametrize(
    ("code", "when", "weeks", "message"),
    [
        ("nope", "once", None, "“nope” is not a measure Alliance knows."),
        ("phq9", "sometimes", None, "Choose when the measure should be given."),
        (
            "phq9",
            "every_n_weeks",
            None,
            "Say how many weeks apart the measure is given, from 1 to 52.",
        ),
        (
            "phq9",
            "every_n_weeks",
            53,
            "Say how many weeks apart the measure is given, from 1 to 52.",
        ),
    ],
)
def test_it_refuses_bad_input(alice, episode, code, when, weeks, message):
    with pytest.raises(ValidationError) as caught:
        schedule_measure(episode, code, when=when, every_n_weeks=weeks, by=alice)
    assert caught.value.messages == [message]
    assert MeasureSchedule.objects.count() == 0


def test_it_refuses_a_duplicate(alice, episode):
    schedule_measure(episode, "phq9", when="every_session", by=alice)
    with pytest.raises(ValidationError) as caught:
        schedule_measure(episode, "phq9", when="every_session", by=alice)
    assert caught.value.messages == [
        "PHQ-9 is already assigned every session in this episode."
    ]
    assert MeasureSchedule.objects.count() == 1


def test_it_refuses_a_closed_episode(alice, episode):
    move(episode, "closed")
    with pytest.raises(ValidationError, match="closed episode"):
        schedule_measure(episode, "phq9", when="once", by=alice)


def test_it_stops_a_schedule(alice, episode):
    schedule = schedule_measure(episode, "phq9", when="every_session", by=alice)
    stop_schedule(schedule, by=alice)
    stored = MeasureSchedule.objects.get(pk=schedule.pk)
    assert stored.active is False
    assert stored.stopped_by == alice
    assert stored.stopped_at is not None
    assert AuditEvent.objects.filter(action="measure_schedule.stop").count() == 1
    with pytest.raises(ValidationError, match="already stopped"):
        stop_schedule(stored, by=alice)


def test_it_assigns_from_the_chart(as_user, alice, cleo, episode):
    response = as_user(alice).post(
        reverse("measures:assign", args=[episode.uuid]),
        {
            "instrument": "gad7",
            "when": "every_n_weeks",
            "every_n_weeks": "4",
            "share_with_client": "on",
        },
        follow=True,
    )
    schedule = MeasureSchedule.objects.get()
    assert schedule.every_n_weeks == 4
    assert schedule.share_with_client is True
    assert "GAD-7 assigned: every 4 weeks." in response.text
    assert "GAD-7: every 4 weeks, shared with the client" in response.text


def test_it_explains_a_refused_assignment(as_user, alice, episode):
    response = as_user(alice).post(
        reverse("measures:assign", args=[episode.uuid]),
        {"instrument": "phq9", "when": "every_n_weeks"},
        follow=True,
    )
    assert "Say how many weeks apart the measure is given." in response.text
    assert MeasureSchedule.objects.count() == 0


def test_it_stops_from_the_chart(as_user, alice, episode):
    schedule = schedule_measure(episode, "phq9", when="every_session", by=alice)
    response = as_user(alice).post(reverse("measures:stop", args=[schedule.uuid]))
    assert response.status_code == 302
    assert MeasureSchedule.objects.get().active is False


def test_it_refuses_bob_and_sam(as_user, alice, bob, sam, episode):
    url = reverse("measures:assign", args=[episode.uuid])
    data = {"instrument": "phq9", "when": "once"}
    assert as_user(bob).post(url, data).status_code == 404
    assert as_user(sam).post(url, data).status_code == 403
    assert MeasureSchedule.objects.count() == 0


def test_it_rejects_get(as_user, alice, episode):
    url = reverse("measures:assign", args=[episode.uuid])
    assert as_user(alice).get(url).status_code == 405
