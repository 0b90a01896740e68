from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.notes.models import Addendum, ProgressNote
from alliance.notes.services import add_addendum
from alliance.notes.tests.helpers import COMPLETE


def test_it_adds_an_addendum_to_a_signed_note(alice, signed_note):
    addendum = add_addendum(signed_note, by=alice, text=" Client phoned: sleep worse. ")
    assert addendum.author == alice
    assert addendum.text == "Client phoned: sleep worse."
    assert addendum.created_at >= signed_note.signed_at
    assert list(signed_note.addenda.all()) == [addendum]


def test_it_leaves_the_signed_note_unchanged(alice, signed_note):
    add_addendum(signed_note, by=alice, text="Later information.")
    stored = ProgressNote.objects.get(pk=signed_note.pk)
    assert stored.section_1 == COMPLETE["section_1"]
    assert stored.version == signed_note.version


def test_it_refuses_a_draft(alice, note):
    with pytest.raises(ValidationError, match="still a draft"):
        add_addendum(note, by=alice, text="Too early.")
    assert Addendum.objects.count() == 0


def test_it_refuses_empty_text(alice, signed_note):
    with pytest.raises(ValidationError, match="Write the addendum"):
        add_addendum(signed_note, by=alice, text="   ")


def test_it_refuses_bob_and_sam(bob, sam, signed_note):
    for user in (bob, sam):
        with pytest.raises(ValidationError, match="author or the client's primary"):
            add_addendum(signed_note, by=user, text="Not mine.")
    assert Addendum.objects.count() == 0


def test_it_records_audit_event(alice, signed_note):
    addendum = add_addendum(signed_note, by=alice, text="Later.")
    event = AuditEvent.objects.get(action="addendum.add")
    assert event.object_uuid == addendum.uuid
    assert event.client_uuid == signed_note.episode.client.uuid


def test_it_adds_from_the_page(as_user, alice, signed_note):
    url = reverse("chart:note_addendum", args=[signed_note.uuid])
    response = as_user(alice).post(url, {"text": "Spoke to GP."})
    assert response.status_code == 302
    page = as_user(alice).get(signed_note.get_absolute_url()).text
    assert "Spoke to GP." in page
    assert "Alice Clinician" in page


def test_it_shows_form_errors(as_user, alice, signed_note):
    url = reverse("chart:note_addendum", args=[signed_note.uuid])
    response = as_user(alice).post(url, {"text": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Addendum.objects.count() == 0


def test_it_refuses_sam_and_bob_on_the_page(as_user, bob, sam, signed_note):
    url = reverse("chart:note_addendum", args=[signed_note.uuid])
    assert as_user(sam).post(url, {"text": "x"}).status_code == 403
    assert as_user(bob).post(url, {"text": "x"}).status_code == 404
    assert Addendum.objects.count() == 0
