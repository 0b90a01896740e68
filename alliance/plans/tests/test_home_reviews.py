from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.plans.models import TreatmentPlanVersion
from alliance.plans.selectors import reviews_due
from alliance.plans.tests.helpers import make_goal, make_plan
from conftest import make_client


def _plan_for(client, days):
    episode = client.current_episode()
    return make_plan(
        episode,
        [make_goal(episode)],
        next_review=timezone.localdate() + timedelta(days=days),
    )


def _overdue(version, days):
    # Time passes: a review dated in the future when written is now past.
    TreatmentPlanVersion.objects.filter(pk=version.pk).update(
        next_review=timezone.localdate() - timedelta(days=days)
    )


def test_it_lists_reviews_due_within_a_week_or_overdue(alice, bob, cleo, dan):
    soon = _plan_for(cleo, 3)
    later = _plan_for(make_client(alice, given_name="Lena"), 30)
    late = _plan_for(make_client(alice, given_name="Omar"), 1)
    _overdue(late, 2)
    _plan_for(dan, 1)  # Bob's client
    rows = reviews_due(alice)
    assert [row.current for row in rows] == [late, soon]
    assert [row.review for row in rows] == ["overdue", "due"]
    assert later.plan not in rows


def test_it_shows_the_supervisor_supervisees_reviews(alice, sam, cleo):
    version = _plan_for(cleo, 2)
    assert [row.current for row in reviews_due(sam)] == [version]


def test_it_bounds_the_queries(alice, cleo, django_assert_max_num_queries):
    for name in ("Ann", "Ben", "Cat", "Dev", "Eve"):
        _plan_for(make_client(alice, given_name=name), 2)
    alice.refresh_from_db()
    with django_assert_max_num_queries(2):
        rows = reviews_due(alice)
        names = [row.episode.client.display_name for row in rows]
        dates = [row.current.next_review for row in rows]
    assert len(names) == len(dates) == 5


def test_it_shows_the_card_on_the_home_page(
    as_user, alice, bob, cleo, django_assert_max_num_queries
):
    version = _plan_for(cleo, 2)
    http = as_user(alice)
    with django_assert_max_num_queries(40):
        page = http.get(reverse("home:index")).text
    assert "Plan reviews due" in page
    assert reverse("plans:plan", args=[cleo.current_episode().uuid]) in page
    assert f"due {version.next_review:%-d %b}" in page
    assert (
        "No plan reviews due in the next seven days."
        in as_user(bob).get(reverse("home:index")).text
    )


def test_it_leaves_out_closed_episodes(alice, cleo, consent_text):
    from alliance.clients.services import transition_episode

    _plan_for(cleo, 2)
    episode = cleo.current_episode()
    transition_episode(
        episode, "closed", by=alice, discharge="other", reason="Moved away."
    )
    assert reviews_due(alice) == []
