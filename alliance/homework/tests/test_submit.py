from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.homework.models import HomeworkEntry
from alliance.homework.services import save_entry_draft, submit_entry
from alliance.homework.tests.helpers import SCALING, one_off


def _entry_url(assignment):
    return reverse(
        "homework:entry", args=[assignment.uuid, assignment.due_date.isoformat()]
    )


def test_it_submits(as_user, cleo):
    assignment = one_off(cleo)
    response = as_user(cleo.user).post(
        _entry_url(assignment), {"version": "0", "action": "submit", **SCALING}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    entry = HomeworkEntry.objects.get()
    assert entry.status == "submitted"
    assert entry.submitted_at is not None
    assert entry.answers == {
        "today": 6,
        "step_up": "Walk to the shop",
        "went_better": "Slept well",
    }
    assert AuditEvent.objects.filter(action="homework_entry.submit").count() == 1


def test_a_resubmit_does_not_duplicate(as_user, cleo):
    assignment = one_off(cleo)
    http = as_user(cleo.user)
    data = {"version": "0", "action": "submit", **SCALING}
    first = http.post(_entry_url(assignment), data)
    # The connection dropped; the browser sends the same form again.
    second = http.post(_entry_url(assignment), {**data, "today": "2"})
    assert (first.status_code, second.status_code) == (302, 302)
    entry = HomeworkEntry.objects.get()
    assert entry.answers["today"] == 6
    assert AuditEvent.objects.filter(action="homework_entry.submit").count() == 1


def test_it_submits_over_an_existing_draft(cleo):
    assignment = one_off(cleo)
    day = assignment.due_date
    save_entry_draft(assignment, day, {"today": "3"}, by=cleo.user, version=0)
    entry = submit_entry(assignment, day, SCALING, by=cleo.user)
    assert HomeworkEntry.objects.count() == 1
    assert (entry.status, entry.version) == ("submitted", 2)


def test_it_refuses_an_incomplete_submission_and_keeps_the_text(as_user, cleo):
    assignment = one_off(cleo)
    response = as_user(cleo.user).post(
        _entry_url(assignment),
        {"version": "0", "action": "submit", "step_up": "Walk to the shop"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Where am I today (0–10): please fill this in." in body
    assert "Walk to the shop" in body
    assert HomeworkEntry.objects.count() == 0


def test_it_refuses_a_draft_after_submitting(cleo):
    assignment = one_off(cleo)
    day = assignment.due_date
    submit_entry(assignment, day, SCALING, by=cleo.user)
    with pytest.raises(ValidationError, match="already sent"):
        save_entry_draft(assignment, day, {"today": "1"}, by=cleo.user, version=2)


def test_it_refuses_staff_filling_in_the_client_s_homework(alice, cleo):
    assignment = one_off(cleo)
    with pytest.raises(ValidationError, match="Only the client"):
        submit_entry(assignment, assignment.due_date, SCALING, by=alice)


def test_it_submits_rows_from_the_form(as_user, cleo):
    assignment = one_off(cleo, template="behavioural_activation")
    url = _entry_url(assignment)
    http = as_user(cleo.user)
    form = http.get(url).content.decode()
    assert 'name="activities-6-actual_pleasure"' in form
    assert 'aria-label="Row 1: Day"' in form
    response = http.post(
        url,
        {
            "version": "0",
            "action": "submit",
            "activities-0-day": "sat",
            "activities-0-activity": "Swim",
            "activities-0-actual_pleasure": "8",
            "activities-2-day": "sun",
            "activities-2-activity": "Bake",
        },
    )
    assert response.status_code == 302
    assert HomeworkEntry.objects.get().answers == {
        "activities": [
            {"day": "sat", "activity": "Swim", "actual_pleasure": 8},
            {"day": "sun", "activity": "Bake"},
        ]
    }
    sent = http.get(url).content.decode()
    assert "You sent this on" in sent
    assert "Saturday" in sent and "Swim" in sent


def test_a_sleep_diary_is_sent_through_the_form_with_its_efficiency(as_user, cleo):
    assignment = one_off(cleo, template="sleep_diary")
    http = as_user(cleo.user)
    form = http.get(_entry_url(assignment)).text
    assert 'type="time" name="nights-0-bed_time"' in form
    assert "Worked out when saved" in form
    night = {
        "nights-0-day": "mon",
        "nights-0-bed_time": "22:30",
        "nights-0-onset_latency": "30",
        "nights-0-wake_time": "06:00",
        "nights-0-out_of_bed": "06:30",
        "nights-0-efficiency": "100",
    }
    response = http.post(
        _entry_url(assignment), {"version": "0", "action": "submit", **night}
    )
    assert response.status_code == 302
    # In bed 480 minutes, asleep 480 - 30 - 30 = 420: 88%.
    assert HomeworkEntry.objects.get().answers["nights"][0]["efficiency"] == 88
