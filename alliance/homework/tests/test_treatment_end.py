"""Issue #10: homework stops with treatment. Entering aftercare or closing ends
the open assignments (kept, marked "ended with treatment"); no new homework
is set until treatment is re-opened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.clients.models import Episode
from alliance.clients.services import record_consent, transition_episode
from alliance.homework.models import HomeworkAssignment
from alliance.homework.services import assign_homework, client_today
from alliance.homework.tests.helpers import daily, one_off

P = Episode.Phase


@pytest.fixture
def ending(cleo, alice, consent_text):
    episode = cleo.current_episode()
    transition_episode(episode, P.ASSESSMENT, by=alice, reason="Assessment")
    record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now(),
        by=alice,
    )
    transition_episode(episode, P.ACTIVE, by=alice, reason="Plan agreed")
    transition_episode(episode, P.TERMINATION, by=alice, reason="Goals met")
    return episode


def _move(http, episode, **data):
    return http.post(
        reverse("clients:transition", args=[episode.uuid]), data, follow=True
    )


def _assign_data(**extra):
    data = {
        "template": "custom",
        "title": "",
        "instructions": "Write to your sister.",
        "technique": "",
        "recurrence": "daily",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "data",
    [
        {"to": "aftercare", "reason": "Final session held."},
        {"to": "closed", "reason": "Ending here.", "discharge": "completed"},
    ],
)
def test_ending_treatment_ends_open_homework(as_user, alice, cleo, ending, data):
    diary = daily(cleo, days_ago=3)
    later = assign_homework(
        ending,
        by=alice,
        template="custom",
        title="Letter",
        instructions="Write to your sister.",
        due_date=client_today(ending) + timedelta(days=5),
    )
    response = _move(as_user(alice), ending, **data)
    assert "Episode moved to" in response.content.decode()
    for assignment in (diary, later):
        assignment.refresh_from_db()
        assert assignment.status == HomeworkAssignment.Status.TREATMENT_ENDED
        assert assignment.get_status_display() == "Ended with treatment"
        assert assignment.ended_on == client_today(ending)
        assert not assignment.is_active
    # Kept in the history: the review still shows them, marked as ended.
    review = as_user(alice).get(reverse("chart:homework_review", args=[ending.uuid]))
    text = review.content.decode()
    assert "Breathing practice" in text and "Letter" in text
    assert "ended with treatment" in text
    assert "End this homework" not in text
    # The one-off due after the ending is no longer due, nor counted as missed.
    assert later.occurrences(client_today(ending) + timedelta(days=30)) == []
    assert (
        AuditEvent.objects.filter(
            action="homework.end", detail__reason="treatment_ended"
        ).count()
        == 2
    )


def test_homework_ended_earlier_keeps_its_status(alice, cleo, ending):
    from alliance.homework.services import end_assignment

    ended = end_assignment(one_off(cleo), by=alice)
    transition_episode(ending, P.AFTERCARE, by=alice, reason="Final session")
    ended.refresh_from_db()
    assert ended.status == HomeworkAssignment.Status.ENDED


def test_termination_leaves_homework_running(alice, cleo, consent_text):
    episode = cleo.current_episode()
    transition_episode(episode, P.ASSESSMENT, by=alice, reason="Assessment")
    record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now(),
        by=alice,
    )
    transition_episode(episode, P.ACTIVE, by=alice, reason="Plan agreed")
    diary = daily(cleo)
    transition_episode(episode, P.TERMINATION, by=alice, reason="Goals met")
    diary.refresh_from_db()
    assert diary.is_active


def test_no_homework_is_set_in_aftercare(as_user, alice, cleo, ending):
    transition_episode(ending, P.AFTERCARE, by=alice, reason="Final session")
    with pytest.raises(ValidationError, match="re-open treatment"):
        assign_homework(
            ending,
            by=alice,
            template="custom",
            title="",
            instructions="Keep going.",
            recurrence="daily",
        )
    http = as_user(alice)
    url = reverse("homework:assign", args=[ending.uuid])
    response = http.post(url, _assign_data())
    assert response.status_code == 200
    assert "re-open treatment" in response.content.decode()
    assert not HomeworkAssignment.objects.exists()
    # The form is not offered: neither the page nor the chart's box.
    page = http.get(url)
    assert "re-open treatment" in page.content.decode()
    assert 'name="instructions"' not in page.content.decode()
    chart = http.get(
        reverse("chart:section", args=[cleo.uuid, "homework"])
    ).content.decode()
    assert "Assign homework" not in chart
    assert url not in chart


def test_re_opening_treatment_allows_homework_again(as_user, alice, cleo, ending):
    transition_episode(ending, P.AFTERCARE, by=alice, reason="Final session")
    transition_episode(ending, P.ACTIVE, by=alice, reason="Deteriorated at follow-up")
    http = as_user(alice)
    assert (
        "Assign homework"
        in http.get(
            reverse("chart:section", args=[cleo.uuid, "homework"])
        ).content.decode()
    )
    response = http.post(reverse("homework:assign", args=[ending.uuid]), _assign_data())
    assert response.status_code == 302
    assert HomeworkAssignment.objects.get().is_active


def test_the_portal_shows_no_homework_in_aftercare(as_user, alice, cleo, ending):
    daily(cleo)
    transition_episode(ending, P.AFTERCARE, by=alice, reason="Final session")
    from alliance.homework.selectors import portal_homework

    assert portal_homework(cleo) == []
