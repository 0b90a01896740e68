"""Risk at the first answer: a risk item's rule runs on the answer as it is
saved (portal autosave, kiosk, clinician entry), not only on submit, and the
alert is raised once per administration and item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert
from alliance.audit.models import AuditEvent
from alliance.measures import services
from alliance.measures.models import Administration
from alliance.measures.services import (
    discard_draft,
    save_answers,
    start_administration,
    submit_administration,
)
from alliance.measures.tests.admin.helpers import phq9

HTMX = {"HTTP_HX_REQUEST": "true"}


def _alerts(administration):
    return RiskAlert.objects.filter(
        source_type="measures.administration", source_uuid=administration.uuid
    )


def test_it_raises_the_alert_when_the_risk_answer_is_saved(alice, draft):
    save_answers(draft, {"q9": 3}, by=alice)
    draft.refresh_from_db()
    assert draft.is_draft
    assert draft.risk is True
    alert = _alerts(draft).get()
    assert alert.source == "PHQ-9 item 9"
    assert alert.severity == "high"
    assert "Nearly every day" in alert.summary
    assert "not yet submitted" in alert.summary


def test_saving_the_same_answer_again_raises_no_duplicate(alice, draft):
    save_answers(draft, {"q9": 2}, by=alice)
    save_answers(draft, {"q9": 2, "q1": 1}, by=alice)
    save_answers(draft, {k: v for k, v in phq9(10, item9=2).items()}, by=alice)
    submit_administration(draft, by=alice)
    assert _alerts(draft).count() == 1
    assert RiskAlert.objects.count() == 1


def test_a_worse_answer_updates_the_alert_without_a_duplicate(alice, draft):
    save_answers(draft, {"q9": 1}, by=alice)
    save_answers(draft, {"q9": 3}, by=alice)
    alert = _alerts(draft).get()
    assert "Several days" in alert.summary
    assert "Nearly every day" in alert.summary
    assert AuditEvent.objects.filter(action="alert.update").count() == 1


def test_a_worse_answer_after_acknowledgement_raises_a_new_alert(alice, draft):
    save_answers(draft, {"q9": 1}, by=alice)
    acknowledge_alert(_alerts(draft).get(), by=alice, action_taken="Called the client")
    save_answers(draft, {"q9": 1}, by=alice)
    assert _alerts(draft).count() == 1
    save_answers(draft, {"q9": 3}, by=alice)
    assert _alerts(draft).count() == 2
    assert _alerts(draft).open().count() == 1


def test_changing_the_answer_back_keeps_the_alert(alice, draft):
    save_answers(draft, {"q9": 2}, by=alice)
    save_answers(draft, {"q9": 0}, by=alice)
    save_answers(draft, {"q9": None}, by=alice)
    draft.refresh_from_db()
    assert draft.risk is True
    assert _alerts(draft).open().count() == 1
    # The submitted form still counts as one that held a risk answer.
    save_answers(draft, phq9(5), by=alice)
    submit_administration(draft, by=alice)
    draft.refresh_from_db()
    assert draft.risk is True
    assert RiskAlert.objects.count() == 1


def test_the_alert_is_in_the_same_transaction_as_the_answer(alice, draft, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("alerts unavailable")

    monkeypatch.setattr(services, "raise_alert", broken)
    with pytest.raises(RuntimeError):
        save_answers(draft, {"q9": 2}, by=alice)
    draft.refresh_from_db()
    assert draft.answer_dict() == {}
    assert draft.risk is False


def test_a_draft_with_a_risk_answer_is_kept_as_incomplete(alice, draft):
    save_answers(draft, {"q1": 1, "q2": 2, "q9": 3}, by=alice)
    kept = discard_draft(draft, reason="left over")
    assert kept is not None
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.status == Administration.Status.INCOMPLETE
    assert stored.is_incomplete
    assert stored.stopped_at_item == 9
    assert stored.risk is True
    assert stored.answer_dict() == {"q1": 1, "q2": 2, "q9": 3}
    assert _alerts(stored).open().count() == 1
    assert AuditEvent.objects.filter(action="administration.incomplete").exists()
    # No longer a draft to continue, and never submitted.
    assert not Administration.objects.drafts().exists()
    assert not Administration.objects.submitted().exists()


def test_a_draft_without_a_risk_answer_is_still_discarded(alice, draft):
    save_answers(draft, {"q1": 1}, by=alice)
    assert discard_draft(draft, reason="left over") is None
    assert not Administration.objects.filter(pk=draft.pk).exists()


def test_clinician_entry_raises_the_alert_at_the_answer(as_user, alice, draft):
    url = reverse("measures:enter", args=[draft.uuid]) + "?step=9"
    response = as_user(alice).post(url, {"answer": "3", "go": "next"})
    assert response.status_code == 302
    assert _alerts(draft).count() == 1
    as_user(alice).post(url, {"answer": "3", "go": "next"})
    assert _alerts(draft).count() == 1


def test_kiosk_autosave_raises_the_alert_at_the_answer(as_user, alice, episode):
    http = as_user(alice)
    http.post(
        reverse("measures:start", args=[episode.uuid]),
        {"instrument": "phq9", "mode": "kiosk"},
    )
    administration = Administration.objects.get(mode="kiosk")
    url = reverse("measures:kiosk", args=[administration.uuid]) + "?step=9"
    response = http.post(url, {"answer": "3", "go": "stay"}, **HTMX)
    assert response.status_code == 200
    assert _alerts(administration).count() == 1
    http.post(url, {"answer": "3", "go": "stay"}, **HTMX)
    assert _alerts(administration).count() == 1


def test_the_chart_shows_an_incomplete_questionnaire(as_user, alice, cleo, draft):
    save_answers(draft, {"q1": 1, "q9": 3}, by=alice)
    discard_draft(draft, reason="left over")
    page = (
        as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    )
    assert "Incomplete" in page
    assert "stopped at item 9" in page
    detail = as_user(alice).get(reverse("measures:detail", args=[draft.uuid])).text
    assert "Incomplete" in detail
    assert "Correct these answers" not in detail
    history = reverse("measures:history", args=[draft.episode.uuid, "phq9"])
    page = as_user(alice).get(history).text
    assert "stopped at item 9" in page
    assert draft.get_absolute_url() in page


def test_a_portal_draft_holds_its_risk_answer_when_reused(alice, cleo, episode):
    draft = start_administration(episode, "phq9", mode="portal", by=cleo.user)
    save_answers(draft, {"q9": 1}, by=cleo.user)
    again = start_administration(episode, "phq9", mode="portal", by=cleo.user)
    assert again.pk == draft.pk
    assert _alerts(draft).count() == 1


def test_it_keeps_which_items_raised_alerts_encrypted(alice, draft):
    """Which items raised alerts is itself a risk indicator: sealed at rest."""
    from django.db import connection

    save_answers(draft, {"q9": 3}, by=alice)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT risk_alerts FROM measures_administration WHERE id = %s",
            [draft.pk],
        )
        [(raw,)] = cursor.fetchall()
    # Ciphertext is base64 after its key prefix: no JSON (quotes) survives.
    assert raw.startswith("v1:") and '"' not in raw
    from alliance.core import crypto

    crypto.key_id_of(raw)
    draft = Administration.objects.get(pk=draft.pk)
    assert set(draft.risk_alerts) == {"q9"}
