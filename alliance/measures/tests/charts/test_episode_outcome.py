from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.measures.selectors import episode_nhs_outcome
from alliance.measures.services import record_administration
from alliance.notes.tests.helpers import signed


def _answers(total: int, items: int, last_zero: bool = False) -> dict[str, int]:
    answers = {}
    for k in range(1, items + 1):
        answers[f"q{k}"] = min(3, total)
        total -= answers[f"q{k}"]
    return answers


def _record(cleo, alice, phq, gad, days):
    at = timezone.now() - timedelta(days=days)
    episode = cleo.current_episode()
    record_administration(
        episode, "phq9", {**_answers(phq, 8), "q9": 0}, by=alice, at=at
    )
    record_administration(episode, "gad7", _answers(gad, 7), by=alice, at=at)


def test_it_flags_recovery_after_two_sessions(alice, cleo):
    signed(cleo, hours_ago=24 * 14)
    signed(cleo, hours_ago=24 * 7)
    _record(cleo, alice, 18, 14, 14)
    _record(cleo, alice, 6, 5, 7)
    outcome = episode_nhs_outcome(cleo.current_episode())
    assert outcome["eligible"] is True
    assert (outcome["recovery"], outcome["reliable_improvement"]) == (True, True)
    assert outcome["reliable_recovery"] is True


def test_one_session_is_not_a_finished_course(alice, cleo):
    signed(cleo, hours_ago=24 * 7)
    _record(cleo, alice, 18, 14, 14)
    _record(cleo, alice, 6, 5, 7)
    outcome = episode_nhs_outcome(cleo.current_episode())
    assert outcome["eligible"] is False


def test_the_chart_card_shows_it(as_user, alice, cleo):
    signed(cleo, hours_ago=24 * 14)
    signed(cleo, hours_ago=24 * 7)
    _record(cleo, alice, 18, 14, 14)
    _record(cleo, alice, 12, 9, 7)
    page = (
        as_user(alice)
        .get(reverse("chart:section", args=[cleo.uuid, "measures"]))
        .content.decode()
    )
    assert "NHS Talking Therapies outcome" in page
    assert "2 treatment sessions" in page
