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


def test_the_plan_card_reads_the_ratings_once(
    alice, cleo, episode, goal, django_assert_num_queries
):
    """Each goal's latest rating and the T-score come from one read of the
    episode's ratings (issue #13): plan, goals and ratings, three queries;
    the latest of each goal is the last in effect, a dropped goal's rating
    counts for neither."""
    from alliance.plans.selectors import chart_plan
    from alliance.plans.services import episode_t_score

    other = make_goal(episode, statement="Sleep seven hours most nights.")
    dropped = make_goal(episode, statement="Run a marathon.")
    make_plan(episode, [goal, other, dropped])
    rate_goal(goal, -1, by=alice)
    rate_goal(goal, 1, by=alice)
    rate_goal(other, 0, by=alice)
    rate_goal(dropped, 2, by=alice)
    drop_goal(dropped, by=alice, reason="Not now.")
    # As the chart has it: the client and the practice read with it.
    episode = (
        type(episode).objects.select_related("client__practice").get(pk=episode.pk)
    )
    with django_assert_num_queries(3):
        card = chart_plan(episode)
    levels = {row.goal.pk: row.latest.level for row in card.goals}
    assert levels == {goal.pk: 1, other.pk: 0}
    assert card.t_score == episode_t_score(episode)
