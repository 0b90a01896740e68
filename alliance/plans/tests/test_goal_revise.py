from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.plans.models import Goal, GoalVersion
from alliance.plans.services import achieve_goal, rate_goal, revise_goal


def test_it_keeps_the_earlier_version(alice, goal):
    revise_goal(
        goal,
        by=alice,
        reason="Client wants a more ambitious goal.",
        statement="Meet a friend in person every week.",
        level_0="Sees a friend every week.",
        level_plus_1="Sees friends twice a week.",
    )
    stored = Goal.objects.get(pk=goal.pk)
    assert stored.statement == "Meet a friend in person every week."
    first, second = GoalVersion.objects.filter(goal=goal).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.statement == "Meet a friend in person at least twice a month."
    assert first.level_0 == "Sees a friend twice in the month."
    assert second.level_0 == "Sees a friend every week."
    assert second.reason == "Client wants a more ambitious goal."
    assert second.created_by == alice
    event = AuditEvent.objects.get(action="goal.revise")
    assert event.detail == {
        "version": 2,
        "fields": ["statement", "level_0", "level_plus_1"],
    }


def test_it_keeps_each_rating_against_the_scale_it_was_made_on(alice, goal):
    before = rate_goal(goal, 0, by=alice)
    revise_goal(
        goal, by=alice, reason="Clearer wording.", level_0="Two meetings a month."
    )
    after = rate_goal(goal, 0, by=alice)
    assert before.level_description == "Sees a friend twice in the month."
    assert after.level_description == "Two meetings a month."


def test_it_needs_a_reason_and_a_change(alice, goal):
    with pytest.raises(ValidationError, match="reason"):
        revise_goal(goal, by=alice, reason=" ", statement="Something else.")
    with pytest.raises(ValidationError, match="Nothing in the goal was changed"):
        revise_goal(goal, by=alice, reason="No change really.")
    assert GoalVersion.objects.filter(goal=goal).count() == 1


def test_it_refuses_a_revision_that_breaks_the_scale(alice, goal):
    with pytest.raises(ValidationError, match="same"):
        revise_goal(
            goal,
            by=alice,
            reason="Typo.",
            level_minus_1="Sees no one outside work in a month.",
        )
    assert (
        Goal.objects.get(pk=goal.pk).level_minus_1 == "Sees a friend once in the month."
    )


def test_it_refuses_to_revise_a_closed_goal(alice, goal):
    achieve_goal(goal, by=alice)
    with pytest.raises(ValidationError, match="achieved"):
        revise_goal(goal, by=alice, reason="Late change.", statement="Other.")


def test_it_revises_through_the_form_and_shows_history(as_user, alice, goal):
    http = as_user(alice)
    url = reverse("plans:goal_revise", args=[goal.uuid])
    form = http.get(url)
    assert "Meet a friend in person at least twice a month." in form.text
    data = {name: value for name, value in goal.content().items() if value is not None}
    data.update(
        target_date=goal.target_date.isoformat(),
        measure_code="",
        measure_comparison="",
        statement="See a friend every week.",
        reason="Going well; raising the bar.",
        version=goal.version,
    )
    response = http.post(url, data)
    assert response.status_code == 302
    page = http.get(reverse("plans:goals", args=[goal.episode.uuid])).text
    assert "See a friend every week." in page
    assert "Earlier versions (1)" in page
    assert "Going well; raising the bar." in page
