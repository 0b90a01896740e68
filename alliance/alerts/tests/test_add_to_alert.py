"""Adding to an open alert (a risk answer changed to a worse one) instead of
raising a second one: the summary grows, severity only goes up, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.alerts.services import acknowledge_alert, add_to_alert, raise_alert
from alliance.audit.models import AuditEvent


def test_it_adds_a_line_and_raises_the_severity(alice, cleo):
    alert = raise_alert(cleo, source="PHQ-9 item 9", summary="First", severity="medium")
    alert = add_to_alert(alert, note="Then worse", severity="high", by=alice)
    assert alert.summary == "First\nThen worse"
    assert alert.severity == "high"
    alert = add_to_alert(alert, note="Milder rule", severity="low", by=alice)
    alert.refresh_from_db()
    assert alert.severity == "high"
    assert alert.summary.endswith("Milder rule")
    assert AuditEvent.objects.filter(action="alert.update").count() == 2


def test_it_refuses_an_acknowledged_alert(alice, cleo):
    alert = raise_alert(cleo, source="PHQ-9 item 9", summary="First")
    acknowledge_alert(alert, by=alice, action_taken="Called")
    with pytest.raises(ValidationError):
        add_to_alert(alert, note="Later", by=alice)
    alert.refresh_from_db()
    assert alert.summary == "First"
