from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.homework.models import HomeworkAssignment
from alliance.homework.services import assign_homework, client_today, end_assignment


def _post(http, episode, **data):
    from django.urls import reverse

    return http.post(reverse("homework:assign", args=[episode.uuid]), data)


def test_it_assigns_from_the_chart_form(as_user, alice, cleo):
    episode = cleo.current_episode()
    response = _post(
        as_user(alice),
        episode,
        template="thought_record",
        title="",
        instructions="When your mood drops, fill in a record.",
        technique="",
        recurrence="weekdays",
        weekdays=["0", "3"],
        reminder="on",
    )
    assert response.status_code == 302
    assignment = HomeworkAssignment.objects.get()
    assert assignment.title == "Thought record"
    assert assignment.weekdays == "0,3"
    assert assignment.schedule_text == "Every Mon, Thu"
    assert assignment.reminder is True
    assert assignment.created_by == alice
    assert AuditEvent.objects.filter(action="homework.assign").count() == 1


def test_it_shows_the_form_again_when_the_due_date_is_missing(as_user, alice, cleo):
    response = _post(
        as_user(alice),
        cleo.current_episode(),
        template="custom",
        instructions="Write to your sister.",
        recurrence="none",
    )
    assert response.status_code == 200
    assert b"Give a due date, or choose how often it repeats." in response.content
    assert HomeworkAssignment.objects.count() == 0


def test_it_refuses_a_clinician_who_is_not_primary(bob, cleo):
    with pytest.raises(ValidationError) as caught:
        assign_homework(
            cleo.current_episode(),
            by=bob,
            template="custom",
            title="",
            instructions="x",
            recurrence="daily",
        )
    assert caught.value.messages == [
        "Only the client's primary clinician can assign homework."
    ]


def test_it_refuses_a_past_due_date_and_an_unknown_technique(alice, cleo):
    episode = cleo.current_episode()
    yesterday = client_today(episode) - timedelta(days=1)
    with pytest.raises(ValidationError, match="already passed"):
        assign_homework(
            episode,
            by=alice,
            template="custom",
            title="",
            instructions="x",
            due_date=yesterday,
        )
    with pytest.raises(ValidationError, match="from the library"):
        assign_homework(
            episode,
            by=alice,
            template="custom",
            title="",
            instructions="x",
            recurrence="daily",
            technique="no-such-technique",
        )
    assert HomeworkAssignment.objects.count() == 0


def test_it_ends_an_assignment(alice, cleo):
    from alliance.homework.tests.helpers import daily

    assignment = daily(cleo, days_ago=3)
    end_assignment(assignment, by=alice)
    assignment.refresh_from_db()
    assert assignment.status == "ended"
    today = client_today(assignment)
    assert assignment.ended_on == today
    assert len(assignment.occurrences(today + timedelta(days=5))) == 4
