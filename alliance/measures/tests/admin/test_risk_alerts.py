from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert
from alliance.audit.models import AuditEvent
from alliance.measures import services
from alliance.measures.models import Administration
from alliance.measures.services import save_answers, submit_administration
from alliance.measures.tests.admin.helpers import phq9, record

CORE10_CALM = {f"q{n}": 0 for n in range(1, 11)}
AUDIT_LOW = {f"q{n}": 0 for n in range(1, 11)}


def test_phq9_item_9_raises_a_high_alert(alice, cleo, episode):
    administration = record(cleo, "phq9", phq9(10, item9=1))
    assert administration.risk is True
    alert = RiskAlert.objects.get()
    assert alert.client == cleo
    assert alert.episode == episode
    assert alert.severity == "high"
    assert alert.source == "PHQ-9 item 9"
    assert alert.source_type == "measures.administration"
    assert alert.source_uuid == administration.uuid
    assert alert.raised_by == alice
    assert alert.is_open is True
    assert alert.summary.startswith(
        "Item 9 (“Thoughts that you would be better off dead or of hurting yourself "
        "in some way”) was answered “Several days”."
    )
    # Only the flagged answer, never the rest of the questionnaire.
    assert "Little interest" not in alert.summary


def test_no_risk_answer_raises_nothing(alice, cleo):
    administration = record(cleo, "phq9", phq9(20))
    assert administration.risk is False
    assert RiskAlert.objects.count() == 0


def test_core10_risk_item_raises_an_alert(alice, cleo):
    record(cleo, "core10", {**CORE10_CALM, "q6": 2})
    alert = RiskAlert.objects.get()
    assert alert.source == "CORE-10 item 6"
    assert alert.severity == "high"


def test_audit_escalation_rule_raises_a_prompt_not_an_alert(alice, cleo):
    from alliance.measures.models import ClinicalPrompt

    administration = record(cleo, "audit", {**AUDIT_LOW, "q4": 2, "q9": 4})
    assert administration.risk is False
    assert not RiskAlert.objects.exists()
    prompt = ClinicalPrompt.objects.get()
    assert prompt.source == "AUDIT items 4 and 9"
    assert prompt.text.count("was answered") == 2


def test_it_raises_the_alert_in_the_same_transaction(alice, draft, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("alerts unavailable")

    monkeypatch.setattr(services, "raise_alert", broken)
    # The alert is raised when the risk answer is saved, so the save fails.
    with pytest.raises(RuntimeError):
        save_answers(draft, phq9(10, item9=2), by=alice)
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.answer_dict() == {}
    assert stored.risk is False
    assert not AuditEvent.objects.filter(action="administration.save").exists()
    # Answers without a risk answer save and submit without an alert.
    save_answers(draft, phq9(10), by=alice)
    submit_administration(draft, by=alice)
    assert Administration.objects.get(pk=draft.pk).is_submitted


def test_the_alert_is_on_the_home_page_and_the_chart(as_user, alice, cleo):
    administration = record(cleo, "phq9", phq9(10, item9=3))
    http = as_user(alice)
    home = http.get(reverse("home:index")).text
    assert "Open risk alerts (1)" in home
    assert "Cleo Example</strong>: PHQ-9 item 9" in home
    chart = http.get(cleo.get_absolute_url()).text
    assert "Open risk alert:</strong> PHQ-9 item 9" in chart
    detail = http.get(administration.get_absolute_url()).text
    assert "Risk alert (open)" in detail


def test_it_stays_until_acknowledged(as_user, alice, cleo):
    record(cleo, "phq9", phq9(10, item9=1))
    alert = RiskAlert.objects.get()
    http = as_user(alice)
    assert "Open risk alerts (1)" in http.get(reverse("home:index")).text
    acknowledge_alert(alert, by=alice, action_taken="Called; safety plan reviewed.")
    assert "Open risk alerts" not in http.get(reverse("home:index")).text
    assert AuditEvent.objects.filter(action="alert.acknowledge").count() == 1


def test_a_correction_that_adds_a_risk_answer_raises_one(alice, cleo):
    original = record(cleo, "phq9", phq9(10))
    services.correct_administration(
        original, phq9(10, item9=1), by=alice, reason="Item 9 was missed."
    )
    assert RiskAlert.objects.get().source == "PHQ-9 item 9"
