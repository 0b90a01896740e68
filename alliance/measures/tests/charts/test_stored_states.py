"""The stored "due" and "not on track" states (issues #13 and #14): they follow
every kind of change, agree with the definitions computed from scratch, and the
home page reads them in a fixed number of queries."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from alliance.clients.models import Episode
from alliance.clients.services import change_primary_clinician
from alliance.measures.expected import MIN_EPISODES, shown_bound
from alliance.measures.management.commands.refresh_measures import refresh_everything
from alliance.measures.models import MeasureSchedule, MeasureTrack
from alliance.measures.selectors import (
    due_for_clinician,
    due_measures,
    is_due,
    next_due,
)
from alliance.measures.services import (
    correct_administration,
    record_administration,
    schedule_measure,
    stop_schedule,
)
from alliance.measures.tests.admin.helpers import move, phq9
from alliance.measures.tracking import not_on_track, sweep
from conftest import make_client

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def episode(cleo):
    return cleo.current_episode()


def _series(client, totals, *, weeks_ago=None, schedule=None):
    episode = client.current_episode()
    start = timezone.now() - timedelta(weeks=weeks_ago or len(totals) + 1)
    return [
        record_administration(
            episode,
            "phq9",
            phq9(total),
            by=client.clinician,
            at=start + timedelta(weeks=n),
            schedule=schedule,
        )
        for n, total in enumerate(totals)
    ]


def _history(alice, totals):
    """MIN_EPISODES past clients who started moderate, then the curves."""
    for i in range(MIN_EPISODES):
        _series(make_client(alice, given_name=f"Past{i}"), totals)
    sweep()


def _snapshot():
    tracks = sorted(
        MeasureTrack.objects.values_list(
            "episode_id",
            "instrument",
            "first_total",
            "latest_total",
            "scores",
            "latest_follow_up",
            "on_track",
            "method",
        )
    )
    due = sorted(MeasureSchedule.objects.values_list("pk", "next_due"))
    return tracks, due


# -- due ---------------------------------------------------------------------


def test_next_due_agrees_with_is_due_on_every_day():
    today = date(2026, 3, 10)
    started = timezone.datetime(2026, 3, 1, 9, tzinfo=UTC)
    lasts = [None, started - timedelta(days=3), started + timedelta(days=2, hours=20)]
    for when, phase, last, active in itertools.product(
        MeasureSchedule.When.values, Episode.Phase.values, lasts, (True, False)
    ):
        schedule = MeasureSchedule(when=when, every_n_weeks=2, active=active)
        episode = Episode(phase=phase)
        due = next_due(schedule, episode, last, zone=UTC, termination_started=started)
        for offset in range(-20, 60):
            day = today + timedelta(days=offset)
            expected = is_due(
                schedule,
                episode,
                last,
                today=day,
                zone=UTC,
                termination_started=started,
            )
            assert (due is not None and due <= day) == expected, (
                when,
                phase,
                last,
                day,
            )


def _due(user, **kwargs):
    return [
        (s.episode.client.given_name, s.instrument)
        for s in due_for_clinician(user, **kwargs)
    ]


def test_due_follows_scores_schedules_and_phases(alice, cleo, episode, consent_text):
    intake = schedule_measure(episode, "phq9", when="at_intake", by=alice)
    assert _due(alice) == []  # still a referral
    move(episode, "assessment")
    assert _due(alice) == [("Cleo", "phq9")]
    record_administration(episode, "phq9", phq9(12), by=alice)
    assert _due(alice) == []
    weekly = schedule_measure(episode, "gad7", when="every_session", by=alice)
    assert _due(alice) == [("Cleo", "gad7")]
    record_administration(episode, "gad7", {f"q{n}": 1 for n in range(1, 8)}, by=alice)
    assert _due(alice) == []
    assert _due(alice, on=timezone.localdate() + timedelta(days=2)) == [
        ("Cleo", "gad7")
    ]
    stop_schedule(weekly, by=alice)
    assert _due(alice, on=timezone.localdate() + timedelta(days=2)) == []
    schedule_measure(episode, "phq9", when="at_termination", by=alice)
    move(episode, "active", "termination", consent_text=consent_text)
    assert _due(alice) == [("Cleo", "phq9")]
    move(episode, "closed")
    assert _due(alice) == []
    intake.refresh_from_db()
    assert intake.next_due is None


def test_due_agrees_with_the_episode_view_and_a_rebuild(alice, bob, cleo, dan, episode):
    schedule_measure(episode, "phq9", when="every_n_weeks", every_n_weeks=2, by=alice)
    schedule_measure(episode, "gad7", when="once", by=alice)
    schedule_measure(dan.current_episode(), "phq9", when="every_session", by=bob)
    _series(cleo, [14, 12])
    for day in range(0, 30, 3):
        on = timezone.localdate() + timedelta(days=day)
        assert [s.instrument for s in due_for_clinician(alice, on=on)] == [
            s.instrument for s in due_measures(episode, on=on)
        ]
    before = _snapshot()
    MeasureSchedule.objects.update(next_due=None)
    MeasureTrack.objects.all().delete()
    refresh_everything(rebuild=True)
    assert _snapshot() == before


def test_the_first_migrate_builds_the_states(alice, cleo, episode):
    from django.apps import apps

    from alliance.measures.management.commands.refresh_measures import (
        backfill_after_migrate,
    )

    schedule_measure(episode, "phq9", when="every_session", by=alice)
    _series(cleo, [12, 19])
    built = _snapshot()
    MeasureSchedule.objects.update(next_due=None)
    MeasureTrack.objects.all().delete()
    backfill_after_migrate(apps.get_app_config("measures"), using="default")
    assert _snapshot() == built
    assert [f.client for f in not_on_track(alice)] == [cleo]
    assert _due(alice) == [("Cleo", "phq9")]


def test_the_due_list_is_one_query_however_large_the_caseload(
    alice, practice, django_assert_num_queries
):
    for i in range(12):
        client = make_client(alice, given_name=f"C{i:02}")
        schedule_measure(client.current_episode(), "phq9", when="once", by=alice)
    alice.practice  # noqa: B018 - the request's user has it loaded too
    with django_assert_num_queries(1):
        due = due_for_clinician(alice)
    assert [s.episode.client.given_name for s in due] == [f"C{i:02}" for i in range(12)]


# -- not on track ------------------------------------------------------------


def test_a_correction_updates_the_verdict(alice, cleo):
    *_, last = _series(cleo, [12, 19])
    assert [f.client for f in not_on_track(alice)] == [cleo]
    correct_administration(last, phq9(13), by=alice, reason="Typed 19 for 13.")
    assert not_on_track(alice) == []
    track = MeasureTrack.objects.get()
    assert (track.latest_total, track.scores, track.on_track) == (13.0, 2, True)


def test_the_list_follows_the_caseload_and_the_phase(alice, bob, ada, cleo, episode):
    _series(cleo, [12, 19])
    assert [f.client for f in not_on_track(alice)] == [cleo]
    change_primary_clinician(cleo, to=bob, by=ada, reason="Moved to Tuesdays.")
    assert not_on_track(alice) == []
    assert [f.client for f in not_on_track(bob)] == [cleo]
    move(cleo.current_episode(), "closed")
    assert not_on_track(bob) == []


def test_reliable_deterioration_is_a_floor_under_the_curve(alice, cleo):
    # Past clients who started moderate got much worse: the curve's range is
    # high, yet a reliably worse score is flagged all the same.
    _history(alice, [12, 22, 22, 23])
    _series(cleo, [12, 18])
    [flagged] = [f for f in not_on_track(alice) if f.client == cleo]
    assert flagged.verdict.method == "deterioration"
    assert "reliably worse than the first score 12" in flagged.verdict.reason
    assert flagged.verdict.bound == 18


def test_the_sweep_rejudges_with_new_curves(alice, cleo):
    _series(cleo, [13, 13, 13, 13, 13, 13])
    assert not_on_track(alice) == []
    _history(alice, [13, 11, 9, 7, 6, 5])
    [flagged] = [f for f in not_on_track(alice) if f.client == cleo]
    assert flagged.verdict.method == "curve"
    track = MeasureTrack.objects.get(client=cleo)
    assert (track.on_track, track.method) == (False, "curve")


def test_the_reason_names_the_score_and_its_date_and_a_consistent_bound(alice, cleo):
    _history(alice, [13, 11, 9, 7, 6, 5])
    *_, last = _series(cleo, [13, 13, 13, 13, 13, 13])
    [flagged] = [f for f in not_on_track(alice) if f.client == cleo]
    day = f"{timezone.localtime(last.taken_at, UTC).date():%-d %b %Y}"
    assert flagged.verdict.reason.startswith(f"Score 6 on {day} (13)")
    assert "session" not in flagged.verdict.reason
    printed = float(flagged.verdict.reason.rsplit("at most ", 1)[1][:-2])
    assert printed == shown_bound(flagged.verdict.bound, "lower") < 13


def test_the_printed_bound_rounds_towards_on_track():
    assert shown_bound(12.96, "lower") == 12.9
    assert shown_bound(12.91, "higher") == 13.0
    assert shown_bound(12.0, "lower") == 12.0


def test_follow_ups_are_not_sessions(alice, cleo, episode, consent_text):
    follow_up = schedule_measure(episode, "phq9", when="at_follow_up", by=alice)
    move(episode, "assessment", "active", consent_text=consent_text)
    _series(cleo, [12, 10, 9], weeks_ago=10)
    move(episode, "termination", "aftercare")
    record_administration(episode, "phq9", phq9(19), by=alice, schedule=follow_up)
    track = MeasureTrack.objects.get()
    assert (track.scores, track.latest_follow_up, track.latest_total) == (3, True, 19.0)
    [flagged] = not_on_track(alice)
    assert flagged.scores == 3
    assert flagged.verdict.reason.startswith("The follow-up score 19 on ")
    assert "after 3 treatment scores" in flagged.verdict.reason


def test_not_on_track_is_a_fixed_number_of_queries(alice, django_assert_num_queries):
    for i in range(8):
        _series(make_client(alice, given_name=f"C{i}"), [10, 17])
    not_on_track(alice)  # the curves reach the cache
    with django_assert_num_queries(1):
        flagged = not_on_track(alice)
    assert [f.client.given_name for f in flagged] == [f"C{i}" for i in range(8)]
    assert len(not_on_track(alice, limit=3)) == 3


# -- the chart ---------------------------------------------------------------


def test_the_progress_chart_draws_the_expected_range(as_user, alice, cleo, episode):
    from django.urls import reverse

    _series(cleo, [13, 12])
    url = reverse("measures:history", args=[episode.uuid, "phq9"])
    page = as_user(alice).get(url).text
    assert "<polygon" not in page and "Green band" not in page
    _history(alice, [13, 11, 9, 7, 6, 5])
    page = as_user(alice).get(url).text
    assert page.count("<polygon") == 1
    assert "Expected range for clients of this practice" in page
    assert "Green band" in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
