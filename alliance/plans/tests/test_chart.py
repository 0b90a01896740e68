from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.plans.models import TreatmentPlanVersion
from alliance.plans.services import drop_goal, rate_goal
from alliance.plans.tests.helpers import make_goal, make_plan


def test_it_summarises_the_plan_on_the_chart(
    as_user, alice, cleo, episode, goal, django_assert_max_num_queries
):
    other = make_goal(episode, statement="Sleep seven hours most nights.")
    version = make_plan(episode, [goal, other], approach="cbt")
    rate_goal(goal, 1, by=alice)
    rate_goal(goal, 2, by=alice)
    http = as_user(alice)
    with django_assert_max_num_queries(50):
        page = http.get(reverse("chart:section", args=[cleo.uuid, "plan"])).text
    assert 'id="chart-plan-heading"' in page
    assert "Cognitive behavioural therapy (CBT) (plan version 1)" in page
    assert version.next_review.strftime("%-d %b %Y") in page
    assert "Sleep seven hours most nights." in page
    assert "+2 <span" in page
    assert "Not rated" in page
    assert "<strong>70.0</strong>" in page


def test_it_highlights_an_overdue_review(as_user, alice, cleo, episode, goal):
    version = make_plan(episode, [goal])
    TreatmentPlanVersion.objects.filter(pk=version.pk).update(
        next_review=timezone.localdate() - timedelta(days=1)
    )
    page = as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "plan"])).text
    assert 'class="review-overdue"' in page
    assert "(overdue)" in page


def test_it_leaves_dropped_goals_off_the_chart(as_user, alice, cleo, episode, goal):
    drop_goal(goal, by=alice, reason="Not a priority.")
    page = as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "plan"])).text
    assert goal.statement not in page
    assert "No treatment plan yet." in page
