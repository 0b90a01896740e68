"""Episode counting for a service: treatment appointments only, the last
score in treatment, periods by when treatment ended, open episodes apart,
no reliable change, waiting times, attendance, sustained recovery and the
per-episode export. Every case is built by hand."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.clients.models import Episode
from alliance.measures.outcomes import episode_outcomes, practice_outcomes
from alliance.measures.service_figures import (
    attendance,
    episode_records,
    pseudonym,
    sustained_recovery,
    waits,
)
from alliance.measures.tests.outcomes.helpers import (
    end_episode,
    hold_sessions,
    score,
    scored_episode,
)


def _ago(days):
    return timezone.now() - timedelta(days=days)


def _one(episode):
    (result,) = episode_outcomes(Episode.objects.filter(pk=episode.pk))
    return result


def test_only_held_treatment_appointments_are_sessions(alice):
    episode = scored_episode(
        alice, "Asa", phq9=(18, 7), gad7=(14, 5), sessions=1, ended=False
    )
    for purpose in ("assessment", "review", "follow_up", "booster"):
        hold_sessions(episode.client, 1, purpose=purpose)
    result = _one(episode)
    assert result.sessions == 1
    assert result.outcome["eligible"] is False


def test_the_last_score_is_the_last_one_in_treatment(practice, alice):
    episode = scored_episode(
        alice,
        "Fay",
        phq9=(18, 7),
        gad7=(14, 5),
        sessions=2,
        ended=False,
        last_days_ago=60,
    )
    end_episode(episode, at=_ago(50), phase="aftercare")
    # Relapse after treatment ended: reported apart, never the end score.
    score(episode, "phq9", 20, at=_ago(20))
    score(episode, "gad7", 17, at=_ago(20))
    result = _one(episode)
    assert (result.phq9, result.gad7) == ((18, 7), (14, 5))
    assert result.outcome["recovery"] is True
    assert result.ended_at == _one(episode).ended_at is not None


def test_going_back_to_treatment_moves_the_end(practice, alice):
    episode = scored_episode(
        alice,
        "Gil",
        phq9=(18, 7),
        gad7=(14, 5),
        sessions=2,
        ended=False,
        last_days_ago=60,
    )
    end_episode(episode, at=_ago(50), phase="aftercare")
    end_episode(episode, at=_ago(40), phase="active")
    score(episode, "phq9", 4, at=_ago(30))
    score(episode, "gad7", 3, at=_ago(30))
    assert _one(episode).ended_at is None
    end_episode(episode, at=_ago(25), phase="closed")
    result = _one(episode)
    assert (result.phq9, result.gad7) == ((18, 4), (14, 3))
    assert abs(result.ended_at - _ago(25)) < timedelta(seconds=5)


def test_a_period_counts_episodes_that_ended_in_it(practice, alice):
    scored_episode(
        alice, "Old", phq9=(18, 7), gad7=(14, 5), sessions=2, last_days_ago=100
    )
    scored_episode(
        alice, "New", phq9=(18, 7), gad7=(14, 5), sessions=2, last_days_ago=5
    )
    scored_episode(alice, "Open", phq9=(18, 7), gad7=(14, 5), sessions=3, ended=False)
    recent = practice_outcomes(practice, since=_ago(30))
    assert (recent.overall.ended, recent.overall.finished) == (1, 1)
    assert (recent.open.ended, recent.open.finished, recent.open.recovered) == (1, 1, 1)
    everything = practice_outcomes(practice)
    assert everything.overall.finished == 2
    (row,) = everything.rows
    assert row.finished == 2


def test_finished_courses_need_an_ended_referral_and_two_treatments(practice, alice):
    scored_episode(alice, "One", phq9=(18, 7), gad7=(14, 5), sessions=1)
    scored_episode(alice, "Two", phq9=(18, 7), gad7=(14, 5), sessions=2)
    scored_episode(alice, "Unscored", sessions=3)
    overall = practice_outcomes(practice).overall
    assert (overall.ended, overall.courses, overall.paired, overall.finished) == (
        3,
        2,
        2,
        1,
    )
    assert overall.courses_unpaired == 1


def test_no_reliable_change_is_the_third_category(practice, alice):
    scored_episode(alice, "Up", phq9=(18, 7), gad7=(14, 5), sessions=2)
    scored_episode(alice, "Down", phq9=(10, 16), gad7=(9, 9), sessions=2)
    scored_episode(alice, "Flat", phq9=(12, 10), gad7=(9, 8), sessions=2)
    scored_episode(alice, "Mixed", phq9=(18, 10), gad7=(5, 12), sessions=2)
    overall = practice_outcomes(practice).overall
    assert (
        overall.reliably_improved,
        overall.reliably_deteriorated,
        overall.no_reliable_change,
    ) == (1, 1, 2)
    assert overall.no_reliable_change_rate.percent == 50.0
    assert overall.no_reliable_change_rate.denominator == 4


def _dated_course(clinician, name, *, referred_days_ago, assessed, treated):
    """An ended course: referred, assessed and first treated so many days
    after referral, with two treatment sessions."""
    from alliance.scheduling.models import Appointment

    episode = scored_episode(
        clinician, name, phq9=(18, 7), gad7=(14, 5), sessions=0, ended=False
    )
    referred = _ago(referred_days_ago)
    Episode.objects.filter(pk=episode.pk).update(opened_at=referred)
    made = [
        *hold_sessions(episode.client, 1, purpose="assessment"),
        *hold_sessions(episode.client, 2, purpose="treatment"),
    ]
    for appointment, days in zip(made, (assessed, treated, treated + 7), strict=True):
        starts = referred + timedelta(days=days)
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=starts, ends_at=starts + timedelta(minutes=50)
        )
    end_episode(episode, at=_ago(0.5))
    return episode


def test_waiting_times_follow_the_nhs_standards(practice, alice):
    _dated_course(alice, "Quick", referred_days_ago=200, assessed=7, treated=20)
    _dated_course(alice, "Edge", referred_days_ago=200, assessed=14, treated=42)
    _dated_course(alice, "Slow", referred_days_ago=200, assessed=30, treated=100)
    _dated_course(alice, "Late", referred_days_ago=300, assessed=60, treated=130)
    result = waits(episode_records(practice))
    assert result.courses == 4
    assert result.median_to_assessment == 22
    assert result.median_to_treatment == 71
    six, eighteen = result.standards
    assert (six["count"], six["of"], six["percent"], six["met"]) == (2, 4, 50.0, False)
    assert (eighteen["count"], eighteen["percent"], eighteen["met"]) == (3, 75.0, False)


def test_attendance_counts_dna_and_cancellations_over_booked(practice, alice, cleo):
    from alliance.scheduling.models import Appointment

    hold_sessions(cleo, 5)
    hold_sessions(cleo, 2, status="no_show")
    cancelled = hold_sessions(cleo, 3, status="cancelled")
    # One cancelled two hours before it started: late.
    Appointment.objects.filter(pk=cancelled[0].pk).update(
        cancelled_at=cancelled[0].starts_at - timedelta(hours=2)
    )
    # The others with days' notice.
    for appointment in cancelled[1:]:
        Appointment.objects.filter(pk=appointment.pk).update(
            cancelled_at=appointment.starts_at - timedelta(days=3)
        )
    hold_sessions(cleo, 1, status="booked")
    counts = attendance(practice)
    assert (
        counts.booked,
        counts.held,
        counts.did_not_attend,
        counts.cancelled,
        counts.late_cancelled,
    ) == (11, 5, 2, 3, 1)
    assert counts.percent(counts.did_not_attend) == 2 / 11 * 100
    later = attendance(practice, since=timezone.now())
    assert later.booked == 0


def test_sustained_recovery_uses_follow_up_scores_only_there(practice, alice):
    from alliance.aftercare.models import FollowUp

    kept, lost = (
        scored_episode(
            alice,
            name,
            phq9=(18, 7),
            gad7=(14, 5),
            sessions=2,
            last_days_ago=30,
            ended=False,
        )
        for name in ("Kept", "Lost")
    )
    for episode, (phq, gad) in ((kept, (6, 4)), (lost, (15, 12))):
        end_episode(episode, at=_ago(29), phase="aftercare")
        followup = FollowUp.objects.create(
            episode=episode,
            client=episode.client,
            months=3,
            aftercare_from=_ago(100),
            due_on=_ago(10).date(),
        )
        followup.administrations.add(
            score(episode, "phq9", phq, at=_ago(10)),
            score(episode, "gad7", gad, at=_ago(10)),
        )
    records = episode_records(practice)
    one, three, six = sustained_recovery(records)
    assert (three.months, three.followed_up, three.still_recovered) == (3, 2, 1)
    assert three.percent == 50.0
    assert one.followed_up == six.followed_up == 0
    # The follow-up scores never became the end-of-treatment scores.
    assert practice_outcomes(practice).overall.recovered == 2


def test_the_episode_export_is_pseudonymous_and_audited(as_user, ada, alice, practice):
    episode = _dated_course(
        alice, "Zebedee", referred_days_ago=100, assessed=7, treated=14
    )
    response = as_user(ada).get(reverse("measures:outcomes_episodes_csv"))
    assert response.status_code == 200
    body = b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode()
    assert "Zebedee" not in body and str(episode.uuid) not in body
    rows = list(csv.DictReader(io.StringIO(body)))
    (row,) = rows
    assert row["Episode (pseudonymous id)"] == pseudonym(episode.uuid)
    assert row["Status"] == "ended"
    assert row["Treatment sessions held"] == "2"
    assert row["Days referral to assessment"] == "7"
    assert row["Days referral to first treatment"] == "14"
    assert (row["PHQ-9 first"], row["PHQ-9 last in treatment"]) == ("18", "7")
    assert (row["Recovered"], row["Reliable change"]) == ("yes", "reliable improvement")
    event = AuditEvent.objects.get(action="outcomes.export_episodes")
    assert event.detail["episodes"] == 1


def test_a_clinician_exports_only_their_own_episodes(as_user, alice, bob):
    mine = scored_episode(alice, "Mine", phq9=(18, 7), gad7=(14, 5), sessions=2)
    theirs = scored_episode(bob, "Theirs", phq9=(18, 7), gad7=(14, 5), sessions=2)
    response = as_user(alice).get(reverse("measures:outcomes_episodes_csv"))
    body = b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode()
    ids = [
        row["Episode (pseudonymous id)"] for row in csv.DictReader(io.StringIO(body))
    ]
    assert ids == [pseudonym(mine.uuid)]
    assert pseudonym(theirs.uuid) not in body


def test_the_page_shows_the_new_figures(as_user, ada, alice):
    _dated_course(alice, "Paige", referred_days_ago=100, assessed=7, treated=14)
    page = as_user(ada).get(reverse("measures:outcomes")).content.decode()
    for text in (
        "No reliable change",
        "Still open",
        "Waiting times",
        "Started treatment within 6 weeks",
        "Attendance",
        "Recovery sustained after treatment",
        "outcomes-episodes.csv",
    ):
        assert text in page
    assert "Paige" not in page


def test_a_period_without_episodes_shows_empty_figures(as_user, ada, alice):
    scored_episode(alice, "Now", phq9=(18, 7), gad7=(14, 5), sessions=2)
    for name in ("measures:outcomes", "measures:outcomes_episodes_csv"):
        response = as_user(ada).get(
            reverse(name), {"since": "2001-01-01", "until": "2001-12-31"}
        )
        assert response.status_code == 200
    assert episode_outcomes(Episode.objects.none()) == []
