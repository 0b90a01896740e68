from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.plans.models import Goal
from alliance.plans.services import achieve_goal, drop_goal


def test_it_drops_a_goal_with_a_reason(alice, goal):
    drop_goal(goal, by=alice, reason="The client chose to focus on sleep first.")
    stored = Goal.objects.get(pk=goal.pk)
    assert stored.status == Goal.Status.DROPPED
    assert stored.status_reason == "The client chose to focus on sleep first."
    assert stored.status_by == alice
    assert stored.status_at is not None
    assert (
        AuditEvent.objects.filter(action="goal.drop", object_uuid=goal.uuid).count()
        == 1
    )


def test_it_needs_a_reason_to_drop(alice, goal):
    with pytest.raises(ValidationError, match="reason for dropping"):
        drop_goal(goal, by=alice, reason="   ")
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACTIVE


def test_it_marks_a_goal_achieved_once(alice, goal):
    achieve_goal(goal, by=alice, note="Seeing friends weekly now.")
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACHIEVED
    assert AuditEvent.objects.filter(action="goal.achieve").count() == 1
    with pytest.raises(ValidationError, match="already achieved"):
        drop_goal(goal, by=alice, reason="Changed mind.")


def test_it_refuses_the_supervisor(sam, goal):
    with pytest.raises(ValidationError, match="primary clinician"):
        drop_goal(goal, by=sam, reason="Not mine to drop.")


def test_it_drops_through_the_form(as_user, alice, goal):
    http = as_user(alice)
    url = reverse("plans:goal_drop", args=[goal.uuid])
    assert http.post(url, {"reason": ""}).status_code == 200
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACTIVE
    response = http.post(url, {"reason": "No longer relevant after the move."})
    assert response.status_code == 302
    page = http.get(reverse("plans:goals", args=[goal.episode.uuid])).text
    assert "No longer relevant after the move." in page
    assert "Dropped on" in page


def test_it_marks_achieved_through_the_form(as_user, alice, goal):
    response = as_user(alice).post(
        reverse("plans:goal_achieve", args=[goal.uuid]), {"note": ""}
    )
    assert response.status_code == 302
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.ACHIEVED
