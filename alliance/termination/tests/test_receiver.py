"""Moving an episode to termination opens its readiness review, in the same
transaction as the move."""

from __future__ import annotations

from alliance.audit.models import AuditEvent
from alliance.termination.models import ReadinessReview
from alliance.termination.services import save_review
from alliance.termination.tests.helpers import move, to_termination


def test_it_opens_a_review_on_moving_to_termination(cleo, alice, consent_text):
    episode = to_termination(cleo, consent_text)
    review = ReadinessReview.objects.get(episode=episode)
    assert review.opened_by == alice
    assert review.is_completed is False
    assert review.opened_at == episode.transitions.get(to_phase="termination").at
    event = AuditEvent.objects.get(action="readiness_review.open")
    assert event.object_uuid == review.uuid
    assert event.client_uuid == cleo.uuid


def test_other_moves_open_nothing(cleo, consent_text):
    move(cleo.current_episode(), "assessment", "active", consent_text=consent_text)
    assert ReadinessReview.objects.count() == 0


def test_a_second_stay_reuses_the_open_review(cleo, consent_text):
    episode = to_termination(cleo, consent_text)
    first = ReadinessReview.objects.get()
    move(episode, "active", "termination")
    assert list(ReadinessReview.objects.all()) == [first]
    assert AuditEvent.objects.filter(action="readiness_review.open").count() == 1


def test_a_second_stay_after_completing_starts_a_new_one(cleo, alice, consent_text):
    episode = to_termination(cleo, consent_text)
    first = ReadinessReview.objects.get()
    save_review(
        first,
        by=alice,
        version=1,
        judgement="Not yet: sleep still poor.",
        ending="planned",
        ready_to_end=False,
        complete=True,
    )
    move(episode, "active", "termination")
    reviews = list(ReadinessReview.objects.order_by("id"))
    assert len(reviews) == 2
    assert reviews[0].is_completed and not reviews[1].is_completed


def test_a_failed_move_opens_nothing(cleo):
    import pytest
    from django.core.exceptions import ValidationError

    from alliance.clients.services import transition_episode

    # Referral cannot move straight to termination.
    with pytest.raises(ValidationError):
        transition_episode(
            cleo.current_episode(), "termination", by=cleo.clinician, reason="x"
        )
    assert ReadinessReview.objects.count() == 0
