"""The period filter: an ended episode counts when its treatment ended in
the period (since included, until excluded; whole days in the practice's
time zone on the page); open episodes are counted apart."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from alliance.clients.models import Episode
from alliance.measures.outcomes import (
    episode_outcomes,
    period_bounds,
    practice_outcomes,
)
from alliance.measures.tests.outcomes.helpers import (
    end_episode,
    score,
    scored_episode,
)


def _ago(days):
    return timezone.now() - timedelta(days=days)


def test_it_counts_episodes_by_when_treatment_ended(practice, alice):
    old = scored_episode(alice, "Old", phq9=(18, 7), gad7=(14, 5), last_days_ago=100)
    new = scored_episode(alice, "New", phq9=(18, 7), gad7=(14, 5), last_days_ago=5)
    recent = practice_outcomes(practice, since=_ago(30))
    assert recent.overall.paired == 1
    earlier = practice_outcomes(practice, until=_ago(50))
    assert earlier.overall.paired == 1
    both = practice_outcomes(practice, since=_ago(200), until=_ago(1))
    assert both.overall.paired == 2
    assert [
        r.episode_id for r in episode_outcomes(Episode.objects.all(), since=_ago(30))
    ] == [new.pk]
    assert [
        r.episode_id for r in episode_outcomes(Episode.objects.all(), until=_ago(50))
    ] == [old.pk]


def test_a_score_after_the_end_does_not_move_the_episode(practice, alice):
    episode = scored_episode(
        alice, "Late", phq9=(18, 7), gad7=(14,), last_days_ago=40, ended=False
    )
    end_episode(episode, at=_ago(39), phase="aftercare")
    score(episode, "gad7", 5, at=_ago(10))
    assert practice_outcomes(practice, until=_ago(20)).overall.ended == 1
    assert practice_outcomes(practice, until=_ago(20)).overall.paired == 0
    assert practice_outcomes(practice, since=_ago(20)).overall.ended == 0


def test_since_is_included_and_until_is_not(practice, alice):
    episode = scored_episode(alice, "Edge", phq9=(18, 7), gad7=(14, 5))
    end = Episode.objects.get(pk=episode.pk).closed_at
    assert practice_outcomes(practice, since=end).overall.paired == 1
    assert practice_outcomes(practice, until=end).overall.paired == 0
    assert (
        practice_outcomes(
            practice, until=end + timedelta(microseconds=1)
        ).overall.paired
        == 1
    )


def test_it_takes_whole_days_in_the_practice_time_zone(practice):
    practice.time_zone = "Europe/London"
    since, until = period_bounds(practice, date(2025, 6, 1), date(2025, 6, 30))
    london = ZoneInfo("Europe/London")
    assert since == datetime(2025, 6, 1, tzinfo=london)
    assert until == datetime(2025, 7, 1, tzinfo=london)
    # 23:30 UTC on 30 June is already 1 July in London (summer time).
    assert datetime(2025, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC")) >= until
    assert period_bounds(practice, None, None) == (None, None)
