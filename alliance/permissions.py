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
This module imports only accounts and clients models. Cover for leave
(``accounts.Cover``) is decided here too: see ``covered_clinician_ids``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn, TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from alliance.accounts.duty import end_of_practice_day, is_on_duty
from alliance.accounts.models import Cover, User
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import (
    PORTAL_KEEPSAKES,
    PORTAL_READ,
    Client,
    Episode,
    in_caseload,
)
from alliance.core.models import Sensitivity
from alliance.core.prepared import first_of, prepared

M = TypeVar("M", bound=models.Model)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    return user


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


def require_supervisor(request: HttpRequest) -> User:
    """Supervisors only (the co-sign queue, the supervisee overview): other
    roles get 403. Whom a supervisor sees is ``User.supervisee_ids``."""
    user = _user(request)
    if user.role != User.Role.SUPERVISOR:
        _deny(request, "supervisor_page.denied", status=403)
    return user


def require_practice_admin(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_practice_admin:
        _deny(request, "admin_page.denied", status=403)
    return user


def holds_client(user: User, client: Client) -> bool:
    return in_caseload(client, user)


def is_primary_clinician(user: User, client: Client) -> bool:
    return client.clinician_id == user.pk and client.practice_id == user.practice_id


def supervises(user: User, clinician_id: int) -> bool:
    return clinician_id in user.supervisee_ids()


@prepared
def _covered_on(
    cover_id: int, practice_id: int, day: date
) -> models.QuerySet[Cover, int]:
    return (
        Cover.objects.in_force_on(day)
        .filter(
            cover_id=cover_id,
            practice_id=practice_id,
            clinician__practice_id=practice_id,
        )
        .values_list("clinician_id", flat=True)
    )


def covered_clinician_ids(user: User) -> list[int]:
    """The clinicians ``user`` covers today (practice time zone): a colleague
    named in a cover arrangement that has begun, not yet ended, and was not
    ended early. Cover reaches those clinicians' clients' open risk alerts and
    message threads (``cover=True`` below), nothing else of their record.

    Asked once per user object and day: a page checks cover for many rows, and
    the signed-in user is loaded afresh for every request."""
    if (
        not user.is_authenticated
        or not user.is_active
        or not user.is_clinical
        or user.practice is None
    ):
        return []
    today = user.practice.today()
    cached = user.__dict__.get("_covered_clinician_ids")
    if cached is None or cached[0] != today:
        cached = (today, _covered_on(user.pk, user.practice.pk, today))
        user._covered_clinician_ids = cached  # type: ignore[attr-defined]
    return list(cached[1])


def covers_client(user: User, client: Client) -> bool:
    """Whether ``user`` covers the client's primary clinician today."""
    return client.practice_id == user.practice_id and (
        client.clinician_id in covered_clinician_ids(user)
    )


def can_manage_cover(user: User, arrangement: Cover) -> bool:
    """The absent clinician, their cover and the practice admin may end a cover
    arrangement; everyone else in the practice may not."""
    if arrangement.practice_id != user.practice_id:
        return False
    return user.is_practice_admin or user.pk in (
        arrangement.clinician_id,
        arrangement.cover_id,
    )


def get_cover(request: HttpRequest, uuid: Any) -> Cover:
    """A cover arrangement its clinician, their cover or the practice admin
    may manage; anyone else's (or another practice's) is 404."""
    user = require_staff(request)
    arrangement = (
        Cover.objects.select_related("clinician", "cover").filter(uuid=uuid).first()
    )
    if arrangement is None:
        raise Http404
    if not can_manage_cover(user, arrangement):
        _deny(request, "cover.view", status=404, obj=arrangement)
    return arrangement


def _check_client(
    request: HttpRequest,
    user: User,
    client: Client,
    obj: models.Model,
    write: bool,
    cover: bool = False,
) -> str | None:
    """Refuse unless ``user`` may reach ``obj``; returns "cover" when only a
    cover arrangement lets them (pages that accept cover pass ``cover=True``:
    a covering colleague reads and writes there like the primary clinician)."""
    holds = holds_client(user, client)
    if holds and (not write or is_primary_clinician(user, client)):
        return None
    if cover and covers_client(user, client):
        return "cover"
    if not holds:
        _deny(request, f"{obj._meta.model_name}.view", status=404, obj=obj)
    _deny(request, f"{obj._meta.model_name}.edit", status=403, obj=obj)
    return None


def _via(how: str | None) -> dict[str, Any] | None:
    return {"via": how} if how else None


def _as_uuid(value: Any) -> UUID:
    """A record's key from a URL: not one, not found."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise Http404 from None


@prepared
def _client_by_uuid(uuid: UUID) -> models.QuerySet[Client]:
    return first_of(Client.objects.select_related("clinician").filter(uuid=uuid))


@prepared
def _episode_by_uuid(uuid: UUID) -> models.QuerySet[Episode]:
    return first_of(Episode.objects.select_related("client").filter(uuid=uuid))


def get_client(
    request: HttpRequest, uuid: Any, *, write: bool = False, cover: bool = False
) -> Client:
    user = require_clinician(request)
    client = _client_by_uuid.first(_as_uuid(uuid))
    if client is None:
        raise Http404
    via = _check_client(request, user, client, client, write, cover)
    record(
        user,
        "client.edit" if write else "client.view",
        client,
        request=request,
        detail=_via(via),
    )
    return client


def get_episode(request: HttpRequest, uuid: Any, *, write: bool = False) -> Episode:
    user = require_clinician(request)
    episode = _episode_by_uuid.first(_as_uuid(uuid))
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
    cover: bool = False,
) -> M:
    """Fetch a clinical object of any later app.

    The model declares ``client_path`` (ORM path to its Client, e.g.
    ``"session__client"``) and ``sensitivity``; AUTHOR_ONLY objects also need
    ``author_id`` and are reachable by their author alone. ``cover=True`` lets
    a colleague covering the primary clinician today reach it too (audited
    with ``{"via": "cover"}``).
    """
    user = require_clinician(request)
    model = queryset.model
    path: str = model.client_path  # type: ignore[attr-defined]  # models of client data declare it
    obj = queryset.select_related(path).filter(uuid=uuid).first()
    if obj is None:
        _refuse_if_exists(request, queryset, {"uuid": uuid})
    client: Any = obj
    for part in path.split("__"):
        client = getattr(client, part)
    name = model._meta.model_name
    via = None
    if getattr(model, "sensitivity", Sensitivity.CLINICAL) == Sensitivity.AUTHOR_ONLY:
        if obj.author_id != user.pk:  # type: ignore[attr-defined]  # AUTHOR_ONLY models declare author_id
            _deny(request, f"{name}.view", status=404, obj=obj)
    else:
        via = _check_client(request, user, client, obj, write, cover)
    record(
        user,
        action or (f"{name}.edit" if write else f"{name}.view"),
        obj,
        request=request,
        client_uuid=client.uuid,
        detail=_via(via),
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


def visible_clinicians(user: User) -> list[User]:
    """The clinicians whose calendars ``user`` may see: the practice admin
    every active clinician of the practice, a supervisor themselves and their
    supervisees, anyone else only themselves. Ordered by name."""
    if user.is_practice_admin:
        return list(User.objects.clinicians().filter(practice_id=user.practice_id))  # type: ignore[misc]  # None: IS NULL, as at run time
    if user.role != User.Role.SUPERVISOR:
        return [user]
    return list(
        User.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            pk__in=[user.pk, *user.supervisee_ids()], practice_id=user.practice_id
        )
    )


def may_manage_calendar(user: User, owner: User | None) -> bool:
    """Whether ``user`` may book on ``owner``'s calendar: their own, or any
    calendar for the practice admin (a supervisor only reads)."""
    return owner is not None and (owner.pk == user.pk or user.is_practice_admin)


def may_manage_appointment(user: User, appointment: Any) -> bool:
    """Whether ``user`` may change an appointment they may read: the practice
    admin, the clinician whose calendar it is on, or the client's primary
    clinician. ``get_appointment(write=True)`` applies the same rule."""
    return (
        user.is_practice_admin
        or appointment.clinician_id == user.pk
        or is_primary_clinician(user, appointment.client)
    )


def outcomes_choices(user: User) -> list[User] | None:
    """The clinicians the practice admin may pick on the practice outcomes
    report (everyone with a clinical role, former staff included, since
    outcomes outlive employment); ``None`` for others, who pick no one."""
    if not user.is_practice_admin:
        return None
    return list(
        User.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            practice_id=user.practice_id, role__in=User.CLINICAL_ROLES
        ).order_by("full_name", "pk")
    )


def outcomes_scope(user: User, chosen: User | None = None) -> Any:
    """Whose rows ``user`` sees on the practice outcomes report: the practice
    admin every clinician (``None``) or the one chosen from
    ``outcomes_choices``; anyone else themselves, then their supervisees."""
    if user.is_practice_admin:
        return chosen
    return [user, *User.objects.filter(pk__in=user.supervisee_ids())]


def report_scope(user: User) -> list[User]:
    """The clinicians whose figures ``user`` may count on the practice reports
    (alliance/reports): the practice admin every clinician of the practice,
    former staff included (their figures outlive employment); a supervisor
    themselves and their supervisees; a clinician themselves; anyone else
    no one. Ordered by name."""
    if not user.is_active or user.practice_id is None:
        return []
    if user.is_practice_admin:
        people = User.objects.filter(
            practice_id=user.practice_id, role__in=User.CLINICAL_ROLES
        )
    elif user.is_clinical:
        people = User.objects.filter(
            pk__in=[user.pk, *user.supervisee_ids()], practice_id=user.practice_id
        )
    else:
        return []
    return list(people.order_by("full_name", "pk"))


def clients_known_by_name(user: User) -> models.QuerySet[Client]:
    """The clients ``user`` may know by name outside their record (the audit
    log): the practice admin the practice's clients (they see them on the
    calendar), a clinician the clients they hold; anyone else none."""
    if not user.is_active or user.practice_id is None:
        return Client.objects.none()
    if user.is_practice_admin:
        return Client.objects.filter(practice_id=user.practice_id)
    return Client.objects.in_caseload_of(user)


def client_names(user: User, uuids: Any) -> dict[Any, str]:
    """The names, by UUID, of the clients among ``uuids`` (a list or a
    queryset of client UUIDs) that ``user`` may know by name
    (``clients_known_by_name``); any other client, of another practice or
    outside the caseload, is left out and shows as its UUID. One query."""
    rows = (
        clients_known_by_name(user)
        .filter(uuid__in=uuids)
        .values_list("uuid", "preferred_name", "given_name", "family_name")
    )
    # As Client.display_name puts it.
    return {
        uuid: f"{preferred or given} {family}"
        for uuid, preferred, given, family in rows
    }


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
        if write and not may_manage_appointment(user, appointment):
            _deny(request, "appointment.edit", status=403, obj=appointment)
    record(
        user,
        "appointment.edit" if write else "appointment.view",
        appointment,
        request=request,
        client_uuid=client.uuid,
    )
    return appointment


def get_appointment_request(request: HttpRequest, uuid: Any) -> Any:
    """Fetch a client's request to change an appointment, for staff to answer:
    the same rule as ``get_appointment(write=True)`` on its appointment."""
    from django.apps import apps

    require_staff(request)
    model = apps.get_model("scheduling", "AppointmentRequest")
    change = model.objects.filter(uuid=uuid).select_related("appointment").first()
    if change is None:
        raise Http404
    get_appointment(request, change.appointment.uuid, write=True)
    return change


@prepared
def _client_of_login(user_id: int) -> models.QuerySet[Client]:
    return first_of(
        Client.objects.select_related("practice", "clinician").filter(user_id=user_id)
    )


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
    client = _client_of_login.first(user.pk)
    if client is None:
        _deny(request, "portal.denied", status=403)
        raise PermissionDenied  # _deny raised already; this tells the type checker
    # The portal navigation (portal.context_processors) reads the same record.
    request.portal_client = client  # type: ignore[attr-defined]
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


def get_own_practice_object(
    request: HttpRequest,
    queryset: models.QuerySet[M],
    uuid: Any,
    *,
    write: bool = False,
) -> tuple[Client, M]:
    """For the portal: the signed-in client and an object of their practice
    (a consent text to sign); another practice's object is 404 like a missing
    one. ``write`` as for ``get_own_client``."""
    client = get_own_client(request, write=write)
    obj = queryset.filter(uuid=uuid).first()
    if obj is None:
        _refuse_if_exists(request, queryset, {"uuid": uuid})
    if obj.practice_id != client.practice_id:  # type: ignore[attr-defined]
        _deny(request, f"{obj._meta.model_name}.view", status=404, obj=obj)
    return client, obj


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
    path: str = model.client_path  # type: ignore[attr-defined]  # models of client data declare it
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


def get_requested(request: HttpRequest, queryset: models.QuerySet[M], uuid: Any) -> M:
    """A staff member's own request about a client (a record export): only
    the clinician who asked, while they still hold the client, reaches it;
    anyone else 404, like a missing one. The model has ``client`` and
    ``requested_by``. Audited."""
    user = require_clinician(request)
    obj = queryset.select_related("client").filter(uuid=uuid).first()
    if obj is None:
        raise Http404
    if obj.requested_by_id != user.pk:  # type: ignore[attr-defined]
        _deny(request, f"{obj._meta.model_name}.view", status=404, obj=obj)
    client = obj.client  # type: ignore[attr-defined]
    _check_client(request, user, client, obj, False)
    record(
        user,
        f"{obj._meta.model_name}.view",
        obj,
        request=request,
        client_uuid=client.uuid,
    )
    return obj


# --- risk alerts: the practice queue and duty access ("break the glass") ------


def _alert_models() -> tuple[Any, Any]:
    from django.apps import apps

    # Looked up by label: this module imports only accounts and clients models.
    return apps.get_model("alerts", "RiskAlert"), apps.get_model("alerts", "DutyAccess")


def covers_alerts(user: User) -> bool:
    """Supervisors, and the clinicians on duty today, look after the whole
    practice's risk alerts (the queue, and opening any alert with a reason)."""
    if not user.is_clinical:
        return False
    return user.role == User.Role.SUPERVISOR or is_on_duty(user)


def require_alert_queue(request: HttpRequest) -> tuple[User, bool]:
    """The practice risk queue: practice admins see it without clinical text
    (``clinical`` False); supervisors and today's duty clinicians with it.
    Other clinicians and clients get 403. Returns (user, clinical)."""
    user = _user(request)
    if user.is_practice_admin:
        record(user, "alert_queue.view", None, request=request)
        return user, False
    if not covers_alerts(user):
        _deny(request, "alert_queue.denied", status=403)
    record(user, "alert_queue.view", None, request=request)
    return user, True


def readable_alert_ids(user: User, alerts: list[Any]) -> set[int]:
    """Of these alerts, the ones ``user`` may read in full: clients they hold,
    clients of a clinician they cover today, or a duty access granted today.
    Three queries whatever the number."""
    if not user.is_clinical or not alerts:
        return set()
    _, duty_access = _alert_models()
    held = set(
        Client.objects.in_caseload_of(user)
        .filter(pk__in={alert.client_id for alert in alerts})
        .values_list("pk", flat=True)
    )
    granted = set(
        duty_access.objects.active()
        .filter(user=user, alert_id__in=[alert.pk for alert in alerts])
        .values_list("alert_id", flat=True)
    )
    covered = set(covered_clinician_ids(user))
    return {
        alert.pk
        for alert in alerts
        if alert.client_id in held or alert.client.clinician_id in covered
    } | granted


def _active_grant(user: User, alert: Any) -> Any:
    _, duty_access = _alert_models()
    return duty_access.objects.active().filter(user=user, alert=alert).first()


def may_acknowledge_alert(user: User, alert: Any) -> bool:
    """The primary clinician, the colleague covering them today, or a holder
    of an unexpired duty access."""
    if is_primary_clinician(user, alert.client) or covers_client(user, alert.client):
        return True
    return _active_grant(user, alert) is not None


def get_alert(request: HttpRequest, uuid: Any, *, write: bool = False) -> Any:
    """Fetch a risk alert (alerts.RiskAlert) for its page.

    Read: those who hold the client (as ``get_clinical``), the colleague
    covering the primary clinician today, or anyone with an unexpired duty
    access to this alert. Acknowledge (``write``): the primary clinician, their
    cover, or a duty access holder. Otherwise 404 (read) or 403 (write).
    Reads through a duty access are audited with {"via": "duty", "grant": …}.
    """
    user = require_clinician(request)
    risk_alert, _ = _alert_models()
    alert = (
        risk_alert.objects.select_related("client__clinician").filter(uuid=uuid).first()
    )
    if alert is None:
        raise Http404
    client = alert.client
    grant = None
    covering = False
    if not holds_client(user, client):
        covering = covers_client(user, client)
        if not covering:
            grant = _active_grant(user, alert)
            if grant is None:
                _deny(request, "riskalert.view", status=404, obj=alert)
    if write and not is_primary_clinician(user, client):
        covering = covering or covers_client(user, client)
        if not covering:
            grant = grant or _active_grant(user, alert)
            if grant is None:
                _deny(request, "riskalert.edit", status=403, obj=alert)
    if grant:
        detail: dict[str, Any] | None = {"via": "duty", "grant": str(grant.uuid)}
    else:
        detail = _via("cover" if covering else None)
    record(
        user,
        "riskalert.edit" if write else "riskalert.view",
        alert,
        request=request,
        client_uuid=client.uuid,
        detail=detail,
    )
    return alert


def get_alert_for_duty(
    request: HttpRequest, uuid: Any, *, reason: str | None = None
) -> tuple[Any, Any]:
    """Duty access to a risk alert outside one's caseload ("break the glass").

    Supervisors and today's duty clinicians of the alert's practice only
    (other clinicians 403; admins and clients 403; another practice's alert
    or a missing one 404). Without ``reason`` it returns (alert, None) for the
    reason form, which shows no clinical text. With a reason it grants access
    to this alert until the end of the practice's day and returns (alert,
    grant); the reason is kept encrypted on the grant, and the audit event
    says {"via": "duty", "grant": uuid}. The primary clinician needs no
    grant: (alert, None), and the view sends them to the alert.
    """
    from django.core.exceptions import ValidationError
    from django.db import transaction

    user = require_clinician(request)
    risk_alert, duty_access = _alert_models()
    alert = (
        risk_alert.objects.select_related("client__clinician", "client__practice")
        .filter(uuid=uuid)
        .first()
    )
    if alert is None:
        raise Http404
    client = alert.client
    if client.practice_id != user.practice_id:
        _deny(request, "riskalert.duty", status=404, obj=alert)
    if is_primary_clinician(user, client):
        return alert, None
    if not covers_alerts(user):
        _deny(request, "riskalert.duty", status=403, obj=alert)
    if reason is None:
        record(user, "riskalert.duty_prompt", alert, request=request)
        return alert, None
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason you need to open this alert.")
    with transaction.atomic():
        grant = duty_access.objects.create(
            alert=alert,
            user=user,
            reason=reason,
            expires_at=end_of_practice_day(client.practice),
        )
        record(
            user,
            "riskalert.view",
            alert,
            request=request,
            client_uuid=client.uuid,
            detail={"via": "duty", "grant": str(grant.uuid)},
        )
    return alert, grant


# --- lists and exports outside pages (FHIR search and bulk export) -------------


def clients_readable_by(user: User) -> models.QuerySet[Client]:
    """The clients whose records ``user`` may read in lists and exports (FHIR
    search, ``$everything``, bulk export): the same caseload as the pages (a
    supervisor's includes supervisees'). Cover and duty access reach alerts
    and messages only, never exported, so they add nothing here. Practice
    admins and clients: none."""
    if not user.is_active or not user.is_clinical:
        return Client.objects.none()
    return Client.objects.in_caseload_of(user)


def appointments_readable_by(
    user: User, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """Of ``queryset`` (scheduling.Appointment), those ``user`` may read, as
    ``get_appointment`` decides one: the practice admin every appointment of
    the practice; a clinician those on their calendar (a supervisor also on
    supervisees') and those of clients they hold; clients none."""
    if not user.is_active or not user.is_staff_member or user.practice_id is None:
        return queryset.none()
    in_practice = queryset.filter(client__practice_id=user.practice_id)
    if user.is_practice_admin:
        return in_practice
    calendars = [user.pk, *user.supervisee_ids()]
    return in_practice.filter(
        models.Q(clinician_id__in=calendars)
        | models.Q(client__in=clients_readable_by(user))
    )


# --- personal API tokens (alliance.accounts.tokens; docs/api.md) -------------


def get_api_token(request: HttpRequest, uuid: Any) -> Any:
    """One of the signed-in staff member's own API tokens; anyone else's is 404
    (audited), like a missing one. Clients have no tokens (403)."""
    from django.apps import apps

    user = require_staff(request)
    model = apps.get_model("accounts", "ApiToken")
    token = model.objects.filter(uuid=uuid).first()
    if token is None:
        raise Http404
    if token.user_id != user.pk:
        _deny(request, "apitoken.view", status=404, obj=token)
    return token


# --- supervision records (alliance.supervision; docs/supervision.md) ---------


def _supervision_party(
    request: HttpRequest, user: User, session: Any, write: bool
) -> None:
    """A supervision record is its supervisor's and its supervisee's: anyone
    else (another clinician, another supervisor, another practice) gets 404;
    the supervisee reads it but only the supervisor changes it (403)."""
    name = session._meta.model_name
    if user.practice_id != session.practice_id or user.pk not in (
        session.supervisor_id,
        session.supervisee_id,
    ):
        _deny(request, f"{name}.view", status=404, obj=session)
    if write and user.pk != session.supervisor_id:
        _deny(request, f"{name}.edit", status=403, obj=session)


def get_supervision_session(
    request: HttpRequest, uuid: Any, *, write: bool = False
) -> Any:
    """A supervision record (supervision.SupervisionSession) for its
    supervisor or supervisee; admins and clients get 403. The clients it
    discusses are client data: the read is audited once per client named
    (``client_uuid``), and they come back as ``session.clients_named``."""
    from django.apps import apps

    user = require_clinician(request)
    model = apps.get_model("supervision", "SupervisionSession")
    session: Any = (
        model.objects.select_related("practice", "supervisor", "supervisee")
        .filter(uuid=uuid)
        .first()
    )
    if session is None:
        raise Http404
    _supervision_party(request, user, session, write)
    clients = list(
        Client.objects.filter(supervision_discussions__session=session).order_by(
            "family_name", "given_name", "pk"
        )
    )
    session.clients_named = clients
    action = "supervisionsession.edit" if write else "supervisionsession.view"
    detail = {"clients": len(clients)}
    if not clients:
        record(user, action, session, request=request, detail=detail)
    for client in clients:
        record(
            user,
            action,
            session,
            request=request,
            client_uuid=client.uuid,
            detail=detail,
        )
    return session


def get_agreed_action(request: HttpRequest, uuid: Any) -> Any:
    """An agreed action of a supervision record, for its supervisor or its
    supervisee to tick done (both may); anyone else 404, admins and clients
    403. Holds no client data beyond its own text: audited once."""
    from django.apps import apps

    user = require_clinician(request)
    model = apps.get_model("supervision", "AgreedAction")
    action = model.objects.select_related("session__practice").filter(uuid=uuid).first()
    if action is None:
        raise Http404
    session = action.session
    if user.practice_id != session.practice_id or user.pk not in (
        session.supervisor_id,
        session.supervisee_id,
    ):
        _deny(request, "agreedaction.view", status=404, obj=action)
    record(user, "agreedaction.view", action, request=request)
    return action


# --- billing (alliance.billing; docs/billing.md) ------------------------------


def may_bill(user: User, client: Client) -> bool:
    """Who bills a client: the practice admin (every client of the practice)
    and the client's primary clinician (a solo practitioner bills their own).
    A supervisor bills only their own clients; other clinicians none."""
    if not user.is_active or client.practice_id != user.practice_id:
        return False
    return user.is_practice_admin or is_primary_clinician(user, client)


def billable_clients(user: User) -> models.QuerySet[Client]:
    """The clients whose billing ``user`` sees on the billing home page."""
    if not user.is_active or user.practice_id is None:
        return Client.objects.none()
    if user.is_practice_admin:
        return Client.objects.filter(practice_id=user.practice_id)
    if user.is_clinical:
        return Client.objects.filter(clinician=user, practice_id=user.practice_id)
    return Client.objects.none()


def get_billing_client(
    request: HttpRequest, uuid: Any, *, write: bool = False, action: str | None = None
) -> Client:
    """A client's billing (fees, invoices, payments, superbill) for those who
    may bill them (``may_bill``); anyone else on the staff 404, clients 403."""
    user = require_staff(request)
    client = (
        Client.objects.select_related("clinician", "practice").filter(uuid=uuid).first()
    )
    if client is None:
        raise Http404
    if not may_bill(user, client):
        _deny(request, "client.billing.view", status=404, obj=client)
    record(
        user,
        action or ("client.billing.edit" if write else "client.billing.view"),
        client,
        request=request,
    )
    return client


def get_billing_object(
    request: HttpRequest,
    queryset: models.QuerySet[M],
    uuid: Any,
    *,
    write: bool = False,
    action: str | None = None,
) -> M:
    """An invoice, credit note or payment (``client_path`` leads to its
    client), by the rule of ``get_billing_client``."""
    user = require_staff(request)
    model = queryset.model
    path: str = model.client_path  # type: ignore[attr-defined]  # models of client data declare it
    obj = queryset.select_related(path).filter(uuid=uuid).first()
    if obj is None:
        _refuse_if_exists(request, queryset, {"uuid": uuid})
    client: Any = obj
    for part in path.split("__"):
        client = getattr(client, part)
    name = model._meta.model_name
    if not may_bill(user, client):
        _deny(request, f"{name}.view", status=404, obj=obj)
    record(
        user,
        action or (f"{name}.edit" if write else f"{name}.view"),
        obj,
        request=request,
        client_uuid=client.uuid,
    )
    return obj
