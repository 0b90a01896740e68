"""The issue's walk: a client goes from active treatment through aftercare.
End-of-treatment PHQ-9 6; at one month 7 (nothing raised); at three months 16:
a reliable deterioration and back in the clinical range, so exactly one alert
to the clinician and a booster session offered to the client, who asks for it;
the clinician re-opens treatment. The sweep runs as the worker runs it."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.aftercare.selectors import open_booster_requests, portal_aftercare
from alliance.aftercare.services import run_followups
from alliance.aftercare.tasks import followup_sweep
from alliance.aftercare.tests.helpers import (
    answer_portal,
    noon,
    phq9,
    score,
    to_active,
    to_aftercare,
)
from alliance.alerts.models import RiskAlert
from alliance.core.periodic import PERIODIC
from alliance.reminders.models import PeriodicRun
from conftest import log_in

QUESTIONS = {"wellbeing": "6", "note": "", "using_plan": "yes", "wants_contact": "no"}


@pytest.fixture
def no_quiet_hours(cleo):
    # The worker runs at the real time of day; keep emails from waiting.
    practice = cleo.practice
    practice.quiet_hours_start = practice.quiet_hours_end
    practice.save()


def test_the_sweep_is_a_periodic_task_every_hour():
    entry = PERIODIC["aftercare.followup_sweep"]
    assert entry.task is followup_sweep
    assert entry.every == timedelta(hours=1)


def test_a_client_walks_from_active_to_a_booster_session(
    cleo, alice, consent_text, no_quiet_hours, client
):
    episode = to_active(cleo.current_episode(), alice, consent_text, at=noon(200))
    score(episode, alice, "phq9", phq9(15), at=noon(190))
    score(episode, alice, "phq9", phq9(6), at=noon(96))
    # Entered aftercare 95 days ago: the 3-month follow-up is due today.
    to_aftercare(episode, alice, at=noon(95))
    followups = {f.months: f for f in FollowUp.objects.filter(episode=episode)}
    assert sorted(followups) == [1, 3, 6]

    # One month on: the sweep of that day opens the first check-in.
    month1_day = noon(95 - (followups[1].due_on - noon(95).date()).days)
    assert run_followups(now=month1_day)["opened"] == 1
    assert len(mail.outbox) == 1
    portal = log_in(client, cleo.user)
    home = portal.get(reverse("aftercare:mine"))
    assert "1-month follow-up" in home.text
    first = FollowUp.objects.get(pk=followups[1].pk)
    [draft] = first.administrations.all()
    answer_portal(draft, phq9(7))
    response = portal.post(reverse("aftercare:followup", args=[first.uuid]), QUESTIONS)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == FollowUp.Status.COMPLETED
    assert first.deteriorated is False
    assert RiskAlert.objects.count() == 0

    # Three months on: the worker's task opens the next one and emails once.
    followup_sweep.call()
    followup_sweep.call()
    third = FollowUp.objects.get(pk=followups[3].pk)
    assert third.status == FollowUp.Status.OPEN
    assert len(mail.outbox) == 2
    assert FollowUp.objects.get(pk=followups[6].pk).status == "scheduled"
    # The client answers the questions first, then the PHQ-9; the worker
    # completes and compares it.
    response = portal.post(reverse("aftercare:followup", args=[third.uuid]), QUESTIONS)
    assert response.status_code == 302
    [draft] = third.administrations.all()
    answer_portal(draft, phq9(16))
    result = followup_sweep.call()
    assert result["completed"] == 1
    third.refresh_from_db()
    assert third.status == FollowUp.Status.COMPLETED
    assert third.result["reasons"] == [
        "phq9:reliable_deterioration",
        "phq9:returned_to_clinical",
    ]
    [alert] = RiskAlert.objects.all()
    assert alert.client == cleo
    assert alert.episode == episode
    assert alert.source == "Aftercare follow-up"
    assert alert.source_uuid == third.uuid
    assert "3-month follow-up" in alert.summary
    assert "PHQ-9 16 (end of treatment 6)" in alert.summary
    assert "reliable deterioration" in alert.summary
    assert "back in the clinical range" in alert.summary
    # The alert is on the clinician's chart.
    chart = log_in(client, alice).get(reverse("chart:client", args=[cleo.uuid]))
    assert "Aftercare follow-up" in chart.text

    # The client sees the offer and asks for a booster session.
    portal = log_in(client, cleo.user)
    [offer] = BoosterRequest.objects.all()
    assert offer.status == "offered"
    assert portal_aftercare(cleo).booster == offer
    page = portal.get(reverse("aftercare:mine"))
    assert "Ask for a booster session" in page.text
    assert "harder lately" in page.text
    response = portal.post(
        reverse("aftercare:request_booster"), {"note": "CANARY-booster-note"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "requested"
    assert offer.note == "CANARY-booster-note"
    assert open_booster_requests(alice) == [offer]

    # The clinician re-opens treatment.
    clinician = log_in(client, alice)
    page = clinician.get(reverse("aftercare:client", args=[cleo.uuid]))
    assert "Re-open treatment" in page.text
    assert "CANARY-booster-note" in page.text
    response = clinician.post(
        reverse("aftercare:respond", args=[offer.uuid]),
        {"action": "reopen", "response": "Booster sessions agreed after follow-up."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("chart:client", args=[cleo.uuid])
    episode.refresh_from_db()
    assert episode.phase == "active"
    assert (
        episode.transitions.last().reason == "Booster sessions agreed after follow-up."
    )
    offer.refresh_from_db()
    assert offer.status == "reopened"
    assert offer.responded_by == alice
    assert FollowUp.objects.get(pk=followups[6].pk).status == "cancelled"
    assert open_booster_requests(alice) == []
    assert RiskAlert.objects.count() == 1


def test_the_booster_note_and_response_are_encrypted(cleo, alice, in_aftercare):
    from alliance.aftercare.services import request_booster, respond_to_booster

    booster = request_booster(cleo, note="CANARY-note", by=cleo.user)
    respond_to_booster(booster, action="decline", response="CANARY-response", by=alice)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note, response FROM aftercare_boosterrequest WHERE id = %s",
            [booster.pk],
        )
        note, response = cursor.fetchone()
    assert "CANARY" not in note
    assert "CANARY" not in response


def test_the_worker_runs_the_sweep(cleo, alice, treated, no_quiet_hours, settings):
    """``alliance worker --batch`` enqueues the registered sweep on the database
    queue and runs it, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    to_aftercare(treated, alice, at=timezone.now() - timedelta(days=40))
    out = StringIO()
    call_command("worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
    followup = FollowUp.objects.filter(episode=treated).first()
    assert followup.status == FollowUp.Status.OPEN
    ready = [m for m in mail.outbox if m.subject == "Your follow-up check-in is ready"]
    assert len(ready) == 1
    [row] = DBTaskResult.objects.filter(task_path=followup_sweep.module_path)
    assert row.status == "SUCCESSFUL"
    assert row.return_value["opened"] == 1
    # The client answers the questions, then the PHQ-9; the worker's next pass
    # (an hour on) completes the check-in and raises the alert.
    answer_followup_now(followup, cleo)
    [draft] = followup.administrations.all()
    answer_portal(draft, phq9(16))
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.OPEN
    PeriodicRun.objects.filter(name="aftercare.followup_sweep").update(
        last_enqueued_at=timezone.now() - timedelta(hours=1, minutes=1)
    )
    call_command("worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.COMPLETED
    assert [a.source for a in RiskAlert.objects.all()].count("Aftercare follow-up") == 1
    assert BoosterRequest.objects.get().status == "offered"


def answer_followup_now(followup, cleo):
    from alliance.aftercare.services import answer_followup

    answer_followup(
        followup,
        wellbeing=2,
        note="",
        using_plan="no",
        wants_contact=False,
        by=cleo.user,
    )
