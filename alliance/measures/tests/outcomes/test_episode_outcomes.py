"""Each episode's NHS Talking Therapies outcome from its first and last current
PHQ-9 and GAD-7 scores and its held sessions, built through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance.clients.models import Episode
from alliance.measures.models import Administration
from alliance.measures.outcomes import episode_outcomes
from alliance.measures.tests.outcomes.helpers import (
    hold_sessions,
    phq9,
    score,
    scored_episode,
)

FLAGS = (
    "eligible",
    "caseness_at_start",
    "recovery",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
)


def _one(episode):
    [result] = episode_outcomes(Episode.objects.filter(pk=episode.pk))
    return result


def _flags(result):
    return tuple(result.outcome[key] for key in FLAGS)


def test_it_classifies_a_reliable_recovery(alice):
    episode = scored_episode(
        alice, "Rea", phq9=(18, 12, 7), gad7=(14, 9, 5), sessions=3
    )
    result = _one(episode)
    assert (result.phq9, result.gad7) == ((18, 7), (14, 5))
    assert (result.phq9_count, result.gad7_count, result.sessions) == (3, 3, 3)
    assert result.clinician_id == alice.pk
    assert _flags(result) == (True, True, True, True, False, True)


def test_it_classifies_a_reliable_deterioration(alice):
    episode = scored_episode(alice, "Det", phq9=(10, 16), gad7=(9, 9), sessions=2)
    assert _flags(_one(episode)) == (True, True, False, False, True, False)


def test_recovery_does_not_apply_below_caseness_at_the_start(alice):
    episode = scored_episode(alice, "Low", phq9=(8, 2), gad7=(6, 1), sessions=2)
    assert _flags(_one(episode)) == (True, False, None, True, False, None)


def test_it_compares_by_when_the_client_answered_not_by_entry_order(alice):
    episode = scored_episode(
        alice, "Ord", phq9=(18, 7), gad7=(14, 5), sessions=2, ended=False
    )
    # A paper form from before the first score, typed in last.
    score(episode, "phq9", 4, at=timezone.now() - timedelta(days=90))
    result = _one(episode)
    assert result.phq9 == (4, 7)
    assert result.outcome["caseness_at_start"] is True  # the GAD-7 is 14


def test_it_needs_two_held_sessions(alice):
    episode = scored_episode(
        alice, "One", phq9=(18, 7), gad7=(14, 5), sessions=1, ended=False
    )
    hold_sessions(episode.client, 1, status="no_show")
    hold_sessions(episode.client, 1, status="cancelled")
    hold_sessions(episode.client, 1, status="booked")
    hold_sessions(episode.client, 1, purpose="assessment")
    result = _one(episode)
    assert result.sessions == 1
    assert _flags(result) == (False, True, None, None, None, None)
    assert "at least two attended treatment sessions" in result.outcome["reason"]


def test_it_needs_two_scores_on_each_measure(alice):
    episode = scored_episode(alice, "Single", phq9=(18,), gad7=(14, 5), sessions=4)
    result = _one(episode)
    assert (result.phq9, result.phq9_count, result.paired) == (None, 1, False)
    assert result.outcome["eligible"] is False


def test_it_uses_the_corrected_score(alice):
    from alliance.measures.services import correct_administration

    episode = scored_episode(alice, "Fix", phq9=(18, 7), gad7=(14, 5), sessions=2)
    last = (
        Administration.objects.filter(episode=episode, instrument="phq9")
        .order_by("-taken_at")
        .first()
    )
    correct_administration(last, phq9(12), by=alice, reason="Misread item 3.")
    result = _one(episode)
    assert (result.phq9, result.phq9_count) == ((18, 12), 2)
    assert result.outcome["recovery"] is False


def test_it_ignores_drafts_and_other_measures(alice):
    from alliance.measures.services import save_answers, start_administration

    episode = scored_episode(
        alice, "Mix", phq9=(18, 7), gad7=(14, 5), sessions=2, ended=False
    )
    draft = start_administration(episode, "phq9", mode="clinician", by=alice)
    save_answers(draft, {"q1": 3}, by=alice)
    score_core10 = {f"q{n}": 0 for n in range(1, 11)}
    from alliance.measures.services import record_administration

    record_administration(episode, "core10", score_core10, by=alice)
    result = _one(episode)
    assert (result.phq9, result.phq9_count, result.gad7_count) == ((18, 7), 2, 2)


def test_it_reports_when_the_last_score_was_taken(alice):
    episode = scored_episode(alice, "When", phq9=(18, 7), gad7=(14, 5), last_days_ago=3)
    last = Administration.objects.filter(episode=episode).order_by("-taken_at").first()
    assert _one(episode).last_scored_at == last.taken_at


def test_it_lists_episodes_without_scores_as_not_counted(alice, bob):
    scored = scored_episode(alice, "Has", phq9=(18, 7), gad7=(14, 5), sessions=2)
    bare = scored_episode(bob, "None", sessions=3)
    results = episode_outcomes(Episode.objects.filter(pk__in=[scored.pk, bare.pk]))
    assert [r.episode_id for r in results] == [scored.pk]
