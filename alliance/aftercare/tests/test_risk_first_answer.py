"""A risk answer in a follow-up questionnaire reaches the clinician at once,
even if the client stops there and the follow-up lapses (issue #10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.aftercare.models import FollowUp
from alliance.aftercare.services import run_followups
from alliance.aftercare.tests.helpers import noon, to_aftercare
from alliance.alerts.models import RiskAlert
from alliance.measures.models import Administration

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def open_followup(treated, alice):
    to_aftercare(treated, alice, at=noon(40))
    run_followups(now=timezone.now() - timedelta(minutes=5))
    return FollowUp.objects.get(episode=treated, status="open")


def _phq9(followup):
    return followup.administrations.get(instrument="phq9")


def _alerts(administration):
    return RiskAlert.objects.filter(
        source_type="measures.administration", source_uuid=administration.uuid
    )


def _autosave(portal, administration, step, answer):
    url = reverse("portal:answer", args=[administration.uuid]) + f"?step={step}"
    return portal.post(url, {"answer": answer, "go": "stay"}, **HTMX)


def test_a_risk_answer_survives_a_lapsed_followup(
    portal, open_followup, as_user, alice, cleo
):
    draft = _phq9(open_followup)
    assert _autosave(portal, draft, 1, "1").status_code == 200
    response = _autosave(portal, draft, 9, "3")  # "Nearly every day"
    assert response.status_code == 200
    # The alert is there before anything is submitted.
    draft.refresh_from_db()
    assert draft.is_draft
    alert = _alerts(draft).get()
    assert alert.is_open
    assert alert.severity == "high"
    assert "Nearly every day" in alert.summary
    # Saving the same answer again raises nothing more.
    _autosave(portal, draft, 9, "3")
    assert _alerts(draft).count() == 1

    # The client stops. Thirty days on, the sweep marks the follow-up missed.
    counts = run_followups(now=timezone.now() + timedelta(days=31))
    assert counts["missed"] == 1
    open_followup.refresh_from_db()
    assert open_followup.status == "missed"

    kept = Administration.objects.get(pk=draft.pk)
    assert kept.status == Administration.Status.INCOMPLETE
    assert kept.stopped_at_item == 9
    assert kept.risk is True
    assert kept.answer_dict() == {"q1": 1, "q9": 3}
    assert _alerts(kept).get().is_open
    assert sum(a.source == "PHQ-9 item 9" for a in RiskAlert.objects.all()) == 1

    chart = (
        as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    )
    assert "Incomplete" in chart
    assert "stopped at item 9" in chart
    assert kept.get_absolute_url() in chart
    # It no longer waits on the portal home as one to carry on, and it can
    # no longer be answered.
    portal = as_user(cleo.user)
    response = portal.get(reverse("portal:home"))
    assert response.status_code == 200
    home = response.text
    assert reverse("portal:answer", args=[kept.uuid]) not in home
    answer = portal.get(reverse("portal:answer", args=[kept.uuid]), follow=True)
    assert "closed before it was finished" in answer.text
    _autosave(portal, kept, 9, "0")
    kept.refresh_from_db()
    assert kept.answer_dict() == {"q1": 1, "q9": 3}


def test_a_followup_draft_without_a_risk_answer_is_still_discarded(
    portal, open_followup
):
    draft = _phq9(open_followup)
    _autosave(portal, draft, 1, "2")
    run_followups(now=timezone.now() + timedelta(days=31))
    assert not Administration.objects.filter(pk=draft.pk).exists()
    assert not RiskAlert.objects.exists()


def test_submitting_after_an_autosaved_risk_answer_raises_no_duplicate(
    portal, open_followup
):
    draft = _phq9(open_followup)
    for step in range(1, 9):
        _autosave(portal, draft, step, "0")
    _autosave(portal, draft, 9, "2")
    response = portal.post(reverse("portal:submit", args=[draft.uuid]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_submitted
    assert draft.risk is True
    assert _alerts(draft).count() == 1
    done = portal.get(reverse("portal:done", args=[draft.uuid])).text
    assert "Thank you for telling us" in done


def test_a_stale_portal_draft_with_a_risk_answer_is_kept(treated, alice, cleo):
    from alliance.measures.services import save_answers, start_administration

    stale = start_administration(treated, "phq9", mode="portal", by=cleo.user)
    save_answers(stale, {"q9": 1}, by=cleo.user)
    # Treatment cannot end with the high alert unread (clients.Episode.can_move_to).
    from alliance.alerts.services import acknowledge_alert

    acknowledge_alert(
        _alerts(stale).get(),
        by=alice,
        action_taken="Called Cleo; safety plan reviewed.",
    )
    to_aftercare(treated, alice, at=noon(40))
    run_followups(now=timezone.now() - timedelta(minutes=5))
    followup = FollowUp.objects.get(episode=treated, status="open")
    kept = Administration.objects.get(pk=stale.pk)
    assert kept.is_incomplete
    assert kept.closed_reason == "superseded by a follow-up"
    # The follow-up has a fresh questionnaire of its own.
    assert _phq9(followup).pk != stale.pk
    assert _phq9(followup).answer_dict() == {}
    assert _alerts(kept).count() == 1
