"""Issue #10: the end of treatment respects risk. Aftercare and closing wait
for an open high-risk alert to be acknowledged; aftercare with booked
appointments to come asks the clinician to confirm, listing them."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert, raise_alert
from alliance.clients.models import Episode
from alliance.clients.services import record_consent, transition_episode

P = Episode.Phase


@pytest.fixture
def ending(cleo, alice, consent_text):
    """Cleo's episode in termination, ready for aftercare or closing."""
    episode = cleo.current_episode()
    transition_episode(episode, P.ASSESSMENT, by=alice, reason="Assessment")
    record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now(),
        by=alice,
    )
    transition_episode(episode, P.ACTIVE, by=alice, reason="Plan agreed")
    transition_episode(episode, P.TERMINATION, by=alice, reason="Goals met")
    return episode


def _alert(client, severity=RiskAlert.Severity.HIGH):
    return raise_alert(
        client,
        source="Session risk check",
        summary="Thoughts of ending their life this week.",
        severity=severity,
    )


def _move(http, episode, **data):
    return http.post(
        reverse("clients:transition", args=[episode.uuid]), data, follow=True
    )


def _book(client, days):
    from alliance.scheduling.services import book_appointment

    return book_appointment(
        client=client,
        clinician=client.clinician,
        starts_at=timezone.now() + timedelta(days=days),
        duration_minutes=50,
        modality="in_person",
        location="Room 2",
        by=client.clinician,
    )


@pytest.mark.parametrize(
    "data",
    [
        {"to": "aftercare", "reason": "Final session held."},
        {"to": "closed", "reason": "Ending here.", "discharge": "completed"},
    ],
)
def test_it_refuses_to_end_treatment_while_a_high_alert_is_open(
    as_user, alice, cleo, ending, data
):
    alert = _alert(cleo)
    http = as_user(alice)
    response = _move(http, ending, **data)
    text = response.content.decode()
    assert "open high-risk alert" in text
    assert reverse("chart:alert", args=[alert.uuid]) in text
    ending.refresh_from_db()
    assert ending.phase == P.TERMINATION
    assert ending.transitions.filter(to_phase=data["to"]).count() == 0

    # Once acknowledged with the action taken, the same move goes ahead.
    acknowledge_alert(alert, by=alice, action_taken="Safety plan reviewed; GP told.")
    response = _move(http, ending, **data)
    assert "Episode moved to" in response.content.decode()
    ending.refresh_from_db()
    assert ending.phase == data["to"]


def test_the_chart_says_why_the_ending_waits(as_user, alice, cleo, ending):
    alert = _alert(cleo)
    page = (
        as_user(alice).get(reverse("chart:episode", args=[cleo.uuid])).content.decode()
    )
    assert "waits until the open high-risk alert" in page
    assert reverse("chart:alert", args=[alert.uuid]) in page


def test_the_service_refuses_too(alice, cleo, ending):
    from django.core.exceptions import ValidationError

    _alert(cleo)
    with pytest.raises(ValidationError, match="open high-risk alert"):
        transition_episode(ending, P.AFTERCARE, by=alice, reason="x")


def test_an_alert_from_an_earlier_episode_still_counts(alice, cleo):
    """The alert belongs to the client: closing a referral with one open waits."""
    alert = _alert(cleo)
    refusal = cleo.current_episode().can_move_to(P.CLOSED)
    assert refusal and "open high-risk alert" in refusal
    acknowledge_alert(alert, by=alice, action_taken="Crisis team contacted.")
    assert cleo.current_episode().can_move_to(P.CLOSED) is None


@pytest.mark.parametrize("severity", ["medium", "low"])
def test_a_medium_or_low_alert_does_not_block_the_ending(
    as_user, alice, cleo, ending, severity
):
    _alert(cleo, severity)
    response = _move(as_user(alice), ending, to="aftercare", reason="Final session.")
    assert "Episode moved to aftercare." in response.content.decode()
    ending.refresh_from_db()
    assert ending.phase == P.AFTERCARE


def test_other_moves_do_not_wait_for_the_alert(as_user, alice, cleo, ending):
    """Re-opening treatment is exactly what a risk may call for."""
    _alert(cleo)
    _move(as_user(alice), ending, to="active", reason="Needs more sessions.")
    ending.refresh_from_db()
    assert ending.phase == P.ACTIVE


def test_aftercare_with_appointments_to_come_asks_to_confirm(
    as_user, alice, cleo, ending
):
    first = _book(cleo, 3)
    second = _book(cleo, 10)
    http = as_user(alice)
    response = http.post(
        reverse("clients:transition", args=[ending.uuid]),
        {"to": "aftercare", "reason": "Final session held."},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "2 booked appointments to come" in text
    zone = ZoneInfo(cleo.practice.time_zone)
    for appointment in (first, second):
        assert f"{appointment.starts_at.astimezone(zone):%-d %b %Y, %H:%M}" in text
    assert 'name="keep_appointments"' in text
    assert "Final session held." in text  # the reason is carried over
    ending.refresh_from_db()
    assert ending.phase == P.TERMINATION

    response = _move(
        http,
        ending,
        to="aftercare",
        reason="Final session held.",
        keep_appointments="1",
    )
    assert "Episode moved to aftercare." in response.content.decode()
    ending.refresh_from_db()
    assert ending.phase == P.AFTERCARE
    first.refresh_from_db()
    assert first.status == "booked"


def test_the_chart_lists_the_appointments_before_aftercare(
    as_user, alice, cleo, ending
):
    _book(cleo, 3)
    page = (
        as_user(alice).get(reverse("chart:episode", args=[cleo.uuid])).content.decode()
    )
    assert "Moving to aftercare keeps these booked appointments" in page


def test_the_service_needs_the_confirmation(alice, cleo, ending):
    from django.core.exceptions import ValidationError

    _book(cleo, 3)
    with pytest.raises(ValidationError, match="1 booked appointment to come"):
        transition_episode(ending, P.AFTERCARE, by=alice, reason="x")
    transition_episode(
        ending, P.AFTERCARE, by=alice, reason="x", keep_appointments=True
    )
    ending.refresh_from_db()
    assert ending.phase == P.AFTERCARE


def test_closing_still_refuses_appointments_to_come(as_user, alice, cleo, ending):
    _book(cleo, 3)
    response = _move(
        as_user(alice),
        ending,
        to="closed",
        reason="Ending.",
        discharge="completed",
        keep_appointments="1",
    )
    assert "cancel them before closing" in response.content.decode()
    ending.refresh_from_db()
    assert ending.phase == P.TERMINATION


def test_another_clinician_cannot_confirm(as_user, bob, cleo, ending):
    _book(cleo, 3)
    response = as_user(bob).post(
        reverse("clients:transition", args=[ending.uuid]),
        {"to": "aftercare", "reason": "x", "keep_appointments": "1"},
    )
    assert response.status_code == 404
    ending.refresh_from_db()
    assert ending.phase == P.TERMINATION


def test_the_alert_link_shows_even_when_the_form_is_incomplete(
    as_user, alice, cleo, ending
):
    alert = _alert(cleo)
    response = _move(as_user(alice), ending, to="closed", reason="")
    text = response.content.decode()
    assert "open high-risk alert" in text
    assert reverse("chart:alert", args=[alert.uuid]) in text
