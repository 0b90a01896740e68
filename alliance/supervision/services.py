"""Recording supervision sessions: the one way to write them. Each function
checks, saves and audits in one transaction.

The audit names every client a record discusses: one event per client (with
its ``client_uuid``, so the client's access history shows it), or one event
without a client when the record names none."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.supervision.models import (
    ACTION_MAX,
    ACTIONS_MAX,
    CLIENTS_MAX,
    NOTES_MAX,
    AgreedAction,
    DiscussedClient,
    SupervisionSession,
)

# How far back a session may be recorded (a forgotten record caught up later).
OLDEST_DAYS = 366


@dataclass(frozen=True)
class SessionInput:
    held_on: date
    clients: Sequence[Client]
    actions: Sequence[str]
    notes: str


def audit_session(
    by: User,
    action: str,
    session: SupervisionSession,
    clients: Iterable[Client],
    *,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One event per client the record names, or one with no client."""
    named = list(clients)
    extra = {**(detail or {}), "clients": len(named)}
    if not named:
        record(by, action, session, request=request, detail=extra)
    for client in named:
        record(
            by, action, session, request=request, client_uuid=client.uuid, detail=extra
        )


def split_actions(text: Any) -> list[str]:
    """Agreed actions typed one per line: blank lines dropped."""
    if not isinstance(text, str):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def _check(
    supervisor: User,
    supervisee: User,
    data: SessionInput,
    *,
    already: Iterable[int] = (),
) -> None:
    errors: list[str] = []
    practice = supervisor.practice
    if practice is None or supervisee.practice_id != supervisor.practice_id:
        raise ValidationError("That clinician is not in your practice.")
    today = practice.today()
    if data.held_on > today:
        errors.append("The session date cannot be in the future.")
    elif data.held_on < today - timedelta(days=OLDEST_DAYS):
        errors.append("Record sessions held within the last year.")
    kept = set(already)
    for client in data.clients:
        # A client discussed before may since have moved to another clinician;
        # any client added now must be the supervisee's.
        if client.pk not in kept and (
            client.clinician_id != supervisee.pk
            or client.practice_id != supervisee.practice_id
        ):
            errors.append(f"{client.display_name} is not a client of {supervisee}.")
    if len({c.pk for c in data.clients}) > CLIENTS_MAX:
        errors.append(f"Name at most {CLIENTS_MAX} clients in one record.")
    if len(data.actions) > ACTIONS_MAX:
        errors.append(f"Write at most {ACTIONS_MAX} agreed actions.")
    if any(len(text) > ACTION_MAX for text in data.actions):
        errors.append(f"Keep each agreed action under {ACTION_MAX:,} characters.")
    if len(data.notes) > NOTES_MAX:
        errors.append(f"Keep the notes under {NOTES_MAX:,} characters.")
    if not data.clients and not data.actions and not data.notes.strip():
        errors.append("Name a client discussed, an agreed action or a note to save.")
    if errors:
        raise ValidationError(errors)


def _unique(clients: Iterable[Client]) -> list[Client]:
    return list({client.pk: client for client in clients}.values())


def record_session(
    supervisor: User,
    supervisee: User,
    data: SessionInput,
    *,
    request: HttpRequest | None = None,
) -> SupervisionSession:
    """A new supervision record by ``supervisor`` with a current supervisee."""
    if supervisee.pk not in supervisor.supervisee_ids():
        raise ValidationError(f"You do not supervise {supervisee} at the moment.")
    _check(supervisor, supervisee, data)
    practice = supervisor.practice
    assert practice is not None  # noqa: S101  # _check refuses staff without one
    clients = _unique(data.clients)
    now = timezone.now()
    with transaction.atomic():
        session = SupervisionSession.objects.create(
            practice=practice,
            supervisor=supervisor,
            supervisee=supervisee,
            held_on=data.held_on,
            notes=data.notes.strip(),
            created_at=now,
            updated_at=now,
        )
        DiscussedClient.objects.bulk_create(
            DiscussedClient(session=session, client=client) for client in clients
        )
        AgreedAction.objects.bulk_create(
            AgreedAction(session=session, position=i, text=text)
            for i, text in enumerate(data.actions, start=1)
        )
        audit_session(
            supervisor,
            "supervisionsession.create",
            session,
            clients,
            request=request,
            detail={"actions": len(data.actions)},
        )
    return session


def _editable(session: SupervisionSession, by: User) -> None:
    if by.pk != session.supervisor_id:
        raise ValidationError(
            "Only the supervisor who wrote this record may change it."
        )
    if session.is_final:
        raise ValidationError("This record is final and can no longer be changed.")
    if session.is_locked():
        raise ValidationError(
            "Records can be changed only on the day they were written; "
            "this one now reads as written."
        )


def edit_session(
    session: SupervisionSession,
    data: SessionInput,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> SupervisionSession:
    """Change a record its supervisor wrote today and has not marked final.
    Agreed actions whose text is unchanged keep their "done" tick."""
    with transaction.atomic():
        session = (
            SupervisionSession.objects.select_for_update()
            .select_related("practice", "supervisee")
            .get(pk=session.pk)
        )
        _editable(session, by)
        before = list(
            DiscussedClient.objects.filter(session=session).values_list(
                "client_id", flat=True
            )
        )
        _check(by, session.supervisee, data, already=before)
        clients = _unique(data.clients)
        wanted = {client.pk for client in clients}
        DiscussedClient.objects.filter(session=session).exclude(
            client_id__in=wanted
        ).delete()
        DiscussedClient.objects.bulk_create(
            DiscussedClient(session=session, client=client)
            for client in clients
            if client.pk not in before
        )
        old = {a.text: a for a in AgreedAction.objects.filter(session=session)}
        AgreedAction.objects.filter(session=session).delete()
        AgreedAction.objects.bulk_create(
            AgreedAction(
                session=session,
                position=i,
                text=text,
                done_at=old[text].done_at if text in old else None,
                done_by_id=old[text].done_by_id if text in old else None,
            )
            for i, text in enumerate(data.actions, start=1)
        )
        session.held_on = data.held_on
        session.notes = data.notes.strip()
        session.updated_at = timezone.now()
        session.save(update_fields=["held_on", "notes", "updated_at"])
        removed = set(before) - wanted
        audit_session(
            by,
            "supervisionsession.edit",
            session,
            [*clients, *Client.objects.filter(pk__in=removed)],
            request=request,
            detail={"actions": len(data.actions), "clients_removed": len(removed)},
        )
    return session


def finalise_session(
    session: SupervisionSession, *, by: User, request: HttpRequest | None = None
) -> SupervisionSession:
    """Mark the record final: it reads as written from now on."""
    with transaction.atomic():
        session = (
            SupervisionSession.objects.select_for_update()
            .select_related("practice")
            .get(pk=session.pk)
        )
        if by.pk != session.supervisor_id:
            raise ValidationError(
                "Only the supervisor who wrote this record may do that."
            )
        if session.is_final:
            raise ValidationError("This record is already final.")
        session.finalised_at = timezone.now()
        session.save(update_fields=["finalised_at"])
        audit_session(
            by,
            "supervisionsession.finalise",
            session,
            Client.objects.filter(supervision_discussions__session=session),
            request=request,
        )
    return session


def set_action_done(
    action: AgreedAction,
    done: bool,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> AgreedAction:
    """Tick an agreed action done, or untick it; the supervisor and the
    supervisee may, whether or not the record is final. The same choice twice
    changes nothing."""
    session = action.session
    if by.pk not in (session.supervisor_id, session.supervisee_id):
        raise ValidationError("Only the supervisor and the supervisee may do that.")
    if done == action.is_done:
        return action
    with transaction.atomic():
        action.done_at = timezone.now() if done else None
        action.done_by = by if done else None
        action.save(update_fields=["done_at", "done_by"])
        record(
            by,
            "agreedaction.done" if done else "agreedaction.undone",
            action,
            request=request,
            detail={"session": str(session.uuid)},
        )
    return action
