"""The single place that decides who may reach which object.

Views call ``get_client``, ``get_episode`` or ``get_clinical`` (for models of
later apps, passed in by the view) and receive the object or an exception:

- anonymous: never reaches here (LoginRequiredMiddleware redirects to login);
- a role without the function (admin or client on a clinical page): 403;
- a role with the function but not this object (another clinician's client, a
  missing UUID, another practice): 404, so existence does not leak;
- a supervisor may read supervisees' clients but writes only through the
  actions meant for supervisors (co-signing), which pass ``write=False``.

Every successful read and every refusal is written to the audit log. Models
declare what they belong to (``client_path``) and how sensitive they are
(``sensitivity``, ``author_id``); they never decide access themselves.
This module imports only accounts and clients models.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import PORTAL_KEEPSAKES, PORTAL_READ, Client, Episode
from alliance.core.models import Sensitivity

M = TypeVar("M", bound=models.Model)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    return user  # type: ignore[return-value]


def _deny(request: HttpRequest, action: str, *, status: int, obj: Any = None) -> None:
    record(
        request.user,
        action,
        obj,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"status": status},
    )
    if status == 404:
        raise Http404
    raise PermissionDenied


def _refuse_if_exists(
    request: HttpRequest, queryset: models.QuerySet[Any], lookup: dict[str, Any]
) -> NoReturn:
    """A view's queryset may be narrower than the table (only portal
    questionnaires, only shared summaries). When the object is not in it but
    exists, that is a refusal of an existing object: audit it, then 404 like a
    missing one, so existence still does not leak."""
    model = queryset.model
    existing = model._base_manager.filter(**lookup).first()
    if existing is not None:
        _deny(request, f"{model._meta.model_name}.view", status=404, obj=existing)
    raise Http404


def require_staff(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_staff_member:
        _deny(request, "staff_page.denied", status=403)
    return user


def require_clinician(request: HttpRequest) -> User:
    """Clinicians and supervisors; practice admins and clients get 403."""
    user = _user(request)
    if not user.is_clinical:
        _deny(request, "clinical_page.denied", status=403)
    return user


def require_practice_admin(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_practice_admin:
        _deny(request, "admin_page.denied", status=403)
    return user


def holds_client(user: User, client: Client) -> bool:
    return Client.objects.in_caseload_of(user).filter(pk=client.pk).exists()


def is_primary_clinician(user: User, client: Client) -> bool:
    return client.clinician_id == user.pk and client.practice_id == user.practice_id


def supervises(user: User, clinician_id: int) -> bool:
    return clinician_id in user.supervisee_ids()


def _check_client(
    request: HttpRequest, user: User, client: Client, obj: models.Model, write: bool
) -> None:
    if not holds_client(user, client):
        _deny(request, f"{obj._meta.model_name}.view", status=404, obj=obj)
    if write and not is_primary_clinician(user, client):
        _deny(request, f"{obj._meta.model_name}.edit", status=403, obj=obj)


def get_client(request: HttpRequest, uuid: Any, *, write: bool = False) -> Client:
    user = require_clinician(request)
    client = Client.objects.select_related("clinician").filter(uuid=uuid).first()
    if client is None:
        raise Http404
    _check_client(request, user, client, client, write)
    record(user, "client.edit" if write else "client.view", client, request=request)
    return client


def get_episode(request: HttpRequest, uuid: Any, *, write: bool = False) -> Episode:
    user = require_clinician(request)
    episode = Episode.objects.select_related("client").filter(uuid=uuid).first()
    if episode is None:
        raise Http404
    _check_client(request, user, episode.client, episode, write)
    record(user, "episode.edit" if write else "episode.view", episode, request=request)
    return episode


def get_clinical(
    request: HttpRequest,
    queryset: models.QuerySet[M],
    uuid: Any,
    *,
    write: bool = False,
    action: str | None = None,
) -> M:
    """Fetch a clinical object of any later app.

    The model declares ``client_path`` (ORM path to its Client, e.g.
    ``"session__client"``) and ``sensitivity``; AUTHOR_ONLY objects also need
    ``author_id`` and are reachable by their author alone.
    """
    user = require_clinician(request)
    model = queryset.model
    path: str = model.client_path  # type: ignore[attr-defined]
    obj = queryset.select_related(path).filter(uuid=uuid).first()
    if obj is None:
        _refuse_if_exists(request, queryset, {"uuid": uuid})
    client: Any = obj
    for part in path.split("__"):
        client = getattr(client, part)
    name = model._meta.model_name
    if getattr(model, "sensitivity", Sensitivity.CLINICAL) == Sensitivity.AUTHOR_ONLY:
        if obj.author_id != user.pk:  # type: ignore[attr-defined]
            _deny(request, f"{name}.view", status=404, obj=obj)
    else:
        _check_client(request, user, client, obj, write)
    record(
        user,
        action or (f"{name}.edit" if write else f"{name}.view"),
        obj,
        request=request,
        client_uuid=client.uuid,
    )
    return obj


def get_practice_object(
    request: HttpRequest,
    queryset: models.QuerySet[M],
    lookup: dict[str, Any],
    *,
    admin_only: bool = False,
    practice_field: str = "practice_id",
) -> M:
    """Fetch an object that belongs to the practice rather than to a client
    (a staff member, invitation, consent text). Other practices' objects are 404."""
    user = require_practice_admin(request) if admin_only else require_staff(request)
    obj = queryset.filter(**lookup).first()
    if obj is None:
        _refuse_if_exists(request, queryset, lookup)
    owner: Any = obj
    for part in practice_field.split("__"):
        owner = getattr(owner, part)
    if owner != user.practice_id:
        _deny(request, f"{obj._meta.model_name}.view", status=404, obj=obj)
    return obj


def get_appointment(request: HttpRequest, uuid: Any, *, write: bool = False) -> Any:
    """Fetch an appointment (scheduling.Appointment).

    Appointments hold no clinical free text, so besides the clinicians who
    hold the client (a supervisor reads only), the practice admin reads and
    manages every appointment of the practice. The clinician whose calendar
    it is on may also read and manage it, even when another clinician holds
    the client. Clients get 403; other practices' appointments are 404.
    """
    from django.apps import apps

    user = require_staff(request)
    # Looked up by label: this module imports only accounts and clients models.
    model = apps.get_model("scheduling", "Appointment")
    appointment = (
        model.objects.select_related("client", "clinician").filter(uuid=uuid).first()
    )
    if appointment is None:
        raise Http404
    client = appointment.client
    if user.is_practice_admin:
        if client.practice_id != user.practice_id:
            _deny(request, "appointment.view", status=404, obj=appointment)
    else:
        on_own_calendar = appointment.clinician_id == user.pk
        on_calendar = on_own_calendar or supervises(user, appointment.clinician_id)
        if not (on_calendar or holds_client(user, client)):
            _deny(request, "appointment.view", status=404, obj=appointment)
        if write and not (on_own_calendar or is_primary_clinician(user, client)):
            _deny(request, "appointment.edit", status=403, obj=appointment)
    record(
        user,
        "appointment.edit" if write else "appointment.view",
        appointment,
        request=request,
        client_uuid=client.uuid,
    )
    return appointment


def get_own_client(
    request: HttpRequest, *, write: bool = False, keepsake: bool = False
) -> Client:
    """The Client record of the signed-in client (portal pages). Staff, and a
    client login not linked to a Client, get 403.

    After the client's last episode closes (``Client.portal_access``) they may
    read but not change their materials for the practice's set time, then reach
    only their keepsakes: pages for the toolbox, relapse-prevention plan and
    safety plan pass ``keepsake=True``. Refusals say why (403 page).
    """
    user = _user(request)
    if user.role != User.Role.CLIENT:
        _deny(request, "portal.denied", status=403)
    client = (
        Client.objects.select_related("practice", "clinician").filter(user=user).first()
    )
    if client is None:
        _deny(request, "portal.denied", status=403)
        raise PermissionDenied  # _deny raised already; this tells the type checker
    if keepsake:
        return client
    access = client.portal_access()
    if access == PORTAL_KEEPSAKES:
        _refuse(
            request,
            "portal.ended",
            "Your therapy has ended and access to its materials has closed. Your "
            "coping toolbox, relapse-prevention plan and safety plan are still "
            "here for you.",
        )
    if write and access == PORTAL_READ:
        _refuse(
            request,
            "portal.read_only",
            "Your therapy has ended, so this can be read but no longer changed.",
        )
    return client


def _refuse(request: HttpRequest, action: str, message: str) -> None:
    """403 with a message the 403 page shows."""
    record(
        request.user,
        action,
        None,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"status": 403},
    )
    raise PermissionDenied(message)


def get_own(
    request: HttpRequest,
    queryset: models.QuerySet[M],
    uuid: Any,
    *,
    write: bool = False,
    action: str | None = None,
    keepsake: bool = False,
) -> M:
    """Fetch an object of the signed-in client's own record for the portal.

    The model's ``client_path`` must lead to the requesting client's Client;
    anyone else's object is 404, exactly like a missing one. Audited. ``write``
    and ``keepsake`` as for ``get_own_client``.
    """
    client = get_own_client(request, write=write, keepsake=keepsake)
    model = queryset.model
    path: str = model.client_path  # type: ignore[attr-defined]
    obj = queryset.filter(uuid=uuid).first()
    name = model._meta.model_name
    if obj is None:
        _refuse_if_exists(request, queryset, {"uuid": uuid})
    *hops, last = path.split("__")
    holder: Any = obj
    for part in hops:
        holder = getattr(holder, part)
    if getattr(holder, f"{last}_id") != client.pk:
        _deny(request, f"{name}.view", status=404, obj=obj)
    record(
        request.user,
        action or (f"{name}.edit" if write else f"{name}.view"),
        obj,
        request=request,
        client_uuid=client.uuid,
    )
    return obj
