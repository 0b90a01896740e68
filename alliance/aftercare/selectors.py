"""Read-only queries for aftercare pages: the chart card and the clinician's
aftercare page, the portal card and list, the clinician's home list of booster
requests, and the reminder digest. Each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import EllipsisType
from typing import Any

from django.db.models import QuerySet

from alliance.accounts.models import User
from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.clients.models import Client, Episode
from alliance.core.prepared import first_of, prepared
from alliance.measures.change import DETERIORATION, IMPROVEMENT, NO_CHANGE
from alliance.measures.models import Administration

CHART_LIMIT = 24
HOME_LIMIT = 50
CATEGORY_LABELS = {
    IMPROVEMENT: "reliable improvement",
    NO_CHANGE: "no reliable change",
    DETERIORATION: "reliable deterioration",
}
_SEALED_FOLLOWUP = ("answers",)
_SEALED_BOOSTER = ("note", "response")


@dataclass
class BoosterRow:
    booster: BoosterRequest
    can_reopen: bool = False
    can_start_new: bool = False


@dataclass
class FollowUpRow:
    followup: FollowUp
    measures: list[dict[str, Any]] = field(default_factory=list)


def _rows(followups: list[FollowUp]) -> list[FollowUpRow]:
    rows = []
    for followup in followups:
        measures = []
        for m in followup.result.get("measures", []):
            measures.append(
                {**m, "category_label": CATEGORY_LABELS.get(m.get("category"), "")}
            )
        rows.append(FollowUpRow(followup, measures))
    return rows


@dataclass
class ChartAftercare:
    """The chart's aftercare card: follow-ups (latest period first) with their
    results, pending booster sessions with what the clinician can do, and the
    last few answered ones."""

    client: Client
    followups: list[FollowUpRow]
    pending: list[BoosterRow]
    answered: list[BoosterRequest]

    @property
    def next_due(self) -> FollowUp | None:
        upcoming = [
            r.followup for r in self.followups if r.followup.status in FollowUp.PENDING
        ]
        return min(upcoming, key=lambda f: f.due_on) if upcoming else None


def chart_aftercare(
    episode_or_client: Episode | Client | None, *, with_answers: bool = False
) -> ChartAftercare | None:
    """Follow-ups and booster requests of one episode, or of all a client's
    episodes; None when there are none. ``with_answers`` also reads the
    client's answers and notes (the aftercare page). Four queries."""
    if episode_or_client is None:
        return None
    if isinstance(episode_or_client, Episode):
        client = episode_or_client.client
        scope: dict[str, Any] = {"episode": episode_or_client}
    else:
        client = episode_or_client
        scope = {"client": client}
    followups = FollowUp.objects.filter(**scope).order_by(
        "-aftercare_from", "due_on", "id"
    )
    boosters = BoosterRequest.objects.filter(**scope).select_related(
        "episode", "responded_by", "new_episode", "followup"
    )
    if not with_answers:
        followups = followups.defer(*_SEALED_FOLLOWUP)
        boosters = boosters.defer(*_SEALED_BOOSTER)
    followup_list = list(followups[:CHART_LIMIT])
    booster_list = list(boosters[:CHART_LIMIT])
    if not followup_list and not booster_list:
        return None
    has_open_episode = Episode.objects.filter(client=client).open().exists()
    pending = [
        BoosterRow(
            b,
            can_reopen=b.episode.phase == Episode.Phase.AFTERCARE,
            can_start_new=not b.episode.is_open and not has_open_episode,
        )
        for b in booster_list
        if b.is_pending
    ]
    answered = [b for b in booster_list if not b.is_pending][:5]
    return ChartAftercare(client, _rows(followup_list), pending, answered)


@dataclass
class PortalAftercare:
    """The portal home's aftercare card."""

    open: list[FollowUp]
    upcoming: FollowUp | None
    booster: BoosterRequest | None
    can_request: bool


@prepared
def _pending_followups(client_id: int) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(client_id=client_id, status__in=FollowUp.PENDING)
        .defer(*_SEALED_FOLLOWUP)
        .order_by("due_on", "id")[:CHART_LIMIT]
    )


@prepared
def _pending_booster(client_id: int) -> QuerySet[BoosterRequest]:
    return first_of(
        BoosterRequest.objects.filter(
            client_id=client_id, status__in=BoosterRequest.PENDING
        ).defer(*_SEALED_BOOSTER)
    )


def portal_aftercare(
    client: Client, *, episode: Episode | EllipsisType | None = ...
) -> PortalAftercare | None:
    """Open check-ins, the next one, a pending booster session and whether one
    can be asked for; None when aftercare has nothing to show. Three queries,
    two when the caller passes the client's current ``episode`` (or None)."""
    followups = _pending_followups(client.pk)
    booster = _pending_booster.first(client.pk)
    if episode is ...:
        episode = client.current_episode()
    in_aftercare = episode is not None and episode.phase == Episode.Phase.AFTERCARE
    if not followups and booster is None and not in_aftercare:
        return None
    open_ = [f for f in followups if f.is_open]
    upcoming = next(
        (f for f in followups if f.status == FollowUp.Status.SCHEDULED), None
    )
    can_request = (booster is None and in_aftercare) or (
        booster is not None
        and booster.status == BoosterRequest.Status.OFFERED
        and episode is not None
    )
    return PortalAftercare(open_, upcoming, booster, can_request)


def client_followups(client: Client) -> list[FollowUp]:
    """The client's own follow-ups for the portal list, cancelled ones left
    out, latest period first."""
    return list(
        FollowUp.objects.filter(client=client)
        .exclude(status=FollowUp.Status.CANCELLED)
        .defer(*_SEALED_FOLLOWUP)
        .order_by("-aftercare_from", "due_on", "id")[:CHART_LIMIT]
    )


def followup_questionnaires(followup: FollowUp) -> list[Administration]:
    """The portal questionnaires the follow-up opened, answers left sealed."""
    return list(
        followup.administrations.defer("answers", "correction_reason").order_by("id")
    )


def due_followups(client: Client, *, now: datetime | None = None) -> list[FollowUp]:
    """Open follow-ups whose four questions wait for the client: the reminder
    digest's provider (``core.periodic.register_digest_items``). Their
    questionnaires are counted with the client's other portal drafts."""
    return list(
        FollowUp.objects.filter(
            client=client, status=FollowUp.Status.OPEN, answered_at__isnull=True
        )
        .defer(*_SEALED_FOLLOWUP)
        .order_by("due_on", "id")
    )


def open_booster_requests(user: User) -> list[BoosterRequest]:
    """Booster sessions asked for by the clients whose primary clinician is
    ``user``, oldest first, at most 50, with clients and episodes loaded."""
    return _requested_boosters(user.pk, user.practice_id)


@prepared
def _requested_boosters(
    clinician_id: int, practice_id: int | None
) -> QuerySet[BoosterRequest]:
    return (
        BoosterRequest.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            status=BoosterRequest.Status.REQUESTED,
            client__clinician_id=clinician_id,
            client__practice_id=practice_id,
        )
        .select_related("client", "episode")
        # What the card shows: the client's name and link, the date, the
        # episode's phase (aftercare/_home_boosters.html).
        .only(
            "requested_at",
            "status",
            "episode__phase",
            *Client.listing_fields("client"),
        )
        .order_by("requested_at", "id")[:HOME_LIMIT]
    )
