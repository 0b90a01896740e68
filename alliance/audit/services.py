"""``record()``: the one way to write an audit event. Call it inside the same
transaction as the change it describes, so neither lands without the other.

``verify_chain()`` checks the whole log's hash chain (``alliance audit-verify``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.audit import chain
from alliance.audit.models import AuditChainHead, AuditEvent
from alliance.core.net import client_ip

VERIFY_ACTION = "audit.verify"


def client_uuid_of(obj: models.Model) -> Any:
    """The UUID of the client ``obj`` belongs to, or None.

    Found by following the model's ``client_path`` (the ORM path to its Client
    that permissions uses too, e.g. ``"plan__client"``). A model without one
    may say it itself with an ``audit_client_uuid`` attribute (the Client is
    its own client; an episode belongs to its client): that hook wins.

    Relations already loaded are followed for free; from the first that is
    not, one query reads the rest of the path's UUID (every write is audited,
    so loading each object along the way would cost a query per step)."""
    if hasattr(type(obj), "audit_client_uuid"):
        return getattr(obj, "audit_client_uuid", None)
    path = getattr(obj, "client_path", None)
    if not path:
        return None
    steps = path.split("__")
    target: Any = obj
    try:
        for i, step in enumerate(steps):
            field = target._meta.get_field(step)
            if isinstance(field, models.ForeignKey) and not field.is_cached(target):
                key = getattr(target, field.attname)
                if key is None:
                    return None
                rest = "__".join([*steps[i + 1 :], "uuid"])
                related = field.related_model._base_manager.db_manager(target._state.db)
                return related.filter(pk=key).values_list(rest, flat=True).first()
            target = getattr(target, step)
            if target is None:
                return None
        return target.uuid
    except (AttributeError, ObjectDoesNotExist):
        return None


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
    """Append one event. ``obj`` names the object; its client is found from
    it (``client_uuid_of``) unless ``client_uuid`` is given.

    Text that reached us from outside (a typed e-mail address, a file name)
    is cleaned of control characters first: PostgreSQL's JSON refuses NUL, and
    a refused audit write would turn the request into an error and lose the
    event."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if client_uuid is None and obj is not None:
        client_uuid = client_uuid_of(obj)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_label=chain.clean(actor.email if actor is not None else "system"),
        actor_role=getattr(actor, "role", "") if actor is not None else "",
        practice_id=getattr(actor, "practice_id", None) if actor is not None else None,
        action=chain.clean(action),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_uuid=getattr(obj, "uuid", None) if obj is not None else None,
        client_uuid=client_uuid,
        ip=client_ip(request),
        outcome=outcome,
        # The JSON value exactly as the database will give it back.
        detail=json.loads(json.dumps(chain.clean(detail or {}))),
    )
    event.ip = AuditEvent._meta.get_field("ip").get_prep_value(event.ip)
    # No savepoint of its own: inside the caller's transaction a failed audit
    # write must fail that transaction anyway (fail closed).
    with transaction.atomic(savepoint=False):
        event.seq, event.prev_hash = _advance_head()
        event.hash = chain.event_hash(_row(event), event.prev_hash)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(hash=event.hash)
    return event


def _advance_head() -> tuple[int, str]:
    """Move the chain head on by one: the new event's position and the hash of
    the event before it. The head row stays locked until the transaction ends,
    so one writer at a time extends the chain (on PostgreSQL a second writer
    waits, then reads the head as the first left it; SQLite's IMMEDIATE
    transactions let one writer in at a time already).

    One UPDATE ... RETURNING rather than SELECT ... FOR UPDATE and an UPDATE:
    on PostgreSQL that row lock, taken again in each savepoint of a long
    transaction whose earlier savepoints changed the row, grew slower with
    every event (a quarter of the demo's seeding time)."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    meta = AuditChainHead._meta
    seq = quote(meta.get_field("seq").column)
    hash_ = quote(meta.get_field("hash").column)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {seq} = {seq} + 1 "  # noqa: S608 - names from the model
        f"WHERE {quote(meta.pk.column)} = 1 RETURNING {seq}, {hash_}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:
            # A new database: the head row is made with the first event.
            # Writers racing to make it make one (the others' inserts do
            # nothing, after waiting for the first to commit).
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(pk=1)], ignore_conflicts=True
            )
            cursor.execute(sql)
            row = cursor.fetchone()
    if row is None:
        raise DatabaseError("the audit chain's head row cannot be made")
    return row[0], row[1]


def _row(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in chain.FIELDS}


def _stored_rows() -> Iterable[dict[str, Any]]:
    fields = ("id", "prev_hash", "hash", *chain.FIELDS)
    events = AuditEvent.objects.order_by(models.F("seq").asc(nulls_last=True), "id")
    rows: Iterable[dict[str, Any]] = events.values(*fields).iterator(chunk_size=2000)
    return rows


def verify_chain(
    *, anchors: Iterable[tuple[int, str]] = (), by: str = "audit-verify"
) -> chain.Result:
    """Check every event's hash and link, then record the check as an event
    (``audit.verify``, outcome ok or failed) that the audit page shows."""
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    result = chain.verify(_stored_rows(), head=head, anchors=anchors)
    record(
        None,
        VERIFY_ACTION,
        None,
        outcome=AuditEvent.Outcome.OK if result.ok else AuditEvent.Outcome.FAILED,
        detail={
            "by": by,
            "events": result.events,
            "head": f"{result.head_seq}:{result.head_hash}",
            "broken_id": result.broken_id,
            "broken_seq": result.broken_seq,
            "problem": result.problem,
            "anchors": result.anchors,
        },
    )
    return result


def last_verification() -> AuditEvent | None:
    return AuditEvent.objects.filter(action=VERIFY_ACTION).order_by("-id").first()
