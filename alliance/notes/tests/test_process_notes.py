from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.notes.models import ProcessNote
from alliance.notes.services import NoteConflict, save_process_note

SECRET = "PROCESS-SECRET countertransference: felt protective"


@pytest.fixture
def process_note(alice, session):
    save_process_note(session, by=alice, text=SECRET)
    return ProcessNote.objects.get(session=session)


def test_it_saves_for_the_author(alice, process_note):
    assert process_note.text == SECRET
    assert process_note.author == alice
    assert process_note.version == 2


def test_it_stays_editable_after_the_progress_note_is_signed(alice, cleo):
    from alliance.notes.tests.helpers import signed

    session = signed(cleo).session
    note = save_process_note(session, by=alice, text="Afterthoughts.")
    assert note.text == "Afterthoughts."


def test_it_shows_alice_her_process_note(as_user, alice, process_note):
    response = as_user(alice).get(process_note.get_absolute_url())
    assert response.status_code == 200
    assert SECRET in response.text


@pytest.mark.parametrize(("who", "status"), [("sam", 404), ("bob", 404), ("ada", 403)])
def test_it_hides_it_from_everyone_else(as_user, request, process_note, who, status):
    user = request.getfixturevalue(who)
    http = as_user(user)
    assert http.get(process_note.get_absolute_url()).status_code == status
    response = http.post(process_note.get_absolute_url(), {"text": "x", "version": 2})
    assert response.status_code == status
    assert ProcessNote.objects.get(pk=process_note.pk).text == SECRET


def test_it_audits_refusals(as_user, sam, process_note):
    as_user(sam).get(process_note.get_absolute_url())
    event = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).get()
    assert event.actor == sam
    assert event.object_uuid == process_note.uuid


def test_it_never_appears_on_the_chart(as_user, alice, sam, cleo, process_note):
    for user in (alice, sam):
        page = as_user(user).get(cleo.get_absolute_url()).text
        assert SECRET not in page
        assert str(process_note.uuid) not in page


def test_it_never_appears_on_the_home_page(as_user, alice, sam, process_note):
    for user in (alice, sam):
        page = as_user(user).get(reverse("home:index")).text
        assert SECRET not in page
        assert str(process_note.uuid) not in page


def test_it_links_from_the_session_for_the_author_only(
    as_user, alice, sam, session, process_note
):
    link = process_note.get_absolute_url()
    assert link in as_user(alice).get(session.get_absolute_url()).text
    page = as_user(sam).get(session.get_absolute_url()).text
    assert link not in page
    assert SECRET not in page


def test_it_refuses_anyone_but_the_author(bob, sam, session, process_note):
    for user in (bob, sam):
        with pytest.raises(ValidationError, match="author only"):
            save_process_note(session, by=user, text="Overwritten.")
    assert ProcessNote.objects.get(pk=process_note.pk).text == SECRET


def test_it_refuses_a_stale_window(alice, session, process_note):
    with pytest.raises(NoteConflict) as caught:
        save_process_note(session, by=alice, text="From an old tab.", version=1)
    assert caught.value.current.text == SECRET


def test_it_answers_409_with_both_texts(as_user, alice, process_note):
    response = as_user(alice).post(
        process_note.get_absolute_url(), {"text": "Old tab text.", "version": 1}
    )
    assert response.status_code == 409
    assert SECRET in response.text
    assert "Old tab text." in response.text
    assert ProcessNote.objects.get(pk=process_note.pk).text == SECRET


def test_it_saves_from_the_page(as_user, alice, process_note):
    response = as_user(alice).post(
        process_note.get_absolute_url(), {"text": "Revised.", "version": 2}
    )
    assert response.status_code == 302
    assert ProcessNote.objects.get(pk=process_note.pk).text == "Revised."


def test_it_records_audit_event(alice, process_note):
    event = AuditEvent.objects.get(action="process_note.save")
    assert event.actor == alice
    assert event.object_uuid == process_note.uuid
