from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.homework.models import HomeworkEntry
from alliance.homework.services import EntryConflict, save_entry_draft
from alliance.homework.tests.helpers import one_off


def _urls(assignment):
    args = [assignment.uuid, assignment.due_date.isoformat()]
    return reverse("homework:entry", args=args), reverse("homework:autosave", args=args)


def test_it_autosaves_a_draft_over_htmx(as_user, cleo):
    assignment = one_off(cleo)
    _, autosave = _urls(assignment)
    http = as_user(cleo.user)
    response = http.post(
        autosave, {"version": "0", "today": "4"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'name="version" value="1"' in body
    assert "Saved at" in body
    entry = HomeworkEntry.objects.get()
    assert entry.answers == {"today": 4}
    assert entry.status == "draft"
    # The next save carries the new version.
    http.post(autosave, {"version": "1", "today": "5"}, HTTP_HX_REQUEST="true")
    entry.refresh_from_db()
    assert (entry.version, entry.answers) == (2, {"today": 5})


def test_it_refuses_a_stale_version_and_keeps_the_saved_answers(as_user, cleo):
    assignment = one_off(cleo)
    save_entry_draft(
        assignment, assignment.due_date, {"today": "3"}, by=cleo.user, version=0
    )
    _, autosave = _urls(assignment)
    response = as_user(cleo.user).post(
        autosave, {"version": "0", "today": "9"}, HTTP_HX_REQUEST="true"
    )
    assert "saved from another window or device" in response.content.decode()
    entry = HomeworkEntry.objects.get()
    assert (entry.version, entry.answers) == (1, {"today": 3})


def test_it_raises_a_conflict_from_the_service(cleo):
    assignment = one_off(cleo)
    day = assignment.due_date
    save_entry_draft(assignment, day, {}, by=cleo.user, version=0)
    with pytest.raises(EntryConflict) as caught:
        save_entry_draft(assignment, day, {"today": "2"}, by=cleo.user, version=0)
    assert caught.value.current.version == 1


def test_it_saves_a_draft_with_a_plain_post(as_user, cleo):
    assignment = one_off(cleo)
    entry_url, _ = _urls(assignment)
    response = as_user(cleo.user).post(
        entry_url, {"version": "0", "action": "save", "step_up": "Call Mum"}
    )
    assert response.status_code == 302
    assert HomeworkEntry.objects.get().answers == {"step_up": "Call Mum"}


def test_it_refuses_an_out_of_range_draft_answer(as_user, cleo):
    assignment = one_off(cleo)
    entry_url, _ = _urls(assignment)
    response = as_user(cleo.user).post(
        entry_url, {"version": "0", "action": "save", "today": "14"}
    )
    assert response.status_code == 200
    assert "enter a number from 0 to 10" in response.content.decode()
    assert "Not saved" in response.content.decode()
    # The typed answer is shown again, not lost; only valid answers are stored.
    assert 'value="14"' in response.content.decode()
    assert HomeworkEntry.objects.get().answers == {}


def test_it_refuses_a_day_that_is_not_due(cleo):
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    assignment = one_off(cleo)
    with pytest.raises(ValidationError, match="not due on that day"):
        save_entry_draft(
            assignment,
            assignment.due_date + timedelta(days=1),
            {},
            by=cleo.user,
            version=0,
        )
    assert HomeworkEntry.objects.count() == 0


def test_it_autosaves_the_valid_fields_and_names_the_one_it_did_not_save(as_user, cleo):
    assignment = one_off(cleo, template="thought_record")
    _, autosave = _urls(assignment)
    http = as_user(cleo.user)
    response = http.post(
        autosave,
        {"version": "0", "belief": "150", "situation": "At work"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "How much did you believe it" in body
    assert "Not saved: How much did you believe it" in body
    assert "enter a number from 0 to 100" in body
    assert 'name="version" value="1"' in body
    entry = HomeworkEntry.objects.get()
    assert entry.answers == {"situation": "At work"}
    # Later typing is kept too, while the number is still out of range.
    http.post(
        autosave,
        {"version": "1", "belief": "150", "situation": "At work", "thoughts": "Oh"},
        HTTP_HX_REQUEST="true",
    )
    entry.refresh_from_db()
    assert entry.answers == {"situation": "At work", "thoughts": "Oh"}
    # Sending still refuses until the number is fixed.
    entry_url, _ = _urls(assignment)
    response = http.post(
        entry_url,
        {"version": "2", "action": "submit", "belief": "150", "situation": "x"},
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == "draft"
