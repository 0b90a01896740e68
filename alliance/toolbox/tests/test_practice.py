"""The practice log: a day, how much it helped (0–10) and a note; never a
future day, and a form sent twice logs once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.toolbox.models import SkillPractice
from alliance.toolbox.services import client_today, log_practice


def _log(skill, by, **extra):
    fields = {
        "practised_on": client_today(skill.client),
        "helpfulness": 7,
        "note": "Calmer after.",
    }
    fields.update(extra)
    return log_practice(skill, by=by, **fields)


def test_it_logs_a_practice(cleo, skill):
    practice = _log(skill, cleo.user)
    assert (practice.skill, practice.helpfulness, practice.note) == (
        skill,
        7,
        "Calmer after.",
    )
    assert practice.logged_by == cleo.user
    event = AuditEvent.objects.get(action="skill_practice.log")
    assert (event.object_uuid, event.client_uuid) == (practice.uuid, cleo.uuid)
    assert event.detail == {"helpfulness": 7}


def test_helpfulness_and_note_are_optional(cleo, skill):
    practice = _log(skill, cleo.user, helpfulness=None, note="")
    assert (practice.helpfulness, practice.note) == (None, "")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"practised_on": None}, "Give the day you practised"),
        ({"practised_on": "tomorrow"}, "has not come yet"),
        ({"practised_on": "long ago"}, "from the last year only"),
        ({"helpfulness": 11}, "from 0 to 10"),
        ({"helpfulness": -1}, "from 0 to 10"),
        ({"helpfulness": True}, "from 0 to 10"),
        ({"helpfulness": "5"}, "from 0 to 10"),
        ({"note": "x" * 2001}, "under 2,000 characters"),
    ],
)
def test_it_refuses_bad_practice_and_saves_nothing(cleo, skill, extra, message):
    today = client_today(cleo)
    days = {"tomorrow": today + timedelta(days=1), "long ago": today - timedelta(366)}
    if extra.get("practised_on") in days:
        extra = {**extra, "practised_on": days[extra["practised_on"]]}
    with pytest.raises(ValidationError, match=message):
        _log(skill, cleo.user, **extra)
    assert SkillPractice.objects.count() == 0
    assert not AuditEvent.objects.filter(action="skill_practice.log").exists()


def test_a_year_ago_is_still_allowed(cleo, skill):
    practice = _log(skill, cleo.user, practised_on=client_today(cleo) - timedelta(365))
    assert practice.pk is not None


def test_today_is_the_practice_s_today(cleo, skill):
    # Kiritimati is 14 hours ahead of UTC: its today may be UTC's tomorrow.
    practice_ = cleo.practice
    practice_.time_zone = "Pacific/Kiritimati"
    practice_.save(update_fields=["time_zone"])
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    there = timezone.localdate(timezone=ZoneInfo("Pacific/Kiritimati"))
    assert client_today(cleo) == there
    assert _log(skill, cleo.user, practised_on=there).practised_on == there
    with pytest.raises(ValidationError):
        _log(skill, cleo.user, practised_on=there + timedelta(days=1))


def test_the_same_form_sent_twice_logs_once(cleo, skill):
    key = uuid.uuid4()
    first = _log(skill, cleo.user, idempotency_key=key)
    again = _log(skill, cleo.user, idempotency_key=key, helpfulness=2)
    assert again.pk == first.pk
    assert again.helpfulness == 7
    assert SkillPractice.objects.count() == 1
    assert AuditEvent.objects.filter(action="skill_practice.log").count() == 1


def test_two_forms_on_one_day_log_twice(cleo, skill):
    _log(skill, cleo.user, idempotency_key=uuid.uuid4())
    _log(skill, cleo.user, idempotency_key=uuid.uuid4())
    assert SkillPractice.objects.count() == 2


def test_a_double_tap_in_the_portal_logs_once(portal, cleo, skill):
    url = reverse("toolbox:log", args=[skill.uuid])
    form = portal.get(reverse("toolbox:skill", args=[skill.uuid])).text
    key = form.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    data = {
        "practised_on": client_today(cleo).isoformat(),
        "helpfulness": "6",
        "note": "Before the meeting",
        "idempotency_key": key,
    }
    assert portal.post(url, data).status_code == 302
    assert portal.post(url, data).status_code == 302
    practice = SkillPractice.objects.get()
    assert (practice.helpfulness, practice.note) == (6, "Before the meeting")


def test_the_clinician_logs_what_the_client_reports(alice, skill):
    assert _log(skill, alice).logged_by == alice


@pytest.mark.parametrize("who", ["bob", "sam", "ada"])
def test_others_cannot_log(request, skill, who):
    with pytest.raises(ValidationError):
        _log(skill, request.getfixturevalue(who))
    assert SkillPractice.objects.count() == 0
