from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.models import RiskAlert
from alliance.audit.services import record
from alliance.clients.models import Client, Episode


@transaction.atomic
def raise_alert(
    client: Client,
    *,
    source: str,
    summary: str,
    episode: Episode | None = None,
    severity: str = RiskAlert.Severity.HIGH,
    raised_by: User | None = None,
    source_object: models.Model | None = None,
    request: HttpRequest | None = None,
) -> RiskAlert:
    """Open a risk alert. Call inside the transaction that stores the risk answer,
    so the answer is never saved without its alert."""
    alert = RiskAlert.objects.create(
        client=client,
        episode=episode or client.current_episode(),
        severity=severity,
        source=source,
        source_type=source_object._meta.label_lower
        if source_object is not None
        else "",
        source_uuid=getattr(source_object, "uuid", None),
        summary=summary,
        raised_by=raised_by,
    )
    # The source is encrypted on the alert; the audit log names only the kind
    # of record that raised it (docs/decisions/0004).
    record(
        raised_by,
        "alert.raise",
        alert,
        request=request,
        detail={"source_type": alert.source_type},
    )
    return alert


@transaction.atomic
def acknowledge_alert(
    alert: RiskAlert, *, by: User, action_taken: str, request: HttpRequest | None = None
) -> RiskAlert:
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ValidationError("Record the action taken before acknowledging the alert.")
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise ValidationError("This alert was already acknowledged.")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by
    alert.action_taken = action_taken
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
    record(by, "alert.acknowledge", alert, request=request)
    return alert
