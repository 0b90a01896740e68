from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.notes.tests.helpers import start
from alliance.plans.models import GoalRating
from alliance.plans.services import achieve_goal, drop_goal, rate_goal


def test_it_rates_a_goal(alice, goal):
    rating = rate_goal(goal, "+1", by=alice, note="Met two friends.")
    stored = GoalRating.objects.get(pk=rating.pk)
    assert (stored.level, stored.note, stored.session) == (1, "Met two friends.", None)
    assert stored.goal_version.number == 1
    assert AuditEvent.objects.filter(action="goal.rate").count() == 1


@pytest.mark.parametrize("level", [-3, 3, "x", "", None, True, 1.5, "−3"])
def test_it_refuses_a_level_off_the_scale(alice, goal, level):
    with pytest.raises(ValidationError, match="from −2"):
        rate_goal(goal, level, by=alice)
    assert GoalRating.objects.count() == 0
    assert AuditEvent.objects.filter(action="goal.rate").count() == 0


def test_it_accepts_minus_signs(alice, goal):
    assert rate_goal(goal, "−2", by=alice).level == -2


def test_it_refuses_everyone_but_the_primary_clinician(bob, sam, goal):
    for user in (bob, sam):
        with pytest.raises(ValidationError, match="primary clinician"):
            rate_goal(goal, 0, by=user)
    assert GoalRating.objects.count() == 0


def test_it_refuses_dropped_and_achieved_goals(alice, episode, goal):
    from alliance.plans.tests.helpers import make_goal

    drop_goal(goal, by=alice, reason="Not a priority now.")
    with pytest.raises(ValidationError, match="dropped"):
        rate_goal(goal, 1, by=alice)
    other = make_goal(episode, statement="Walk daily.")
    achieve_goal(other, by=alice)
    with pytest.raises(ValidationError, match="achieved"):
        rate_goal(other, 1, by=alice)
    assert GoalRating.objects.count() == 0


def test_it_rates_once_per_session(alice, cleo, goal):
    session = start(cleo)
    rate_goal(goal, 0, by=alice, session=session)
    with pytest.raises(ValidationError, match="already rated in this session"):
        rate_goal(goal, 1, by=alice, session=session)
    assert GoalRating.objects.count() == 1


def test_it_refuses_a_session_of_another_episode(alice, bob, dan, goal):
    with pytest.raises(ValidationError, match="another episode"):
        rate_goal(goal, 0, by=alice, session=start(dan))


@pytest.mark.parametrize("level", ["-3", "3", "x", ""])
def test_it_refuses_bad_levels_through_the_form(as_user, alice, goal, level):
    response = as_user(alice).post(
        reverse("plans:goal_rate", args=[goal.uuid]), {"level": level, "note": ""}
    )
    assert response.status_code == 200
    assert "field has-error" in response.text
    assert GoalRating.objects.count() == 0


def test_it_rates_through_the_form(as_user, alice, goal):
    http = as_user(alice)
    url = reverse("plans:goal_rate", args=[goal.uuid])
    assert "Sees friends every week and has joined a group." in http.get(url).text
    response = http.post(url, {"level": "2", "note": "Joined a choir."})
    assert response.status_code == 302
    assert GoalRating.objects.get().level == 2
    page = http.get(reverse("plans:goals", args=[goal.episode.uuid])).text
    assert "Joined a choir." in page
    assert "<strong>70.0</strong>" in page
