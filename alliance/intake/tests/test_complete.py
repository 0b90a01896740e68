from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.intake.models import Intake
from alliance.intake.services import complete_intake
from alliance.intake.tests.helpers import NO_RISK, ready, save


def test_it_completes(alice, cleo):
    intake = complete_intake(ready(cleo), by=alice)
    stored = Intake.objects.get(pk=intake.pk)
    assert stored.status == Intake.Status.COMPLETED
    assert stored.is_completed is True
    assert stored.completed_by == alice
    assert stored.completed_at is not None


def test_it_needs_presenting_concerns_risk_and_formulation(alice, intake):
    with pytest.raises(ValidationError) as caught:
        complete_intake(intake, by=alice)
    assert caught.value.messages == [
        "Before completing the intake, fill in the presenting concerns, the risk "
        "screen with your judgement and the working formulation."
    ]
    assert Intake.objects.get(pk=intake.pk).status == "draft"


def test_it_names_only_what_is_missing(alice, intake):
    save(intake, "presenting", text="Panic on the bus.")
    save(intake, "risk", **NO_RISK)
    with pytest.raises(ValidationError) as caught:
        complete_intake(intake, by=alice)
    assert caught.value.messages == [
        "Before completing the intake, fill in the working formulation."
    ]


def test_it_does_not_count_blank_text(alice, cleo):
    intake = ready(cleo)
    save(intake, "formulation", text="   ")
    with pytest.raises(ValidationError, match="the working formulation"):
        complete_intake(intake, by=alice)


def test_it_refuses_a_second_completion(alice, cleo):
    intake = complete_intake(ready(cleo), by=alice)
    with pytest.raises(ValidationError, match="already completed"):
        complete_intake(intake, by=alice)


def test_it_refuses_bob_and_sam(bob, sam, cleo):
    intake = ready(cleo)
    for user in (bob, sam):
        with pytest.raises(
            ValidationError, match="Only the client's primary clinician"
        ):
            complete_intake(intake, by=user)
    assert Intake.objects.get(pk=intake.pk).status == "draft"


def test_it_records_audit_event(alice, cleo):
    intake = complete_intake(ready(cleo), by=alice)
    event = AuditEvent.objects.get(action="intake.complete")
    assert event.actor == alice
    assert event.object_uuid == intake.uuid


def test_it_completes_from_the_page(as_user, alice, cleo):
    intake = ready(cleo)
    response = as_user(alice).post(
        reverse("intake:complete", args=[intake.uuid]), follow=True
    )
    assert "Intake completed and locked." in response.text
    assert Intake.objects.get(pk=intake.pk).is_completed is True


def test_it_tells_htmx_where_to_go(as_user, alice, cleo):
    intake = ready(cleo)
    response = as_user(alice).post(
        reverse("intake:complete", args=[intake.uuid]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == intake.get_absolute_url()


def test_it_explains_a_refusal_on_the_page(as_user, alice, intake):
    response = as_user(alice).post(
        reverse("intake:complete", args=[intake.uuid]), follow=True
    )
    assert (
        "Before completing the intake, fill in the presenting concerns" in response.text
    )
    assert Intake.objects.get(pk=intake.pk).status == "draft"


def test_it_refuses_bob_and_sam_on_the_page(as_user, bob, sam, cleo):
    intake = ready(cleo)
    url = reverse("intake:complete", args=[intake.uuid])
    assert as_user(bob).post(url).status_code == 404
    assert as_user(sam).post(url).status_code == 403
    assert Intake.objects.get(pk=intake.pk).status == "draft"
