from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.notes.models import ProgressNote
from alliance.notes.services import NoteConflict, save_draft, sign_note
from alliance.notes.tests.helpers import COMPLETE, start, write


def _form(note, version, **fields):
    data = {name: "" for name in note.section_fields()}
    data.update(risk_level="", risk_notes="", version=version)
    data.update(fields)
    return data


def test_it_saves_a_draft(alice, note):
    note = save_draft(
        note, by=alice, version=1, section_1="Low mood most days.", risk_level="low"
    )
    stored = ProgressNote.objects.get(pk=note.pk)
    assert stored.version == 2
    assert stored.section_1 == "Low mood most days."
    assert stored.risk_level == "low"
    assert stored.updated_by == alice
    assert stored.is_signed is False


def test_it_leaves_parts_not_sent_as_stored(alice, note):
    note = write(note, section_1="First part.", section_2="Second part.")
    save_draft(note, by=alice, version=2, section_2="Second, revised.")
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.section_1, stored.section_2) == ("First part.", "Second, revised.")
    assert stored.version == 3


def test_it_refuses_the_second_of_two_editors(alice, note):
    first = ProgressNote.objects.get(pk=note.pk)
    second = ProgressNote.objects.get(pk=note.pk)
    save_draft(first, by=alice, version=1, section_1="Written in window one.")
    with pytest.raises(NoteConflict) as caught:
        save_draft(second, by=alice, version=1, section_1="Written in window two.")
    assert caught.value.current.section_1 == "Written in window one."
    assert caught.value.current.version == 2
    stored = ProgressNote.objects.get(pk=note.pk)
    assert stored.section_1 == "Written in window one."
    assert stored.version == 2
    assert AuditEvent.objects.filter(action="note.save").count() == 1


def test_it_answers_409_with_both_texts(as_user, alice, note):
    http = as_user(alice)
    edit = reverse("chart:note_edit", args=[note.uuid])
    # Two windows load version 1.
    assert 'name="version" value="1"' in http.get(edit).text
    assert 'name="version" value="1"' in http.get(note.get_absolute_url()).text
    first = http.post(edit, _form(note, 1, section_1="Saved first, kept."))
    assert first.status_code == 302
    second = http.post(edit, _form(note, 1, section_1="Typed second, not lost."))
    assert second.status_code == 409
    assert "Saved first, kept." in second.text
    assert "Typed second, not lost." in second.text
    assert "your changes were not saved" in second.text
    # Saving again from the conflict page is a deliberate overwrite of v2.
    assert 'name="version" value="2"' in second.text
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.section_1, stored.version) == ("Saved first, kept.", 2)


def test_it_answers_htmx_conflicts_with_the_partial(as_user, alice, note):
    write(note, section_1="Saved elsewhere.")
    response = as_user(alice).post(
        reverse("chart:note_edit", args=[note.uuid]),
        _form(note, 1, section_1="Mine."),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#note-body"
    assert response["HX-Reswap"] == "outerHTML"
    assert response.text.lstrip().startswith('<section id="note-body"')
    assert "Saved elsewhere." in response.text
    assert "Mine." in response.text


def test_it_refuses_to_save_over_a_signed_note(alice, note):
    stale = ProgressNote.objects.get(pk=note.pk)
    signed = sign_note(write(note, **COMPLETE), by=alice)
    with pytest.raises(NoteConflict, match="was signed while you were editing"):
        save_draft(stale, by=alice, version=1, section_1="Too late.")
    assert ProgressNote.objects.get(pk=note.pk).section_1 == COMPLETE["section_1"]
    assert signed.is_locked is True


def test_it_offers_unsaved_text_as_an_addendum_after_signing(as_user, alice, note):
    sign_note(write(note, **COMPLETE), by=alice)
    response = as_user(alice).post(
        reverse("chart:note_edit", args=[note.uuid]),
        _form(note, 2, section_4="Also: review sleep diary."),
    )
    assert response.status_code == 409
    assert "Plan: Also: review sleep diary." in response.text
    assert ProgressNote.objects.get(pk=note.pk).section_4 == COMPLETE["section_4"]


def test_it_returns_the_partial_to_htmx(as_user, alice, note):
    response = as_user(alice).post(
        reverse("chart:note_edit", args=[note.uuid]),
        _form(note, 1, section_1="Quick save."),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="note-body"')
    assert "Draft saved at" in response.text
    assert 'name="version" value="2"' in response.text


def test_it_redirects_a_plain_save(as_user, alice, note):
    response = as_user(alice).post(
        reverse("chart:note_edit", args=[note.uuid]), _form(note, 1, section_1="Saved.")
    )
    assert response.status_code == 302
    assert response["Location"] == note.session.get_absolute_url()


def test_it_refuses_someone_other_than_the_author(bob, note):
    with pytest.raises(ValidationError, match="Only the clinician who wrote"):
        save_draft(note, by=bob, version=1, section_1="Not mine.")
    assert ProgressNote.objects.get(pk=note.pk).version == 1


def test_it_refuses_bob_and_sam(as_user, bob, sam, note):
    url = reverse("chart:note_edit", args=[note.uuid])
    assert as_user(bob).post(url, _form(note, 1, section_1="x")).status_code == 404
    assert as_user(sam).post(url, _form(note, 1, section_1="x")).status_code == 403
    assert as_user(sam).get(url).status_code == 403
    assert ProgressNote.objects.get(pk=note.pk).version == 1


def test_it_refuses_an_unknown_risk_level(alice, note):
    with pytest.raises(ValidationError, match="risk level"):
        save_draft(note, by=alice, version=1, risk_level="extreme")
    assert ProgressNote.objects.get(pk=note.pk).version == 1


def test_it_refuses_text_for_a_section_the_structure_lacks(alice, cleo):
    note = start(cleo, structure="dap").progress_note
    with pytest.raises(ValidationError, match="A DAP note has no section 4"):
        save_draft(note, by=alice, version=1, section_4="Extra.")


def test_it_labels_each_section_with_a_prompt(as_user, alice, note):
    html = as_user(alice).get(note.get_absolute_url()).text
    assert "Subjective" in html
    assert "What the client reported, in their words where it matters." in html


def test_it_records_audit_event(alice, note):
    save_draft(note, by=alice, version=1, section_1="Text.")
    event = AuditEvent.objects.get(action="note.save")
    assert event.actor == alice
    assert event.object_uuid == note.uuid
    assert event.detail == {"version": 2, "fields": ["section_1"]}
