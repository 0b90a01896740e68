from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.plans.models import Goal, GoalVersion
from alliance.plans.services import create_goal
from alliance.plans.tests.helpers import LEVELS, goal_fields, make_goal


def _post_data(**overrides):
    data = goal_fields()
    data["target_date"] = data["target_date"].isoformat()
    data.update(measure_code="", measure_comparison="", measure_target="")
    data.update(overrides)
    return data


def test_it_writes_a_goal_with_its_scale(alice, episode):
    goal = make_goal(
        episode, measure_code="phq9", measure_comparison="below", measure_target=10
    )
    stored = Goal.objects.get(pk=goal.pk)
    assert stored.statement == "Meet a friend in person at least twice a month."
    assert stored.client_words == "I want to get back to seeing my friends."
    assert [text for _, _, _, text in stored.levels()] == list(LEVELS.values())
    assert stored.status == Goal.Status.ACTIVE
    assert stored.measure_text == "PHQ-9 below 10"
    assert stored.weight == Decimal("1.00")
    version = GoalVersion.objects.get(goal=goal)
    assert (version.number, version.statement) == (1, stored.statement)
    assert (
        AuditEvent.objects.filter(action="goal.create", object_uuid=goal.uuid).count()
        == 1
    )


def test_it_encrypts_the_free_text(alice, episode):
    from django.db import connection

    goal = make_goal(episode)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, client_words, level_0 FROM plans_goal WHERE id = %s",
            [goal.pk],
        )
        row = cursor.fetchone()
    assert all(value.startswith("v1:") for value in row)
    assert "friend" not in " ".join(row)


def test_it_requires_five_distinct_level_descriptions(alice, episode):
    with pytest.raises(ValidationError, match="level −1"):
        make_goal(episode, level_minus_1="  ")
    with pytest.raises(ValidationError, match="two of them are the same"):
        make_goal(episode, level_plus_1=LEVELS["level_0"].upper())
    assert Goal.objects.count() == 0


def test_it_links_a_measure_all_or_none(alice, episode):
    with pytest.raises(ValidationError, match="or leave all three empty"):
        make_goal(episode, measure_code="phq9")
    with pytest.raises(ValidationError, match="not a measure the practice uses"):
        make_goal(
            episode, measure_code="nope", measure_comparison="below", measure_target=5
        )
    with pytest.raises(ValidationError, match="Choose below"):
        make_goal(
            episode, measure_code="phq9", measure_comparison="under", measure_target=5
        )
    assert Goal.objects.count() == 0


@pytest.mark.parametrize("weight", [0, -1, "x", 101, "1.005"])
def test_it_refuses_a_bad_weight(alice, episode, weight):
    with pytest.raises(ValidationError, match="weight"):
        make_goal(episode, weight=weight)
    assert Goal.objects.count() == 0


def test_it_refuses_a_target_date_in_the_past(alice, episode):
    with pytest.raises(ValidationError, match="cannot be in the past"):
        make_goal(episode, target_date=timezone.localdate() - timedelta(days=1))


def test_it_refuses_anyone_but_the_primary_clinician(alice, bob, sam, episode):
    for user in (bob, sam):
        with pytest.raises(ValidationError, match="primary clinician"):
            create_goal(episode, by=user, **goal_fields())
    assert Goal.objects.count() == 0


def test_it_writes_a_goal_through_the_form(as_user, alice, episode):
    url = reverse("plans:goal_create", args=[episode.uuid])
    response = as_user(alice).post(
        url,
        _post_data(
            measure_code="gad7", measure_comparison="at_or_below", measure_target="7"
        ),
    )
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == goal.get_absolute_url()
    assert goal.measure_text == "GAD-7 at or below 7"


def test_it_shows_the_form_again_on_bad_input(as_user, alice, episode):
    url = reverse("plans:goal_create", args=[episode.uuid])
    response = as_user(alice).post(url, _post_data(level_plus_2=LEVELS["level_plus_1"]))
    assert response.status_code == 200
    assert "two of them are the same" in response.text
    assert Goal.objects.count() == 0


def test_it_shows_the_goals_page(as_user, alice, sam, episode, goal):
    page = as_user(alice).get(reverse("plans:goals", args=[episode.uuid])).text
    assert goal.statement in page
    assert LEVELS["level_plus_2"] in page
    assert "No goal has been rated yet" in page
    assert "Kiresuk &amp; Sherman (1968); ρ = 0.3 as in the original paper" in page
    assert reverse("plans:goal_revise", args=[goal.uuid]) in page
    # The supervisor reads without the actions.
    page = as_user(sam).get(reverse("plans:goals", args=[episode.uuid])).text
    assert goal.statement in page
    assert reverse("plans:goal_revise", args=[goal.uuid]) not in page
