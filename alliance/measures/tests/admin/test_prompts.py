"""Risk is not a clinical prompt: alcohol-use answers (AUDIT) prompt the
clinician without entering the risk queue, and a risk item left blank on a
prorated form asks the clinician to raise it at the next contact."""

from __future__ import annotations

from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.audit.models import AuditEvent
from alliance.measures.engine import get_instrument
from alliance.measures.models import Administration, ClinicalPrompt
from alliance.measures.services import (
    dismiss_prompt,
    save_answers,
    start_administration,
    submit_administration,
)
from alliance.measures.tests.admin.helpers import record

AUDIT_HIGH = {**{f"q{n}": 0 for n in range(1, 11)}, "q4": 3, "q5": 2, "q9": 4}
CORE10_NO_ITEM6 = {f"q{n}": 1 for n in range(1, 11) if n != 6}


def test_audit_rules_are_prompts_not_risk():
    audit = get_instrument("audit")
    assert audit.risk_items == ()
    assert audit.risk_flags(AUDIT_HIGH) == ()
    assert [f.item_key for f in audit.prompt_flags(AUDIT_HIGH)] == ["q4", "q5", "q9"]
    score = audit.score(AUDIT_HIGH)
    assert score.risk_flags == ()
    assert [f.item_key for f in score.prompts] == ["q4", "q5", "q9"]


def test_audit_high_answers_raise_a_prompt_not_an_alert(alice, cleo):
    administration = record(cleo, "audit", AUDIT_HIGH)
    assert administration.risk is False
    assert not RiskAlert.objects.exists()
    prompt = ClinicalPrompt.objects.get()
    assert prompt.administration == administration
    assert prompt.client == cleo
    assert prompt.episode == administration.episode
    assert prompt.instrument == "audit"
    assert "next level of intervention" in prompt.text
    assert prompt.is_open
    assert AuditEvent.objects.filter(action="prompt.raise").exists()


def test_audit_answers_in_a_draft_raise_nothing_until_submit(alice, cleo):
    draft = start_administration(
        cleo.current_episode(), "audit", mode="clinician", by=alice
    )
    save_answers(draft, {"q4": 3}, by=alice)
    assert not RiskAlert.objects.exists()
    assert not ClinicalPrompt.objects.exists()


def test_the_portal_shows_no_self_harm_text_after_audit(as_user, cleo, alice):
    draft = start_administration(
        cleo.current_episode(), "audit", mode="portal", by=cleo.user
    )
    save_answers(draft, AUDIT_HIGH, by=cleo.user)
    http = as_user(cleo.user)
    response = http.post(reverse("portal:submit", args=[draft.uuid]))
    assert response.status_code == 302
    page = http.get(reverse("portal:done", args=[draft.uuid])).text
    assert "Thank you for telling us" not in page
    assert "acting on thoughts of harming" not in page
    assert "act on thoughts of harming yourself, or you are in danger" not in page
    assert not RiskAlert.objects.exists()
    assert ClinicalPrompt.objects.count() == 1


def test_the_chart_shows_the_prompt_and_it_can_be_dismissed(as_user, alice, cleo):
    record(cleo, "audit", AUDIT_HIGH)
    prompt = ClinicalPrompt.objects.get()
    http = as_user(alice)
    page = http.get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    assert "Clinical prompts" in page
    assert "next level of intervention" in page
    url = reverse("measures:dismiss_prompt", args=[prompt.uuid])
    refused = http.post(url, {"note": ""})
    assert refused.status_code == 302
    prompt.refresh_from_db()
    assert prompt.is_open
    response = http.post(url, {"note": "Talked about drinking; brief advice given."})
    assert response.status_code == 302
    prompt.refresh_from_db()
    assert not prompt.is_open
    assert prompt.dismissed_by == alice
    assert prompt.dismiss_note == "Talked about drinking; brief advice given."
    assert AuditEvent.objects.filter(action="prompt.dismiss").exists()
    assert (
        "next level of intervention"
        not in http.get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    )


def test_another_clinician_cannot_dismiss(as_user, bob, cleo):
    record(cleo, "audit", AUDIT_HIGH)
    prompt = ClinicalPrompt.objects.get()
    response = as_user(bob).post(
        reverse("measures:dismiss_prompt", args=[prompt.uuid]), {"note": "x"}
    )
    assert response.status_code == 404
    prompt.refresh_from_db()
    assert prompt.is_open


def test_dismissing_twice_is_refused(alice, cleo):
    record(cleo, "audit", AUDIT_HIGH)
    prompt = ClinicalPrompt.objects.get()
    dismiss_prompt(prompt, by=alice, note="Done")
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        dismiss_prompt(prompt, by=alice, note="Again")


def test_core10_with_item_6_blank_raises_a_low_alert(alice, cleo):
    administration = record(cleo, "core10", CORE10_NO_ITEM6)
    assert administration.risk is False
    alert = RiskAlert.objects.get()
    assert alert.severity == "low"
    assert alert.source == "CORE-10 item 6 not answered"
    assert "not answered" in alert.summary
    assert "next contact" in alert.summary
    assert "was answered" not in alert.summary


def test_the_portal_shows_no_crisis_text_for_a_blank_risk_item(as_user, cleo):
    draft = start_administration(
        cleo.current_episode(), "core10", mode="portal", by=cleo.user
    )
    save_answers(draft, CORE10_NO_ITEM6, by=cleo.user)
    submit_administration(draft, by=cleo.user)
    page = as_user(cleo.user).get(reverse("portal:done", args=[draft.uuid])).text
    assert "Thank you for telling us" not in page


def test_the_session_and_review_pages_show_open_prompts(as_user, alice, sam, cleo):
    from alliance.measures.selectors import open_prompts
    from alliance.notes.tests.helpers import start

    record(cleo, "audit", AUDIT_HIGH)
    assert [p.instrument for p in open_prompts(cleo)] == ["audit"]
    assert Administration.objects.get().risk is False
    session = start(cleo)
    page = as_user(alice).get(session.get_absolute_url()).text
    assert "Clinical prompts" in page
    assert "Dismiss the prompt" in page
    review = reverse("chart:homework_review", args=[cleo.current_episode().uuid])
    page = as_user(alice).get(review).text
    assert "Clinical prompts" in page
    assert "next level of intervention" in page
    # The supervisor reads the prompt but cannot dismiss it.
    page = as_user(sam).get(review).text
    assert "next level of intervention" in page
    assert "Dismiss the prompt" not in page


def test_the_prompt_text_and_note_are_encrypted_at_rest(alice, cleo):
    from django.db import connection

    record(cleo, "audit", AUDIT_HIGH)
    prompt = ClinicalPrompt.objects.get()
    dismiss_prompt(prompt, by=alice, note="Brief advice CANARY-prompt")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text, dismiss_note FROM measures_clinicalprompt WHERE id = %s",
            [prompt.pk],
        )
        text, note = cursor.fetchone()
    assert "CANARY" not in note
    assert "next level" not in text
    prompt.refresh_from_db()
    assert prompt.dismiss_note == "Brief advice CANARY-prompt"
