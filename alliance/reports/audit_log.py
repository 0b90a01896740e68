"""The audit log as the practice admin reads it: the practice's events,
filtered, and the rows with client names where the reader may know them.

The log itself (alliance/audit) sits below clients and knows no names; this
page-level module puts the two together. Which names a reader may see is
``permissions.client_names``; which clients a name search may find is
``permissions.clients_known_by_name``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from alliance.accounts.models import Practice, User
from alliance.audit.models import AuditEvent, AuditEventQuerySet
from alliance.clients.models import Client
from alliance.measures.outcomes import period_bounds

CSV_HEADER = [
    "When (UTC)",
    "Who",
    "Role",
    "Action",
    "Object type",
    "Object ID",
    "Client",
    "Client ID",
    "Address",
    "Outcome",
    "Detail",
    "Sequence",
]


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def events(
    practice: Practice,
    *,
    actor: User | None = None,
    action: str = "",
    client: str = "",
    outcome: str = "",
    since: date | None = None,
    until: date | None = None,
    known_clients: QuerySet[Client] | None = None,
) -> AuditEventQuerySet:
    """The practice's events, newest first, matching every filter given.
    ``client`` is a client's UUID, or part of a name searched among
    ``known_clients`` (the clients the reader may know by name)."""
    found = AuditEvent.objects.for_practice(practice.pk).select_related("actor")
    if actor is not None:
        found = found.filter(actor=actor)
    if action:
        found = found.filter(action__startswith=action)
    if client:
        if is_uuid(client):
            found = found.about_client(client)
        elif known_clients is not None:
            named = known_clients.filter(
                Q(given_name__icontains=client)
                | Q(family_name__icontains=client)
                | Q(preferred_name__icontains=client)
            ).values("uuid")
            found = found.filter(client_uuid__in=named)
        else:
            found = found.none()
    if outcome:
        found = found.filter(outcome=outcome)
    start, end = period_bounds(practice, since, until)
    if start is not None:
        found = found.filter(at__gte=start)
    if end is not None:
        found = found.filter(at__lt=end)
    return found


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    client_name: str

    @property
    def detail_items(self) -> list[tuple[str, str]]:
        detail = self.event.detail if isinstance(self.event.detail, dict) else {}
        return [(str(k), _text(v)) for k, v in detail.items()]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def rows(events: Iterable[AuditEvent], names: dict[Any, str]) -> list[Row]:
    return [Row(e, names.get(e.client_uuid, "")) for e in events]


def csv_rows(
    events: Iterable[AuditEvent], names: dict[Any, str]
) -> Iterator[list[Any]]:
    for e in events:
        yield [
            e.at.isoformat(),
            e.actor_label,
            e.actor_role,
            e.action,
            e.object_type,
            e.object_uuid or "",
            names.get(e.client_uuid, ""),
            e.client_uuid or "",
            e.ip or "",
            e.get_outcome_display(),
            json.dumps(e.detail, sort_keys=True) if e.detail else "",
            e.seq if e.seq is not None else "",
        ]
