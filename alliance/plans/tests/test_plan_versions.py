from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.plans.models import TreatmentPlan, TreatmentPlanVersion
from alliance.plans.services import drop_goal, review_plan
from alliance.plans.tests.helpers import make_goal, make_plan, plan_fields


@pytest.fixture
def v1(episode, goal):
    return make_plan(episode, [goal])


def _review(v1, goals, **overrides):
    fields = plan_fields(goals, **overrides)
    fields.setdefault("approach", "cbt")
    return review_plan(
        v1.plan,
        by=v1.plan.episode.client.clinician,
        reason=overrides.pop("reason", "Six-week review with the client."),
        **{k: v for k, v in fields.items() if k != "reason"},
    )


def test_it_writes_version_one(alice, episode, goal, v1):
    plan = TreatmentPlan.objects.get(episode=episode)
    assert plan.current == v1
    assert v1.number == 1
    assert v1.approach == "cbt"
    assert v1.interventions == ["behavioural-activation", "cognitive-restructuring"]
    assert list(v1.goals.all()) == [goal]
    assert v1.measures == [{"code": "phq9", "how_often": "every_session"}]
    assert v1.reason == ""
    assert AuditEvent.objects.filter(action="treatment_plan.create").count() == 1


def test_it_refuses_a_second_plan(alice, episode, goal, v1):
    with pytest.raises(ValidationError, match="already has a treatment plan"):
        make_plan(episode, [goal])


def test_a_review_leaves_version_one_unchanged(alice, episode, goal, v1):
    second_goal = make_goal(episode, statement="Sleep seven hours most nights.")
    v2 = _review(
        v1,
        [goal, second_goal],
        problems="Low mood is lifting; sleep is now the main problem.",
        interventions=["behavioural-activation", "sleep-hygiene"],
        expected_sessions=16,
    )
    assert v2.number == 2
    assert TreatmentPlan.objects.get(pk=v1.plan.pk).current == v2
    old = TreatmentPlanVersion.objects.get(pk=v1.pk)
    assert old.problems == "Low mood with withdrawal from friends; worry about work."
    assert old.interventions == ["behavioural-activation", "cognitive-restructuring"]
    assert old.expected_sessions == 12
    assert list(old.goals.all()) == [goal]
    assert set(v2.goals.all()) == {goal, second_goal}
    assert v2.reason == "Six-week review with the client."
    event = AuditEvent.objects.get(action="treatment_plan.review")
    assert event.detail == {"version": 2}


def test_it_needs_a_reason_from_version_two(alice, goal, v1):
    with pytest.raises(ValidationError, match="reason for the review"):
        review_plan(v1.plan, by=alice, reason="", **plan_fields([goal]))
    assert TreatmentPlanVersion.objects.count() == 1


def test_it_refuses_a_next_review_in_the_past(alice, episode, goal, v1):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the past"):
        _review(v1, [goal], next_review=yesterday)
    assert TreatmentPlanVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"problems": " "}, "problems and needs"),
        ({"approach": "hypnosis"}, "approach"),
        ({"expected_sessions": 0}, "from 1 to 100"),
        ({"expected_sessions": 101}, "from 1 to 100"),
        ({"goals": []}, "at least one goal"),
        ({"session_frequency": "other", "frequency_note": ""}, "Describe the session"),
        ({"measures": [{"code": "phq9", "how_often": "hourly"}]}, "how often"),
        ({"measures": [{"code": "nope", "how_often": "monthly"}]}, "not a measure"),
        ({"next_review": None}, "next plan review"),
    ],
)
def test_it_refuses_bad_plans(alice, episode, goal, overrides, message):
    with pytest.raises(ValidationError, match=message):
        make_plan(episode, [goal], **overrides)
    assert TreatmentPlan.objects.count() == 0


def test_it_refuses_a_dropped_goal_or_another_episodes_goal(
    alice, bob, dan, episode, goal
):
    drop_goal(goal, by=alice, reason="Not now.")
    with pytest.raises(ValidationError, match="dropped goal"):
        make_plan(episode, [goal])
    dans_goal = make_goal(dan.current_episode())
    with pytest.raises(ValidationError, match="belong to this episode"):
        make_plan(episode, [dans_goal])


def test_it_shows_every_version_readable(as_user, alice, sam, episode, goal, v1):
    _review(v1, [goal], problems="Reviewed problems.", approach="integrative")
    http = as_user(alice)
    page = http.get(reverse("plans:plan", args=[episode.uuid])).text
    assert "Current plan: version 2" in page
    assert "Integrative" in page
    assert v1.get_absolute_url() in page
    old = as_user(sam).get(v1.get_absolute_url()).text
    assert "This is an earlier version" in old
    assert "Low mood with withdrawal from friends; worry about work." in old
    assert "Behavioural activation" in old


def _form_data(goal, **overrides):
    data = {
        "problems": "Panic attacks on the bus.",
        "approach": "cbt",
        "goals": [str(goal.uuid)],
        "session_frequency": "fortnightly",
        "frequency_note": "",
        "expected_sessions": "10",
        "next_review": (timezone.localdate() + timedelta(weeks=4)).isoformat(),
        "interventions": ["graded-exposure"],
        "measure-gad7": "at_review",
        "measure-phq9": "",
    }
    data.update(overrides)
    return data


def test_it_writes_and_reviews_through_the_forms(as_user, alice, episode, goal):
    http = as_user(alice)
    response = http.post(
        reverse("plans:plan_create", args=[episode.uuid]), _form_data(goal)
    )
    assert response.status_code == 302
    plan = TreatmentPlan.objects.get(episode=episode)
    assert plan.current.interventions == ["graded-exposure"]
    assert plan.current.measures == [{"code": "gad7", "how_often": "at_review"}]
    review_url = reverse("plans:plan_review", args=[plan.uuid])
    form = http.get(review_url).text
    assert "Panic attacks on the bus." in form  # pre-filled from the current version
    assert 'value="graded-exposure" checked' in form
    refused = http.post(review_url, _form_data(goal, reason=""))
    assert refused.status_code == 200
    assert TreatmentPlanVersion.objects.count() == 1
    done = http.post(
        review_url,
        _form_data(goal, reason="Exposure going well.", version=plan.version),
    )
    assert done.status_code == 302
    assert TreatmentPlan.objects.get(pk=plan.pk).current.number == 2
