"""A "yes" to the safety question raises exactly one durable risk alert in
the same transaction as the check-in; a very low mood alone raises none. The
client's confirmation then puts the crisis lines and safety plan first."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.audit.models import AuditEvent
from alliance.checkins import services
from alliance.checkins.models import CheckIn


def test_a_yes_raises_exactly_one_alert(cleo, check_in):
    checkin = check_in(mood=4, safety_concern=True)
    alert = RiskAlert.objects.get()
    assert alert.client == cleo
    assert alert.episode == cleo.current_episode()
    assert alert.source == "Between-session check-in"
    assert alert.source_type == "checkins.checkin"
    assert alert.source_uuid == checkin.uuid
    assert alert.raised_by == cleo.user
    assert alert.severity == RiskAlert.Severity.HIGH
    assert alert.is_open is True
    assert "thoughts of harming yourself" in alert.summary
    assert "mood 4/10" in alert.summary


@pytest.mark.parametrize("mood", [0, 1])
def test_a_very_low_mood_alone_raises_no_alert(check_in, mood):
    checkin = check_in(mood=mood, safety_concern=False)
    assert checkin.is_very_low is True
    assert RiskAlert.objects.count() == 0


def test_each_yes_check_in_raises_its_own_alert(check_in):
    check_in(safety_concern=True)
    check_in(safety_concern=True)
    assert RiskAlert.objects.count() == 2


def test_no_check_in_is_stored_when_the_alert_fails(cleo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("alert table unavailable")

    monkeypatch.setattr(services, "raise_alert", broken)
    with pytest.raises(RuntimeError):
        services.record_checkin(
            cleo,
            mood=2,
            feelings=["numb"],
            note="",
            safety_concern=True,
            submission_key=uuid.uuid4(),
            by=cleo.user,
        )
    assert CheckIn.objects.count() == 0
    assert not AuditEvent.objects.filter(action="checkin.create").exists()


def _post(portal, **fields):
    data = {
        "mood": "3",
        "note": "",
        "safety_concern": "no",
        "submission_key": str(uuid.uuid4()),
        **fields,
    }
    return portal.post(reverse("checkins:new"), data, follow=True)


def test_the_confirmation_after_a_yes_shows_crisis_lines_first(portal):
    response = _post(portal, safety_concern="yes")
    body = response.text
    assert response.status_code == 200
    assert RiskAlert.objects.count() == 1
    assert "Thank you for telling us" in body
    assert 'class="crisis-urgent checkin-urgent" role="alert"' in body
    assert f'href="{reverse("safety:mine")}">Open my safety plan' in body
    assert "Emergency: 999" in body
    assert "Samaritans: 116 123 (free, 24 hours)" in body
    # The urgent message and the lines come before what was sent.
    assert (
        body.index("crisis-urgent")
        < body.index("Samaritans")
        < body.index("Your check-in is saved")
    )


def test_the_confirmation_after_a_no_is_calm(portal):
    body = _post(portal, mood="7").text
    assert "Thank you for checking in" in body
    assert "crisis-urgent" not in body
    assert "Open my safety plan" not in body
    # The crisis lines stay on every portal page.
    assert "Samaritans: 116 123" in body


def test_the_confirmation_after_a_very_low_mood_points_to_help(portal):
    body = _post(portal, mood="0").text
    assert "things are really hard" in body
    assert reverse("safety:mine") in body
    assert RiskAlert.objects.count() == 0


def test_a_resent_yes_raises_no_second_alert(portal):
    """A check-in has no draft: the safety answer is saved, and its alert
    raised, with the one form the client sends. Sending it again (a double
    tap, a reload) stores nothing more and raises no second alert."""
    key = str(uuid.uuid4())
    _post(portal, safety_concern="yes", submission_key=key)
    assert RiskAlert.objects.count() == 1
    _post(portal, safety_concern="yes", submission_key=key)
    assert CheckIn.objects.count() == 1
    assert RiskAlert.objects.count() == 1


def test_a_yes_on_a_form_refused_for_a_missing_mood_still_raises_the_alert(portal):
    """Issue #10: a risk answer is never dropped. The form comes back asking for
    the mood, but the clinician is told now and the crisis lines come first;
    sending the corrected form stores the check-in under the same alert."""
    key = str(uuid.uuid4())
    data = {"safety_concern": "yes", "submission_key": key}
    response = portal.post(reverse("checkins:new"), data)
    assert response.status_code == 200
    assert "Choose a number for your mood." in response.text
    assert CheckIn.objects.count() == 0
    alert = RiskAlert.objects.get()
    assert alert.severity == "high" and alert.is_open
    body = response.text
    assert "Your clinician has been told" in body
    assert body.index("crisis-urgent") < body.index("Samaritans")

    # The same refused form again raises nothing more.
    portal.post(reverse("checkins:new"), data)
    assert RiskAlert.objects.count() == 1

    # Corrected and sent: one check-in, still one alert, now pointing at it.
    portal.post(reverse("checkins:new"), {**data, "mood": "3"})
    checkin = CheckIn.objects.get()
    alert.refresh_from_db()
    assert RiskAlert.objects.count() == 1
    assert (alert.source_type, alert.source_uuid) == ("checkins.checkin", checkin.uuid)


def test_a_no_on_a_refused_form_raises_nothing(portal):
    portal.post(reverse("checkins:new"), {"safety_concern": "no"})
    assert RiskAlert.objects.count() == 0
