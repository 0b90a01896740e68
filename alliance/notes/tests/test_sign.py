from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.audit.models import AuditEvent
from alliance.notes import services
from alliance.notes.models import ProgressNote
from alliance.notes.services import NoteConflict, save_draft, sign_note
from alliance.notes.tests.helpers import COMPLETE, write


def test_it_signs(alice, note):
    note = sign_note(write(note, **COMPLETE), by=alice)
    stored = ProgressNote.objects.get(pk=note.pk)
    assert stored.is_signed is True
    assert stored.signed_by == alice
    assert stored.signed_at is not None


def test_it_locks_after_signing(alice, note):
    note = sign_note(write(note, **COMPLETE), by=alice)
    assert note.is_locked is True
    with pytest.raises(NoteConflict):
        save_draft(note, by=alice, version=note.version, section_1="Changed.")
    with pytest.raises(ValidationError, match="already signed"):
        sign_note(note, by=alice)
    assert ProgressNote.objects.get(pk=note.pk).section_1 == COMPLETE["section_1"]


def test_it_refuses_an_incomplete_note(alice, note):
    note = write(note, **{**COMPLETE, "section_3": " ", "section_4": ""})
    with pytest.raises(ValidationError) as caught:
        sign_note(note, by=alice)
    assert caught.value.messages == [
        "Complete every section before signing: Assessment, Plan."
    ]
    assert ProgressNote.objects.get(pk=note.pk).is_signed is False


def test_it_refuses_a_missing_risk_check(alice, note):
    note = write(note, **{**COMPLETE, "risk_level": ""})
    with pytest.raises(ValidationError, match="Record the risk check"):
        sign_note(note, by=alice)


def test_it_requires_details_of_an_identified_risk(alice, note):
    note = write(note, **{**COMPLETE, "risk_level": "low", "risk_notes": ""})
    with pytest.raises(ValidationError, match="Describe the risk"):
        sign_note(note, by=alice)
    assert RiskAlert.objects.count() == 0


def test_it_refuses_someone_other_than_the_author(bob, sam, note):
    note = write(note, **COMPLETE)
    for user in (bob, sam):
        with pytest.raises(ValidationError, match="Only the clinician who wrote"):
            sign_note(note, by=user)
    assert ProgressNote.objects.get(pk=note.pk).is_signed is False


def test_it_refuses_a_version_the_signer_has_not_seen(alice, note):
    note = write(note, **COMPLETE)
    with pytest.raises(NoteConflict):
        sign_note(note, by=alice, version=1)
    assert ProgressNote.objects.get(pk=note.pk).is_signed is False


def test_it_raises_a_risk_alert(alice, cleo, note):
    note = write(
        note,
        **{**COMPLETE, "risk_level": "moderate", "risk_notes": "Passive thoughts."},
    )
    note = sign_note(note, by=alice)
    alert = RiskAlert.objects.get()
    assert alert.client == cleo
    assert alert.episode == note.episode
    assert alert.severity == RiskAlert.Severity.MEDIUM
    assert alert.source == "Session risk check"
    assert alert.summary == "Passive thoughts."
    assert alert.source_type == "notes.progressnote"
    assert alert.source_uuid == note.uuid
    assert alert.raised_by == alice
    assert alert.is_open is True


@pytest.mark.parametrize(
    ("level", "severity"),
    [("low", "low"), ("moderate", "medium"), ("high", "high")],
)
def test_it_maps_risk_level_to_severity(alice, note, level, severity):
    note = write(note, **{**COMPLETE, "risk_level": level, "risk_notes": "Details."})
    sign_note(note, by=alice)
    assert RiskAlert.objects.get().severity == severity


def test_it_raises_no_alert_when_no_risk_is_identified(alice, note):
    sign_note(write(note, **COMPLETE), by=alice)
    assert RiskAlert.objects.count() == 0


def test_it_does_not_sign_if_the_alert_cannot_be_raised(alice, note, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("alerts unavailable")

    monkeypatch.setattr(services, "raise_alert", broken)
    note = write(note, **{**COMPLETE, "risk_level": "high", "risk_notes": "Plan."})
    with pytest.raises(RuntimeError):
        sign_note(note, by=alice)
    assert ProgressNote.objects.get(pk=note.pk).is_signed is False


def test_it_records_audit_event(alice, note):
    note = sign_note(write(note, **COMPLETE), by=alice)
    event = AuditEvent.objects.get(action="note.sign")
    assert event.actor == alice
    assert event.object_uuid == note.uuid
    assert event.client_uuid == note.episode.client.uuid


def test_it_saves_and_signs_from_the_form(as_user, alice, note):
    response = as_user(alice).post(
        reverse("chart:note_sign", args=[note.uuid]), {**COMPLETE, "version": 1}
    )
    assert response.status_code == 302
    stored = ProgressNote.objects.get(pk=note.pk)
    assert stored.is_signed is True
    assert stored.section_4 == COMPLETE["section_4"]


def test_it_keeps_the_text_when_signing_is_refused(as_user, alice, note):
    data = {**COMPLETE, "section_4": "", "version": 1}
    response = as_user(alice).post(
        reverse("chart:note_sign", args=[note.uuid]), data, follow=True
    )
    assert "Complete every section before signing: Plan." in response.text
    stored = ProgressNote.objects.get(pk=note.pk)
    assert stored.is_signed is False
    assert stored.section_1 == COMPLETE["section_1"]


def test_it_returns_the_signed_partial_to_htmx(as_user, alice, note):
    write(note, **{**COMPLETE, "risk_level": "low", "risk_notes": "Some worry."})
    response = as_user(alice).post(
        reverse("chart:note_sign", args=[note.uuid]),
        {"version": 2},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="note-body"')
    assert "Note signed and locked. A risk alert was raised" in response.text
    assert "Signed by Alice Clinician" in response.text


def test_it_refuses_bob_and_sam(as_user, bob, sam, note):
    write(note, **COMPLETE)
    url = reverse("chart:note_sign", args=[note.uuid])
    assert as_user(bob).post(url, {"version": 2}).status_code == 404
    assert as_user(sam).post(url, {"version": 2}).status_code == 403
    assert ProgressNote.objects.get(pk=note.pk).is_signed is False


def test_it_rejects_get(as_user, alice, note):
    assert (
        as_user(alice).get(reverse("chart:note_sign", args=[note.uuid])).status_code
        == 405
    )


def test_it_answers_a_stale_signature_with_the_saved_note(as_user, alice, note):
    write(note, **COMPLETE)
    response = as_user(alice).post(
        reverse("chart:note_sign", args=[note.uuid]), {"version": 1}
    )
    assert response.status_code == 409
    assert COMPLETE["section_1"] in response.text
    assert 'name="version" value="2"' in response.text
    assert ProgressNote.objects.get(pk=note.pk).is_signed is False
