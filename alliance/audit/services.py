"""``record()``: the one way to write an audit event. Call it inside the same
transaction as the change it describes, so neither lands without the other."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from alliance.audit.models import AuditEvent
from alliance.core.net import client_ip


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    request: HttpRequest | None = None,
    client_uuid: Any = None,
    outcome: str = AuditEvent.Outcome.OK,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``obj`` names the object; its client is found through
    ``obj.audit_client_uuid`` when the model declares it."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if client_uuid is None and obj is not None:
        client_uuid = getattr(obj, "audit_client_uuid", None)
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.email if actor is not None else "system",
        actor_role=getattr(actor, "role", "") if actor is not None else "",
        practice_id=getattr(actor, "practice_id", None) if actor is not None else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_uuid=getattr(obj, "uuid", None) if obj is not None else None,
        client_uuid=client_uuid,
        ip=client_ip(request),
        outcome=outcome,
        detail=detail or {},
    )
