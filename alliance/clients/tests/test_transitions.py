"""Every rule of the episode's phase machine (DESIGN.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.clients.models import Episode
from alliance.clients.services import open_episode, record_consent, transition_episode

P = Episode.Phase


def _move(episode, to, by, reason="Clinical decision"):
    discharge = "completed" if to == P.CLOSED else ""
    return transition_episode(episode, to, by=by, reason=reason, discharge=discharge)


def _consent(episode, consent_text, by):
    return record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now(),
        by=by,
    )


@pytest.fixture
def episode(cleo):
    return cleo.current_episode()


def test_it_walks_from_referral_to_closed(episode, alice, consent_text):
    _move(episode, P.ASSESSMENT, alice)
    _consent(episode, consent_text, alice)
    for phase in (P.ACTIVE, P.TERMINATION, P.AFTERCARE, P.CLOSED):
        _move(episode, phase, alice)
    episode.refresh_from_db()
    assert episode.phase == P.CLOSED
    assert episode.closed_at is not None
    path = list(episode.transitions.values_list("to_phase", flat=True))
    assert path == [
        "referral",
        "assessment",
        "active",
        "termination",
        "aftercare",
        "closed",
    ]
    assert AuditEvent.objects.filter(action="episode.transition").count() == 5


def test_it_refuses_active_without_consent(episode, alice):
    _move(episode, P.ASSESSMENT, alice)
    with pytest.raises(ValidationError, match="without the client's informed consent"):
        _move(episode, P.ACTIVE, alice)
    episode.refresh_from_db()
    assert episode.phase == P.ASSESSMENT


def test_withdrawn_consent_does_not_count(episode, alice, consent_text):
    from alliance.clients.services import withdraw_consent

    _move(episode, P.ASSESSMENT, alice)
    withdraw_consent(_consent(episode, consent_text, alice), by=alice)
    assert episode.can_move_to(P.ACTIVE) is not None


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (P.REFERRAL, P.ACTIVE),
        (P.REFERRAL, P.TERMINATION),
        (P.ASSESSMENT, P.TERMINATION),
        (P.ASSESSMENT, P.AFTERCARE),
        (P.ACTIVE, P.CLOSED),
        (P.ACTIVE, P.AFTERCARE),
        (P.ACTIVE, P.REFERRAL),
    ],
)
def test_it_refuses_skipping_phases(episode, start, to):
    episode.phase = start
    assert "cannot move from" in episode.can_move_to(to)


def test_it_refuses_any_move_from_closed(episode, alice):
    _move(episode, P.CLOSED, alice, "Client did not attend assessment")
    episode.refresh_from_db()
    for phase in P.values:
        assert episode.can_move_to(phase) is not None


def test_it_refuses_the_same_phase_and_unknown_phases(episode):
    assert "already in referral" in episode.can_move_to(P.REFERRAL)
    assert "not a phase" in episode.can_move_to("halfway")


def test_it_requires_a_reason(episode, alice):
    with pytest.raises(ValidationError, match="reason"):
        _move(episode, P.ASSESSMENT, alice, reason="   ")
    assert episode.transitions.count() == 1


def test_it_allows_reopening_from_aftercare(episode, alice, consent_text):
    _move(episode, P.ASSESSMENT, alice)
    _consent(episode, consent_text, alice)
    for phase in (P.ACTIVE, P.TERMINATION, P.AFTERCARE, P.ACTIVE):
        _move(episode, phase, alice)
    episode.refresh_from_db()
    assert episode.phase == P.ACTIVE


def test_a_client_has_one_open_episode(cleo, alice):
    with pytest.raises(ValidationError, match="already has an open episode"):
        open_episode(cleo, by=alice, reason="Second referral")


def test_a_new_episode_can_follow_a_closed_one(cleo, alice, episode):
    _move(episode, P.CLOSED, alice, "Withdrew")
    second = open_episode(cleo, by=alice, reason="Re-referred", previous=episode)
    assert second.previous_episode == episode
    assert cleo.current_episode() == second


def test_the_view_moves_and_shows_the_timeline(as_user, alice, cleo, episode):
    http = as_user(alice)
    response = http.post(
        reverse("clients:transition", args=[episode.uuid]),
        {"to": "assessment", "reason": "Assessment booked for Tuesday"},
    )
    assert response.status_code == 302
    page = http.get(reverse("chart:section", args=[cleo.uuid, "timeline"]))
    assert b"Assessment booked for Tuesday" in page.content
    episode.refresh_from_db()
    assert episode.phase == P.ASSESSMENT


def test_the_view_explains_a_refusal_and_changes_nothing(as_user, alice, cleo, episode):
    http = as_user(alice)
    http.post(
        reverse("clients:transition", args=[episode.uuid]),
        {"to": "assessment", "reason": "x"},
    )
    response = http.post(
        reverse("clients:transition", args=[episode.uuid]),
        {"to": "active", "reason": "Start treatment"},
        follow=True,
    )
    assert b"without the client&#x27;s informed consent" in response.content
    episode.refresh_from_db()
    assert episode.phase == P.ASSESSMENT


def test_the_view_refuses_an_illegal_move_with_a_message(as_user, alice, episode):
    response = as_user(alice).post(
        reverse("clients:transition", args=[episode.uuid]),
        {"to": "closed", "reason": "x", "discharge": "not_suitable"},
        follow=True,
    )
    # referral -> closed is allowed; try referral -> aftercare instead.
    assert response.status_code == 200
    episode.refresh_from_db()
    assert episode.phase == P.CLOSED
    response = as_user(alice).post(
        reverse("clients:transition", args=[episode.uuid]),
        {"to": "aftercare", "reason": "x"},
        follow=True,
    )
    assert b"cannot move from closed to aftercare" in response.content


def test_the_supervisor_cannot_move_an_episode(as_user, sam, episode):
    response = as_user(sam).post(
        reverse("clients:transition", args=[episode.uuid]),
        {"to": "assessment", "reason": "x"},
    )
    assert response.status_code == 403
    episode.refresh_from_db()
    assert episode.phase == P.REFERRAL


def test_closing_needs_a_discharge_reason(as_user, alice, episode):
    response = as_user(alice).post(
        reverse("clients:transition", args=[episode.uuid]),
        {"to": "closed", "reason": "No reply to offers."},
        follow=True,
    )
    assert b"Choose the discharge reason" in response.content
    episode.refresh_from_db()
    assert episode.phase == P.REFERRAL
    assert not episode.transitions.filter(to_phase="closed").exists()


def test_the_discharge_reason_is_kept_and_shown(as_user, alice, episode):
    transition_episode(episode, P.CLOSED, by=alice, reason="Moved.", discharge="moved")
    episode.refresh_from_db()
    assert episode.discharge_reason == "moved"
    assert episode.get_discharge_reason_display() == "Client moved away"
    page = as_user(alice).get(
        reverse("chart:section", args=[episode.client.uuid, "timeline"])
    )
    assert b"(client moved away)" in page.content


def test_an_unknown_discharge_reason_is_refused(alice, episode):
    with pytest.raises(ValidationError, match="discharge reason"):
        transition_episode(
            episode, P.CLOSED, by=alice, reason="x", discharge="vanished"
        )


def test_episode_moved_is_sent_inside_the_transaction(alice, episode):
    from alliance.clients.signals import episode_moved

    heard = []

    def listener(sender, episode, transition, by, **kwargs):
        heard.append((episode.phase, transition.to_phase, by))
        raise RuntimeError("a later app refused")

    episode_moved.connect(listener)
    try:
        with pytest.raises(RuntimeError):
            _move(episode, P.ASSESSMENT, alice)
    finally:
        episode_moved.disconnect(listener)
    assert heard == [("assessment", "assessment", alice)]
    episode.refresh_from_db()
    assert episode.phase == P.REFERRAL
