from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.clients.services import record_consent, transition_episode
from alliance.intake.models import Intake
from alliance.intake.services import start_intake
from alliance.intake.tests.helpers import assess


def test_it_starts_a_draft_in_assessment(alice, cleo):
    episode = assess(cleo)
    intake = start_intake(episode, by=alice)
    assert intake.status == Intake.Status.DRAFT
    assert intake.episode == episode
    assert intake.created_by == alice
    assert intake.sections.count() == 12


def test_it_starts_late_in_active_treatment(alice, cleo, consent_text):
    from django.utils import timezone

    episode = assess(cleo)
    record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now(),
        by=alice,
    )
    transition_episode(episode, "active", by=alice, reason="Assessment done")
    episode.refresh_from_db()
    assert start_intake(episode, by=alice).status == "draft"


def test_it_refuses_an_episode_in_referral(alice, cleo):
    with pytest.raises(ValidationError, match="move the episode to assessment first"):
        start_intake(cleo.current_episode(), by=alice)
    assert Intake.objects.count() == 0


def test_it_refuses_a_closed_episode(alice, cleo):
    episode = cleo.current_episode()
    transition_episode(
        episode, "closed", by=alice, discharge="other", reason="Did not attend"
    )
    episode.refresh_from_db()
    with pytest.raises(ValidationError, match="This episode of care is closed"):
        start_intake(episode, by=alice)


def test_it_refuses_a_second_intake(alice, cleo):
    episode = assess(cleo)
    start_intake(episode, by=alice)
    with pytest.raises(ValidationError, match="already has an intake"):
        start_intake(episode, by=alice)
    assert Intake.objects.count() == 1


def test_it_refuses_bob_and_sam(bob, sam, cleo):
    episode = assess(cleo)
    for user in (bob, sam):
        with pytest.raises(
            ValidationError, match="Only the client's primary clinician"
        ):
            start_intake(episode, by=user)
    assert Intake.objects.count() == 0


def test_it_records_audit_event(alice, cleo):
    intake = start_intake(assess(cleo), by=alice)
    event = AuditEvent.objects.get(action="intake.start")
    assert event.actor == alice
    assert event.object_uuid == intake.uuid
    assert event.client_uuid == cleo.uuid


def test_it_starts_from_the_chart(as_user, alice, cleo):
    episode = assess(cleo)
    chart = (
        as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "documents"])).text
    )
    url = reverse("intake:start", args=[episode.uuid])
    assert f'action="{url}"' in chart
    response = as_user(alice).post(url)
    intake = Intake.objects.get()
    assert response.status_code == 302
    assert response["Location"] == intake.get_absolute_url()


def test_it_explains_a_refusal_on_the_chart(as_user, alice, cleo):
    response = as_user(alice).post(
        reverse("intake:start", args=[cleo.current_episode().uuid]), follow=True
    )
    assert "move the episode to assessment first" in response.text
    assert Intake.objects.count() == 0


def test_it_refuses_bob_and_sam_on_the_page(as_user, bob, sam, cleo):
    url = reverse("intake:start", args=[assess(cleo).uuid])
    assert as_user(bob).post(url).status_code == 404
    assert as_user(sam).post(url).status_code == 403
    assert Intake.objects.count() == 0


def test_it_rejects_get(as_user, alice, cleo):
    url = reverse("intake:start", args=[assess(cleo).uuid])
    assert as_user(alice).get(url).status_code == 405
