from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Supervision
from alliance.audit.models import AuditEvent
from alliance.notes.models import ProgressNote
from alliance.notes.services import cosign_note


def test_it_lets_sam_cosign_alices_signed_note(sam, signed_note):
    note = cosign_note(signed_note, by=sam)
    stored = ProgressNote.objects.get(pk=note.pk)
    assert stored.is_cosigned is True
    assert stored.cosigned_by == sam
    assert stored.signed_by == signed_note.author


def test_it_refuses_bob(bob, signed_note):
    with pytest.raises(ValidationError, match="Only the clinical supervisor"):
        cosign_note(signed_note, by=bob)
    assert ProgressNote.objects.get(pk=signed_note.pk).is_cosigned is False


def test_it_refuses_the_author(alice, signed_note):
    with pytest.raises(ValidationError, match="Only the clinical supervisor"):
        cosign_note(signed_note, by=alice)


def test_it_refuses_an_unsigned_note(sam, note):
    with pytest.raises(ValidationError, match="must be signed by its author"):
        cosign_note(note, by=sam)
    assert ProgressNote.objects.get(pk=note.pk).is_cosigned is False


def test_it_refuses_twice(sam, signed_note):
    cosign_note(signed_note, by=sam)
    first = ProgressNote.objects.get(pk=signed_note.pk).cosigned_at
    with pytest.raises(ValidationError, match="already co-signed by Sam Supervisor"):
        cosign_note(signed_note, by=sam)
    assert ProgressNote.objects.get(pk=signed_note.pk).cosigned_at == first


def test_it_refuses_after_supervision_ended(sam, signed_note):
    Supervision.objects.filter(supervisor=sam).update(ended_at=timezone.now())
    with pytest.raises(ValidationError, match="Only the clinical supervisor"):
        cosign_note(signed_note, by=sam)


def test_it_records_audit_event(sam, signed_note):
    cosign_note(signed_note, by=sam)
    event = AuditEvent.objects.get(action="note.cosign")
    assert event.actor == sam
    assert event.object_uuid == signed_note.uuid


def test_it_shows_sam_the_cosign_button(as_user, alice, sam, signed_note):
    url = reverse("chart:note_cosign", args=[signed_note.uuid])
    assert url in as_user(sam).get(signed_note.get_absolute_url()).text
    assert url not in as_user(alice).get(signed_note.get_absolute_url()).text


def test_it_cosigns_from_the_page(as_user, sam, signed_note):
    url = reverse("chart:note_cosign", args=[signed_note.uuid])
    response = as_user(sam).post(url)
    assert response.status_code == 302
    assert ProgressNote.objects.get(pk=signed_note.pk).cosigned_by == sam


def test_it_returns_the_partial_to_htmx(as_user, sam, signed_note):
    url = reverse("chart:note_cosign", args=[signed_note.uuid])
    response = as_user(sam).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Co-signed by Sam Supervisor" in response.text


def test_it_answers_bob_404(as_user, bob, signed_note):
    url = reverse("chart:note_cosign", args=[signed_note.uuid])
    assert as_user(bob).post(url).status_code == 404
    assert ProgressNote.objects.get(pk=signed_note.pk).is_cosigned is False


def test_it_rejects_get(as_user, sam, signed_note):
    url = reverse("chart:note_cosign", args=[signed_note.uuid])
    assert as_user(sam).get(url).status_code == 405
