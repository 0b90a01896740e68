"""Not on track on the home page: fallback first, then the practice's curves."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from alliance.measures.expected import MIN_EPISODES
from alliance.measures.services import record_administration
from alliance.measures.tracking import not_on_track, sweep
from conftest import make_client


def phq9(total: int) -> dict[str, int]:
    answers = {}
    left = total
    for i in range(1, 10):
        # Item 9 stays 0: these tests are about totals, not risk.
        answers[f"q{i}"] = 0 if i == 9 else min(3, left)
        left -= answers[f"q{i}"]
    return answers


def _series(client, by, totals, *, weeks_ago=None):
    episode = client.current_episode()
    start = timezone.now() - timedelta(weeks=weeks_ago or len(totals) + 1)
    for n, total in enumerate(totals):
        record_administration(
            episode, "phq9", phq9(total), by=by, at=start + timedelta(weeks=n)
        )


def test_a_reliable_deterioration_is_flagged_without_history(alice, cleo):
    cache.clear()
    _series(cleo, alice, [12, 14, 18])  # +6 on PHQ-9 is reliable deterioration
    flagged = not_on_track(alice)
    assert [(f.client, f.verdict.method) for f in flagged] == [(cleo, "fallback")]


def test_improvement_is_not_flagged(alice, cleo):
    cache.clear()
    _series(cleo, alice, [18, 12, 7])
    assert not_on_track(alice) == []


def test_with_enough_history_the_practice_curve_decides(alice, cleo):
    cache.clear()
    # Past clients who started moderate (10-14) mostly improved steadily.
    for i in range(MIN_EPISODES):
        past = make_client(alice, given_name=f"Past{i}")
        _series(past, alice, [13, 11, 9, 7, 6, 5])
    _series(cleo, alice, [13, 13, 13, 13, 13, 13])  # no change: worse than expected
    assert not_on_track(alice) == []  # no curve until the sweep fits one
    sweep()
    flagged = {f.client: f for f in not_on_track(alice)}
    assert flagged[cleo].verdict.method == "curve"
    assert "outside the expected range" in flagged[cleo].verdict.reason


def test_the_home_page_lists_them(as_user, alice, cleo):
    cache.clear()
    _series(cleo, alice, [12, 19])
    response = as_user(alice).get(reverse("home:index"))
    assert b"Not on track (1)" in response.content
    assert b"Cleo Example: PHQ-9 19" in response.content
