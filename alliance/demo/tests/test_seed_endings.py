"""The demo's end-of-treatment work (alliance.demo.seed_endings): in a small
world through the services (the real demo's in test_demo.py)."""

from __future__ import annotations

from django.utils import timezone

from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.aftercare.selectors import open_booster_requests
from alliance.aftercare.services import ALERT_SOURCE
from alliance.aftercare.tests.helpers import (
    gad7,
    noon,
    phq9,
    score,
    to_active,
    to_aftercare,
)
from alliance.alerts.models import RiskAlert
from alliance.audit.models import AuditEvent
from alliance.clients.models import Client, Episode
from alliance.clients.services import transition_episode
from alliance.demo.seed_endings import seed_endings, seed_followups, write_ending
from alliance.termination.models import (
    ReadinessReview,
    RelapsePreventionPlanVersion,
    TerminationSummary,
)
from alliance.termination.tests.helpers import full_record, to_termination
from alliance.toolbox.models import CopingSkill
from conftest import make_client

P = Episode.Phase


def _review(client: Client) -> ReadinessReview:
    return ReadinessReview.objects.get(episode__client=client)


def _plan(client: Client) -> RelapsePreventionPlanVersion:
    return RelapsePreventionPlanVersion.objects.get(plan__client=client)


def test_write_ending_completes_the_ending_once(cleo, alice, consent_text):
    episode = full_record(cleo, consent_text)["episode"]

    write_ending(cleo, clinician=alice)

    review = _review(cleo)
    assert review.is_completed
    assert (review.ending, review.ending_reason, review.ready_to_end) == (
        "planned",
        "completed",
        True,
    )
    assert "Cleo" in review.judgement
    summary = TerminationSummary.objects.get(episode=episode)
    assert summary.is_finalised and summary.is_shared
    assert "signs we agreed to look out for" in summary.client_watch
    plan = _plan(cleo)
    assert plan.number == 1
    toolbox = set(CopingSkill.objects.current().filter(client=cleo))
    assert set(plan.skills.all()) == toolbox and toolbox
    assert plan.warning_signs and plan.come_back
    assert AuditEvent.objects.filter(action="relapse_plan.save").count() == 1

    # Again, and after the move to aftercare: nothing is written twice.
    write_ending(cleo, clinician=alice)
    transition_episode(episode, P.AFTERCARE, by=alice, reason="Final session held.")
    write_ending(cleo, clinician=alice)
    assert RelapsePreventionPlanVersion.objects.filter(plan__client=cleo).count() == 1
    assert ReadinessReview.objects.filter(episode=episode).count() == 1
    assert AuditEvent.objects.filter(action="termination_summary.share").count() == 1


def test_termination_clients_get_reviews_a_summary_and_plans(alice, consent_text):
    clients = [
        make_client(alice, given_name=name, referral_reason=reason)
        for name, reason in (
            ("Ines", "Panic attacks on the bus"),
            ("Jon", "Low mood after redundancy"),
            ("Kit", "Work stress and poor sleep"),
        )
    ]
    for client in clients:
        to_termination(client, consent_text)

    logins = seed_endings(
        [(c, P.TERMINATION) for c in clients],
        staff={},
        now=timezone.now(),
        password="x" * 16,
    )

    assert logins == []
    reviews = {c.given_name: _review(c) for c in clients}
    assert [r.is_completed for r in reviews.values()] == [True, False, False]
    assert all(r.judgement for r in reviews.values())
    assert reviews["Kit"].ending == "planned" and reviews["Kit"].ready_to_end is None
    assert reviews["Jon"].ending == ""
    summaries = TerminationSummary.objects.filter(episode__client__in=clients)
    assert [s.episode.client.given_name for s in summaries] == ["Ines"]
    assert not summaries[0].is_finalised
    for client in clients:
        plan = _plan(client)
        # No treatment plan: two all-round skills from the library are ticked.
        assert [s.technique for s in plan.skills.all()] == [
            "activity-scheduling",
            "self-compassion-break",
        ]
    assert "avoid places" in _plan(clients[0]).warning_signs
    assert "dropping plans" in _plan(clients[1]).warning_signs


def test_followups_open_and_one_asks_for_a_booster(alice, consent_text):
    clients = []
    for name, days in (("Lena", 36), ("Mo", 34), ("Noor", 33)):
        client = make_client(alice, given_name=name)
        episode = to_active(client.current_episode(), alice, consent_text, at=noon(120))
        score(episode, alice, "phq9", phq9(15), at=noon(110))
        score(episode, alice, "gad7", gad7(12), at=noon(110))
        score(episode, alice, "phq9", phq9(5), at=noon(days + 1))
        score(episode, alice, "gad7", gad7(4), at=noon(days + 1))
        to_aftercare(episode, alice, at=noon(days))
        clients.append(client)

    logins = seed_followups(clients, now=timezone.now(), password="p" * 16)

    assert [x["name"] for x in logins] == ["Lena Example", "Mo Example"]
    assert {x["role"] for x in logins} == {"client"}
    first = {
        f.client.given_name: f
        for f in FollowUp.objects.filter(months=1).select_related("client")
    }
    harder, steady, waiting = first["Lena"], first["Mo"], first["Noor"]
    assert harder.status == steady.status == FollowUp.Status.COMPLETED
    assert harder.deteriorated is True and steady.deteriorated is False
    assert "phq9:reliable_deterioration" in harder.result["reasons"]
    assert waiting.status == FollowUp.Status.OPEN
    assert waiting.opened_at is not None
    assert harder.opened_at <= harder.answered_at <= timezone.now()
    [alert] = RiskAlert.objects.open()
    assert (alert.client, alert.source) == (harder.client, ALERT_SOURCE)
    [booster] = BoosterRequest.objects.all()
    assert booster.status == BoosterRequest.Status.REQUESTED
    assert open_booster_requests(alice) == [booster]
    # The check-ins opened before anyone had a login, so no check-in email went.
    assert not FollowUp.objects.filter(email_sent_at__isnull=False).exists()
