"""Issue #10: once treatment ends (aftercare or closed) the reminder email
counts no homework, even homework somehow left running."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from alliance.clients.models import Episode
from alliance.clients.services import record_consent, transition_episode
from alliance.homework.models import HomeworkAssignment
from alliance.reminders.models import ReminderDigest
from alliance.reminders.tests.conftest import homework_due, run_worker

P = Episode.Phase


def _three_tasks(rosa, clock):
    today = clock.at.date()
    for days in (0, 0, 1):
        homework_due(rosa, today + timedelta(days=days))


def _to_termination(episode, alice, consent_text, clock):
    transition_episode(episode, P.ASSESSMENT, by=alice, reason="Assessment")
    record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=clock.at,
        by=alice,
    )
    transition_episode(episode, P.ACTIVE, by=alice, reason="Plan agreed")
    transition_episode(episode, P.TERMINATION, by=alice, reason="Goals met")


def test_a_closed_client_gets_no_homework_reminder(rosa, alice, clock):
    _three_tasks(rosa, clock)
    episode = rosa.current_episode()
    transition_episode(
        episode, P.CLOSED, by=alice, reason="Moved away.", discharge="moved"
    )
    assert not HomeworkAssignment.objects.filter(
        status=HomeworkAssignment.Status.ACTIVE
    ).exists()
    run_worker()
    assert mail.outbox == []
    assert ReminderDigest.objects.count() == 0


def test_a_client_in_aftercare_gets_no_homework_reminder(
    rosa, alice, clock, consent_text
):
    episode = rosa.current_episode()
    _to_termination(episode, alice, consent_text, clock)
    _three_tasks(rosa, clock)
    transition_episode(episode, P.AFTERCARE, by=alice, reason="Final session held.")
    run_worker()
    assert not any("homework" in m.body for m in mail.outbox)
    assert not ReminderDigest.objects.filter(kinds__has_key="homework").exists()


@pytest.mark.parametrize("phase", [P.AFTERCARE, P.CLOSED])
def test_homework_left_running_after_the_ending_is_not_counted(
    rosa, alice, clock, phase
):
    """Defensive: homework still marked active (say, from before endings
    stopped it) is skipped once the episode is in aftercare or closed."""
    _three_tasks(rosa, clock)
    Episode.objects.filter(pk=rosa.current_episode().pk).update(phase=phase)
    run_worker()
    assert mail.outbox == []


def test_homework_in_termination_is_still_reminded(rosa, alice, clock, consent_text):
    _to_termination(rosa.current_episode(), alice, consent_text, clock)
    _three_tasks(rosa, clock)
    run_worker()
    assert "- 3 homework tasks due today or tomorrow." in mail.outbox[0].body
