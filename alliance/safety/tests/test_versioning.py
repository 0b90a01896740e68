"""Every save adds a version; earlier versions never change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.safety.models import SafetyPlan, SafetyPlanVersion
from alliance.safety.selectors import current_safety_plan
from alliance.safety.services import save_safety_plan
from alliance.safety.tests.helpers import MINIMAL, write_plan


def test_it_creates_version_one_and_audits_it(alice, cleo):
    first = write_plan(cleo)
    assert first.number == 1
    assert first.plan.client == cleo
    assert first.created_by == alice
    event = AuditEvent.objects.filter(action="safety_plan.save").get()
    assert event.client_uuid == cleo.uuid


def test_it_keeps_version_one_unchanged_when_version_two_is_saved(alice, cleo):
    first = write_plan(cleo)
    second = write_plan(
        cleo, coping_strategies="Walk the dog\nCold shower", reason="Reviewed"
    )
    assert second.number == 2
    assert second.plan == first.plan
    assert SafetyPlan.objects.count() == 1
    again = SafetyPlanVersion.objects.get(pk=first.pk)
    assert again.coping_strategies == "Walk the dog"
    assert again.reason == ""
    assert current_safety_plan(cleo) == second
    assert SafetyPlan.objects.get().current_version() == second


def test_it_requires_a_reason_from_version_two(cleo):
    write_plan(cleo)
    with pytest.raises(ValidationError) as exc:
        write_plan(cleo, reason="  ")
    assert exc.value.message_dict == {
        "reason": ["Say briefly why the plan is being revised."]
    }
    assert SafetyPlanVersion.objects.count() == 1


def test_it_refuses_to_change_a_saved_version(cleo):
    first = write_plan(cleo)
    first.warning_signs = "changed"
    with pytest.raises(ValueError, match="cannot be changed"):
        first.save()


def test_it_refuses_a_save_based_on_an_older_version(alice, cleo):
    write_plan(cleo)
    write_plan(cleo, reason="Reviewed")
    with pytest.raises(ValidationError, match="changed by someone else"):
        save_safety_plan(cleo, by=alice, reason="Mine", based_on=1, **MINIMAL)
    assert SafetyPlanVersion.objects.count() == 2


def test_it_lets_only_the_primary_clinician_write(bob, sam, cleo):
    for user in (bob, sam):
        with pytest.raises(ValidationError) as exc:
            write_plan(cleo, by=user)
        assert exc.value.messages == [
            "Only the client's primary clinician can write their safety plan."
        ]
    assert SafetyPlan.objects.count() == 0
