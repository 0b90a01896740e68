from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert, raise_alert
from alliance.audit.models import AuditEvent


@pytest.fixture
def alert(cleo):
    return raise_alert(
        cleo, source="Session risk check", summary="Said they feel hopeless"
    )


def test_an_alert_stays_open_until_acknowledged(alert, as_user, alice):
    assert RiskAlert.objects.open().count() == 1
    home = as_user(alice).get(reverse("home:index"))
    assert b"Open risk alerts (1)" in home.content


def test_acknowledging_needs_the_action_taken(alert, alice):
    with pytest.raises(ValidationError, match="action taken"):
        acknowledge_alert(alert, by=alice, action_taken="  ")
    alert.refresh_from_db()
    assert alert.is_open is True


def test_the_clinician_acknowledges_with_an_action(alert, as_user, alice):
    response = as_user(alice).post(
        reverse("chart:alert", args=[alert.uuid]),
        {"action_taken": "Phoned the client; safety plan reviewed; no immediate risk."},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.is_open is False
    assert alert.acknowledged_by == alice
    assert alert.action_taken.startswith("Phoned the client")
    assert (
        AuditEvent.objects.filter(action="alert.acknowledge", actor=alice).count() == 1
    )
    home = as_user(alice).get(reverse("home:index"))
    assert b"Open risk alerts" not in home.content


def test_an_empty_action_changes_nothing(alert, as_user, alice):
    response = as_user(alice).post(
        reverse("chart:alert", args=[alert.uuid]), {"action_taken": ""}
    )
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.is_open is True


def test_it_cannot_be_acknowledged_twice(alert, alice):
    acknowledge_alert(alert, by=alice, action_taken="Called")
    with pytest.raises(ValidationError, match="already"):
        acknowledge_alert(alert, by=alice, action_taken="Again")


def test_the_supervisor_sees_but_cannot_acknowledge(alert, as_user, sam):
    http = as_user(sam)
    assert http.get(reverse("chart:alert", args=[alert.uuid])).status_code == 200
    assert (
        http.post(
            reverse("chart:alert", args=[alert.uuid]), {"action_taken": "x"}
        ).status_code
        == 403
    )
    alert.refresh_from_db()
    assert alert.is_open is True


def test_raising_is_audited(alert):
    assert (
        AuditEvent.objects.filter(
            action="alert.raise", client_uuid=alert.client.uuid
        ).count()
        == 1
    )
