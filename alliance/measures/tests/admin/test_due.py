from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance.measures.selectors import due_for_clinician, due_measures
from alliance.measures.services import schedule_measure, stop_schedule
from alliance.measures.tests.admin.helpers import days_ago, move, phq9, record


def _due(episode, **kwargs):
    return [s.instrument for s in due_measures(episode, **kwargs)]


def test_once_is_due_until_completed(alice, cleo, episode):
    schedule_measure(episode, "phq9", when="once", by=alice)
    assert _due(episode) == ["phq9"]
    record(cleo, "phq9", phq9(5))
    assert _due(episode) == []


def test_every_session_is_due_once_a_day(alice, cleo, episode):
    schedule_measure(episode, "phq9", when="every_session", by=alice)
    record(cleo, "phq9", phq9(5), at=days_ago(1))
    assert _due(episode) == ["phq9"]
    record(cleo, "phq9", phq9(5))
    assert _due(episode) == []
    tomorrow = timezone.localdate() + timedelta(days=2)
    assert _due(episode, on=tomorrow) == ["phq9"]


def test_every_n_weeks_waits_n_weeks(alice, cleo, episode):
    schedule_measure(episode, "gad7", when="every_n_weeks", every_n_weeks=2, by=alice)
    assert _due(episode) == ["gad7"]
    record(cleo, "gad7", {f"q{n}": 1 for n in range(1, 8)}, at=days_ago(12))
    assert _due(episode) == []
    later = timezone.localdate() + timedelta(days=3)
    assert _due(episode, on=later) == ["gad7"]


def test_at_intake_is_due_during_assessment_only(alice, cleo, episode, consent_text):
    schedule_measure(episode, "phq9", when="at_intake", by=alice)
    assert _due(episode) == []  # still a referral
    move(episode, "assessment")
    assert _due(episode) == ["phq9"]
    record(cleo, "phq9", phq9(12))
    assert _due(episode) == []


def test_at_termination_needs_one_since_entering_it(alice, cleo, episode, consent_text):
    schedule_measure(episode, "phq9", when="at_termination", by=alice)
    move(episode, "assessment", "active", consent_text=consent_text)
    record(cleo, "phq9", phq9(12))
    assert _due(episode) == []  # not in termination yet
    move(episode, "termination")
    assert _due(episode) == ["phq9"]  # the last one predates termination
    record(cleo, "phq9", phq9(4))
    assert _due(episode) == []


def test_at_follow_up_is_due_every_four_weeks_in_aftercare(
    alice, cleo, episode, consent_text
):
    schedule_measure(episode, "phq9", when="at_follow_up", by=alice)
    move(episode, "assessment", "active", "termination", consent_text=consent_text)
    assert _due(episode) == []
    move(episode, "aftercare")
    assert _due(episode) == ["phq9"]
    record(cleo, "phq9", phq9(4), at=days_ago(10))
    assert _due(episode) == []
    record(cleo, "phq9", phq9(4), at=days_ago(30))
    assert _due(episode) == []  # the latest one counts
    later = timezone.localdate() + timedelta(days=18)
    assert _due(episode, on=later) == ["phq9"]


def test_a_stopped_schedule_is_never_due(alice, episode):
    schedule = schedule_measure(episode, "phq9", when="every_session", by=alice)
    stop_schedule(schedule, by=alice)
    assert _due(episode) == []


def test_a_closed_episode_has_nothing_due(alice, episode):
    schedule_measure(episode, "phq9", when="every_session", by=alice)
    move(episode, "closed")
    assert _due(episode) == []


def test_any_route_of_completion_counts(alice, cleo, episode):
    schedule_measure(episode, "phq9", when="once", by=alice)
    record(cleo, "phq9", phq9(3), mode="kiosk")
    assert _due(episode) == []


def test_it_lists_due_measures_for_the_clinician(alice, bob, cleo, dan, episode):
    schedule_measure(episode, "phq9", when="every_session", by=alice)
    schedule_measure(dan.current_episode(), "gad7", when="once", by=bob)
    due = due_for_clinician(alice)
    assert [(s.episode.client, s.instrument) for s in due] == [(cleo, "phq9")]
    assert [s.instrument for s in due_for_clinician(bob)] == ["gad7"]


def test_the_home_page_shows_due_measures(
    as_user, alice, cleo, episode, django_assert_max_num_queries
):
    from conftest import make_client

    for i in range(6):
        other = make_client(alice, given_name=f"C{i}")
        schedule_measure(other.current_episode(), "gad7", when="once", by=alice)
    schedule_measure(episode, "phq9", when="every_session", by=alice)
    http = as_user(alice)
    http.get("/")
    with django_assert_max_num_queries(23):
        page = http.get("/").text
    assert "Cleo Example</a>: PHQ-9" in page
    assert page.count("(once)") == 6
