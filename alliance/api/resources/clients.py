"""Clients and their episodes of care (with phase moves)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from ninja import Router, Schema
from pydantic import Field

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.api.common import (
    DEFAULT_LIMIT,
    InSchema,
    audit_list,
    page,
    require_if_match,
    set_etag,
)
from alliance.api.main import require_write
from alliance.api.problems import Problem
from alliance.clients import services
from alliance.clients.models import Client, DischargeReason, Episode

router = Router(tags=["clients"])


class ClientOut(Schema):
    uuid: UUID
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: date
    email: str
    phone: str
    referral_source: str
    clinician: UUID
    created_at: datetime
    version: int


class ClientPage(Schema):
    items: list[ClientOut]
    next: str | None = Field(None, description="Cursor of the next page, if any.")


class ClientIn(InSchema):
    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field(..., min_length=1, max_length=100)
    date_of_birth: date
    preferred_name: str = Field("", max_length=100)
    pronouns: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    referral_source: Client.ReferralSource = Client.ReferralSource.SELF
    clinician: UUID | None = Field(
        None, description="The primary clinician (default: you)."
    )


class ClientPatch(InSchema):
    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    date_of_birth: date | None = None
    preferred_name: str | None = Field(None, max_length=100)
    pronouns: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    referral_source: Client.ReferralSource | None = None


def client_out(client: Client) -> dict[str, object]:
    return {
        "uuid": client.uuid,
        "given_name": client.given_name,
        "family_name": client.family_name,
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "date_of_birth": client.date_of_birth,
        "email": client.email,
        "phone": client.phone,
        "referral_source": client.referral_source,
        "clinician": client.clinician.uuid,
        "created_at": client.created_at,
        "version": client.version,
    }


@router.get(
    "/clients", response=ClientPage, url_name="client_list", summary="Your caseload"
)
def client_list(
    request: AuthenticatedRequest, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> dict[str, object]:
    """The clients you hold (a supervisor: also their supervisees'), in the
    order they were registered."""
    user = permissions.require_clinician(request)
    queryset = Client.objects.in_caseload_of(user).select_related("clinician")
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="clients")
    audit_list(request, "caseload.view", rows)
    return {"items": [client_out(c) for c in rows], "next": following}


@router.post(
    "/clients", response={201: ClientOut}, url_name="client_create", summary="Register"
)
def client_create(
    request: AuthenticatedRequest, response: HttpResponse, payload: ClientIn
):
    """Register a client; a referral episode opens with them."""
    require_write(request)
    user = permissions.require_clinician(request)
    data = payload.dict()
    chosen = data.pop("clinician")
    clinician: User | None = user
    if chosen is not None:
        clinician = User.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            uuid=chosen, practice_id=user.practice_id
        ).first()
        if clinician is None:
            raise Problem(
                422,
                "invalid",
                "Invalid request",
                "No clinician of your practice has that identifier.",
                errors=[{"field": "clinician", "message": "Unknown clinician."}],
            )
    with transaction.atomic():
        client = services.register_client(
            by=user, clinician=clinician, request=request, **data
        )
    set_etag(response, client.version)
    return 201, client_out(client)


@router.get(
    "/clients/{uuid}", response=ClientOut, url_name="client_detail", summary="A client"
)
def client_detail(request: AuthenticatedRequest, response: HttpResponse, uuid: UUID):
    """Contact and referral details. The referral reason (clinical free text) is
    not served by the API."""
    client = permissions.get_client(request, uuid)
    set_etag(response, client.version)
    return client_out(client)


@router.patch(
    "/clients/{uuid}",
    response=ClientOut,
    url_name="client_update",
    summary="Change a client's details",
)
def client_update(
    request: AuthenticatedRequest,
    response: HttpResponse,
    uuid: UUID,
    payload: ClientPatch,
):
    """Needs ``If-Match`` with the ETag last read (428 without, 412 when stale)."""
    require_write(request)
    client = permissions.get_client(request, uuid, write=True)
    require_if_match(request, client.version)
    fields = payload.dict(exclude_unset=True)
    if any(value is None for value in fields.values()):
        raise Problem(
            422,
            "invalid",
            "Invalid request",
            "A field cannot be set to null.",
            errors=[
                {"field": name, "message": "Cannot be null."}
                for name, value in fields.items()
                if value is None
            ],
        )
    with transaction.atomic():
        services.update_client(
            client, by=request.user, version=client.version, request=request, **fields
        )
    client.refresh_from_db()
    set_etag(response, client.version)
    return client_out(client)


# --- episodes -----------------------------------------------------------------


class EpisodeOut(Schema):
    uuid: UUID
    client: UUID
    clinician: UUID
    phase: str
    next_phases: list[str]
    opened_at: datetime
    closed_at: datetime | None
    discharge_reason: str
    etag: str


class EpisodePage(Schema):
    items: list[EpisodeOut]
    next: str | None = None


class MoveIn(InSchema):
    to: Episode.Phase
    reason: str = Field(..., min_length=1, max_length=2000)
    discharge: DischargeReason | Literal[""] = ""
    keep_appointments: bool = Field(
        False,
        description="Moving to aftercare with appointments still booked: keep them.",
    )


def episode_tag(episode: Episode) -> str:
    """Changes with every move (the phase and how many moves it has had)."""
    moves = getattr(episode, "move_count", None)
    if moves is None:
        moves = episode.transitions.count()
    return f"{episode.phase}.{moves}"


def episode_out(episode: Episode) -> dict[str, object]:
    return {
        "uuid": episode.uuid,
        "client": episode.client.uuid,
        "clinician": episode.clinician.uuid,
        "phase": episode.phase,
        "next_phases": list(episode.next_phases()),
        "opened_at": episode.opened_at,
        "closed_at": episode.closed_at,
        "discharge_reason": episode.discharge_reason,
        "etag": f'"{episode_tag(episode)}"',
    }


@router.get(
    "/clients/{uuid}/episodes",
    response=EpisodePage,
    url_name="episode_list",
    summary="A client's episodes of care",
)
def episode_list(
    request: AuthenticatedRequest,
    uuid: UUID,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    client = permissions.get_client(request, uuid)
    queryset = client.episodes.select_related("client", "clinician").annotate(
        move_count=Count("transitions")
    )
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="episodes")
    audit_list(request, "episode.list", rows, obj=client)
    return {"items": [episode_out(e) for e in rows], "next": following}


@router.get(
    "/episodes/{uuid}",
    response=EpisodeOut,
    url_name="episode_detail",
    summary="An episode of care",
)
def episode_detail(request: AuthenticatedRequest, response: HttpResponse, uuid: UUID):
    episode = permissions.get_episode(request, uuid)
    response["ETag"] = f'"{episode_tag(episode)}"'
    return episode_out(episode)


@router.post(
    "/episodes/{uuid}/moves",
    response=EpisodeOut,
    url_name="episode_move",
    summary="Move an episode to another phase",
)
def episode_move(
    request: AuthenticatedRequest, response: HttpResponse, uuid: UUID, payload: MoveIn
):
    """The same checks as the client page's phase form (consent before active,
    no close with unsigned notes, …). Needs ``If-Match`` with the episode's
    ETag."""
    require_write(request)
    episode = permissions.get_episode(request, uuid, write=True)
    require_if_match(request, episode_tag(episode))
    with transaction.atomic():
        services.transition_episode(
            episode,
            payload.to,
            by=request.user,
            reason=payload.reason,
            discharge=payload.discharge,
            keep_appointments=payload.keep_appointments,
            request=request,
        )
    episode = Episode.objects.select_related("client", "clinician").get(pk=episode.pk)
    response["ETag"] = f'"{episode_tag(episode)}"'
    return episode_out(episode)
