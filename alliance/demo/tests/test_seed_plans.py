"""The demo's intakes, goals, treatment plans and session records
(alliance.demo.seed_plans) in a small world; the real demo's are in
test_demo.py, which seeds it once."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alliance.alerts.models import RiskAlert
from alliance.clients.models import Client, Episode
from alliance.clients.services import record_consent, transition_episode
from alliance.demo import content
from alliance.demo.seed_plans import (
    STORIES,
    pick_techniques,
    seed_intakes_and_plans,
    story_for,
)
from alliance.intake.models import Intake, IntakeSection, ProvisionalDiagnosis
from alliance.notes.models import TherapySession
from alliance.notes.tests.helpers import signed
from alliance.plans.models import (
    Goal,
    GoalRating,
    PlanAcknowledgement,
    SessionPlanRecord,
    TechniqueUse,
    TreatmentPlan,
)
from alliance.plans.services import t_score_history
from alliance.techniques.library import get_technique
from conftest import make_client

ZONE = ZoneInfo("Europe/London")
REASONS = {row[0]: row[5] for row in content.CLIENTS}
WEEK_HOURS = 24 * 7


def _client(clinician, consent_text, name, phase, sessions, *, reason=None):
    """A client of ``clinician`` in ``phase`` with weekly signed sessions, built
    through the services (each client in their own hour of the week)."""
    client = make_client(
        clinician, given_name=name, referral_reason=reason or REASONS[name]
    )
    if phase == "referral":
        return client
    episode = client.current_episode()
    transition_episode(episode, "assessment", by=clinician, reason="Assessment booked")
    record_consent(
        episode,
        consent_text=consent_text,
        method="signed_paper",
        given_at=timezone.now() - timedelta(weeks=sessions + 1),
        by=clinician,
    )
    hour = 2 + Client.objects.count()
    signed(client, hours_ago=WEEK_HOURS * sessions + hour)
    if phase != "assessment":
        transition_episode(episode, "active", by=clinician, reason="Plan agreed")
        for week in range(sessions - 1, 0, -1):
            signed(client, hours_ago=WEEK_HOURS * week + hour)
    return client


def _world(alice, consent_text):
    return [
        (_client(alice, consent_text, "Amara", "active", 10), "active"),
        (_client(alice, consent_text, "Bartek", "active", 4), "active"),
        (_client(alice, consent_text, "Finn", "assessment", 1), "assessment"),
        (_client(alice, consent_text, "Carys", "referral", 0), "referral"),
        (
            _client(
                alice, consent_text, "Gil", "active", 3, reason="Trouble concentrating"
            ),
            "active",
        ),
    ]


def _seed(clients, rng=None):
    seed_intakes_and_plans(
        clients,
        staff={},
        now=timezone.now(),
        zone=ZONE,
        rng=rng or random.Random(2026),
    )


def _section(client, key):
    return IntakeSection.objects.get(intake__episode__client=client, key=key)


def test_it_completes_the_intake_of_clients_in_treatment(alice, consent_text):
    clients = _world(alice, consent_text)
    amara = clients[0][0]
    _seed(clients)
    intake = Intake.objects.get(episode__client=amara)
    assert intake.status == Intake.Status.COMPLETED
    assert all(not s.is_empty() for s in intake.sections.all())
    assert _section(amara, "risk").risk_level == "low"
    assert _section(amara, "risk").current_self_harm_thoughts == "no"
    assert _section(amara, "history").text.startswith("Made redundant")
    assert list(intake.diagnoses.values_list("code_system", "code")) == [
        ("icd10cm", "F32.1")
    ]


def test_it_leaves_a_draft_intake_in_assessment(alice, consent_text):
    clients = _world(alice, consent_text)
    finn = clients[2][0]
    _seed(clients)
    intake = Intake.objects.get(episode__client=finn)
    assert intake.status == Intake.Status.DRAFT
    assert "seminars" in _section(finn, "presenting").text
    assert _section(finn, "formulation").text == ""
    assert not Goal.objects.filter(episode__client=finn).exists()
    assert not Intake.objects.filter(episode__client=clients[3][0]).exists()


def test_it_writes_three_weighted_goals_and_an_acknowledged_plan(alice, consent_text):
    clients = _world(alice, consent_text)
    bartek = clients[1][0]
    _seed(clients)
    goals = list(Goal.objects.filter(episode__client=bartek).order_by("id"))
    assert [int(g.weight) for g in goals] == [3, 2, 1]
    assert [g.measure_code for g in goals] == ["", "gad7", ""]
    assert goals[1].measure_text == "GAD-7 below 8"
    assert all(g.client_words.startswith("“") for g in goals)
    today = timezone.localdate(timezone=ZONE)
    assert all(g.target_date > today for g in goals)
    plan = TreatmentPlan.objects.get(episode__client=bartek)
    version = plan.current
    assert version.number == 1  # four sessions: no review yet
    assert version.approach == "cbt"
    assert version.session_frequency == "weekly"
    assert 12 <= version.expected_sessions <= 16
    assert version.measures == [
        {"code": "phq9", "how_often": "every_session"},
        {"code": "gad7", "how_often": "every_session"},
    ]
    assert version.next_review > today
    assert set(version.goals.all()) == set(goals)
    assert version.acknowledgement.method == "signed_paper"
    for slug in version.interventions:
        get_technique(slug)  # raises KeyError for a slug not in the library
    assert "graded-exposure" in version.interventions


def test_it_reviews_the_plan_at_the_eighth_session(alice, consent_text):
    clients = _world(alice, consent_text)
    amara = clients[0][0]
    _seed(clients)
    plan = TreatmentPlan.objects.get(episode__client=amara)
    first, second = plan.versions.order_by("number")
    assert plan.current == second
    assert second.reason.startswith("Review with Amara at the eighth session")
    assert second.expected_sessions > first.expected_sessions
    assert set(first.interventions) < set(second.interventions)
    assert PlanAcknowledgement.objects.filter(version__plan=plan).count() == 2


def test_it_rates_goals_at_the_last_sessions_so_the_t_score_moves(alice, consent_text):
    clients = _world(alice, consent_text)
    _seed(clients)
    for client, sessions in ((clients[0][0], 10), (clients[1][0], 4)):
        episode = client.current_episode()
        history = t_score_history(episode)
        assert 3 <= len(history) <= min(sessions, 6)
        assert len({round(p.t_score, 2) for p in history}) > 1
        held = list(TherapySession.objects.filter(episode=episode).order_by("-held_at"))
        rated = [p.session for p in history]
        assert rated == sorted(held[: len(rated)], key=lambda s: s.held_at)
        assert GoalRating.objects.filter(goal__episode=episode).count() == 3 * len(
            rated
        )
        records = SessionPlanRecord.objects.filter(session__in=rated)
        assert records.count() == len(rated)
        assert all(r.reflections.startswith("“") for r in records)
        assert all(r.goals_addressed.count() == 2 for r in records)
    uses = TechniqueUse.objects.filter(record__session__client=clients[0][0])
    assert uses.exists()
    assert all(u.used and u.client_response for u in uses)


def test_it_writes_a_generic_story_for_an_unknown_reason(alice, consent_text):
    clients = _world(alice, consent_text)
    gil = clients[4][0]
    _seed(clients)
    assert "Trouble concentrating" in _section(gil, "presenting").text
    assert Intake.objects.get(episode__client=gil).is_completed
    assert len(t_score_history(gil.current_episode())) == 3


def test_it_raises_no_risk_alert(alice, consent_text):
    clients = _world(alice, consent_text)
    before = RiskAlert.objects.count()
    _seed(clients)
    assert RiskAlert.objects.count() == before == 0


def test_it_leaves_seeded_clients_and_the_callers_rng_alone(alice, consent_text):
    clients = _world(alice, consent_text)
    rng = random.Random(2026)
    state = rng.getstate()
    _seed(clients, rng)
    assert rng.getstate() == state
    counts = (
        Intake.objects.count(),
        Goal.objects.count(),
        GoalRating.objects.count(),
        SessionPlanRecord.objects.count(),
    )
    _seed(clients, rng)
    assert counts == (
        Intake.objects.count(),
        Goal.objects.count(),
        GoalRating.objects.count(),
        SessionPlanRecord.objects.count(),
    )


def test_it_gives_clients_who_finish_their_intake_when_seeded_before_moving_on(
    alice, consent_text
):
    """The intake starts only in assessment or treatment, and closed episodes
    take no writes: seeded while active, a client keeps it all afterwards."""
    kemi = _client(alice, consent_text, "Kemi", "active", 10)
    cal = _client(alice, consent_text, "Cal", "active", 5)
    _seed([(kemi, "aftercare"), (cal, "closed")])
    for client, phases in (
        (kemi, ["termination", "aftercare"]),
        (cal, ["termination", "closed"]),
    ):
        episode = client.current_episode()
        for phase in phases:
            transition_episode(
                episode,
                phase,
                by=alice,
                reason="Course finished",
                discharge="completed" if phase == "closed" else "",
            )
    kemi_episode = Episode.objects.get(client=kemi)
    assert kemi_episode.phase == "aftercare"
    assert Intake.objects.get(episode=kemi_episode).is_completed
    assert kemi_episode.goals.count() == 3
    assert kemi_episode.treatment_plan.current.number == 2
    cal_episode = Episode.objects.get(client=cal)
    assert cal_episode.phase == "closed"
    assert Intake.objects.get(episode=cal_episode).is_completed
    assert len(t_score_history(cal_episode)) >= 3
    # Seeding again after the episode ended writes nothing and raises nothing.
    _seed([(kemi, "aftercare"), (cal, "closed")])
    assert Intake.objects.count() == 2


def test_it_seeds_plans_for_clients_past_treatment_without_an_intake(
    alice, consent_text
):
    rosa = _client(alice, consent_text, "Rosa", "active", 5)
    transition_episode(
        rosa.current_episode(), "termination", by=alice, reason="Ending planned"
    )
    _seed([(rosa, "termination")])
    assert not Intake.objects.filter(episode__client=rosa).exists()
    assert TreatmentPlan.objects.filter(episode__client=rosa).exists()
    assert len(t_score_history(rosa.current_episode())) >= 3


@pytest.mark.parametrize("hour_minute", [(0, 5), (23, 58)])
def test_it_seeds_at_either_end_of_the_clock_change_day(
    alice, consent_text, hour_minute
):
    base = datetime(2026, 3, 29, *hour_minute, tzinfo=ZONE)
    real_start = datetime.now(tz=ZoneInfo("UTC"))

    def fake_now():
        return base + (datetime.now(tz=ZoneInfo("UTC")) - real_start)

    with mock.patch("django.utils.timezone.now", fake_now):
        clients = _world(alice, consent_text)
        _seed(clients)
        today = timezone.localdate(timezone=ZONE)
    assert TreatmentPlan.objects.count() == 3
    assert Goal.objects.filter(target_date__lte=today).count() == 0


def test_every_story_is_valid_for_the_services():
    """Codes have the ICD-10-CM shape, stories fit the library, and every demo
    reason has its own story."""
    for story in STORIES:
        for _, code in story.diagnoses:
            if code:
                assert ProvisionalDiagnosis.code_refusal("icd10cm", code) is None
        chosen, spares = pick_techniques(story, random.Random(1))
        assert chosen == pick_techniques(story, random.Random(1))[0]
        assert len(chosen) >= 3
        assert not set(chosen) & set(spares)
        for level_texts in (g.levels for g in story.goals):
            assert len(set(level_texts)) == 5
    matched = [story_for(reason).match for reason in REASONS.values()]
    assert "" not in matched
    assert len(set(matched)) == len(REASONS)
