from __future__ import annotations

import re

import pytest
from django.urls import reverse

from alliance.homework.models import HomeworkEntry
from alliance.homework.templates_catalog import TEMPLATES
from alliance.homework.tests.helpers import one_off


def test_it_lists_homework_on_the_portal_home(as_user, cleo):
    assignment = one_off(cleo, instructions="Notice one good moment.")
    response = as_user(cleo.user).get(reverse("portal:home"))
    body = response.content.decode()
    assert "Your homework" in body
    assert (
        reverse(
            "homework:entry", args=[assignment.uuid, assignment.due_date.isoformat()]
        )
        in body
    )


def test_it_shows_the_entry_form_with_instructions_and_crisis_lines(as_user, cleo):
    assignment = one_off(cleo, instructions="Notice one good moment.")
    url = reverse(
        "homework:entry", args=[assignment.uuid, assignment.due_date.isoformat()]
    )
    body = as_user(cleo.user).get(url).content.decode()
    assert "Notice one good moment." in body
    assert 'hx-trigger="change, keyup delay:1s"' in body
    assert "Samaritans: 116 123" in body


def test_cleo_cannot_reach_dan_s_assignment(as_user, cleo, dan):
    assignment = one_off(dan)
    args = [assignment.uuid, assignment.due_date.isoformat()]
    http = as_user(cleo.user)
    assert http.get(reverse("homework:entry", args=args)).status_code == 404
    response = http.post(
        reverse("homework:autosave", args=args), {"version": "0", "today": "3"}
    )
    assert response.status_code == 404
    assert HomeworkEntry.objects.count() == 0


def test_it_answers_404_for_a_malformed_day(as_user, cleo):
    assignment = one_off(cleo)
    url = reverse("homework:entry", args=[assignment.uuid, "yesterday"])
    assert as_user(cleo.user).get(url).status_code == 404


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_it_survives_hostile_answers(as_user, cleo, template):
    assignment = one_off(cleo, template=template)
    args = [assignment.uuid, assignment.due_date.isoformat()]
    http = as_user(cleo.user)
    names = re.findall(
        r'name="([a-z_]+(?:-\d-[a-z_]+)?)"',
        http.get(reverse("homework:entry", args=args)).content.decode(),
    )
    for payload in ("<script>alert('x')</script>", "\x00nul", "-1", "x" * 100_000):
        data = dict.fromkeys(names, payload)
        for action in ("save", "submit"):
            response = http.post(
                reverse("homework:entry", args=args),
                {**data, "version": "0", "action": action},
            )
            # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (400).
            allowed = (200, 302, 400) if len(payload) > 1000 else (200, 302)
            assert response.status_code in allowed
            assert "<script>alert" not in response.content.decode()
    assert HomeworkEntry.objects.count() <= 1


def test_it_links_what_was_sent_and_the_clinician_s_reply(as_user, alice, cleo):
    from alliance.homework.services import comment_on_entry, submit_entry
    from alliance.homework.tests.helpers import SCALING

    assignment = one_off(cleo)
    entry = submit_entry(assignment, assignment.due_date, SCALING, by=cleo.user)
    comment_on_entry(entry, by=alice, comment="Lovely noticing.")
    body = as_user(cleo.user).get(reverse("portal:home")).content.decode()
    assert "Nothing to fill in today. Thank you." in body
    assert "What you sent for" in body
    assert "your clinician replied" in body


def test_it_answers_404_for_a_day_that_is_not_due(as_user, cleo):
    from datetime import timedelta

    assignment = one_off(cleo)
    day = (assignment.due_date + timedelta(days=1)).isoformat()
    url = reverse("homework:entry", args=[assignment.uuid, day])
    assert as_user(cleo.user).get(url).status_code == 404
