"""Read-only queries for pages: the client chart's intake panel and the
questionnaire answers that pre-fill an intake. Bounded, a few queries each."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import EllipsisType

from alliance.clients.models import Client, Episode
from alliance.intake.models import (
    PREFILL,
    Intake,
    IntakeSection,
    PreIntakeRequest,
)
from alliance.intake.services import send_refusal, start_refusal

SECTION_COUNT = len(IntakeSection.Key.values)


@dataclass
class ChartIntake:
    """What the chart shows about the current episode's intake."""

    episode: Episode | None = None
    intake: Intake | None = None
    filled: int = 0
    total: int = SECTION_COUNT
    start_refusal: str | None = None
    pre_intake: PreIntakeRequest | None = None
    send_refusal: str | None = None
    proposals: list[tuple[str, str, str, str]] = field(default_factory=list)


def count_filled(intake: Intake) -> int:
    """How many sections hold something, without decrypting any text."""
    filled = IntakeSection.objects.filter(intake=intake).with_content().count()
    if intake.diagnoses.exists():
        filled += 1
    return filled


def intake_for_chart(
    client: Client, *, episode: Episode | EllipsisType | None = ...
) -> ChartIntake:
    """The intake and pre-intake questionnaire of the client's open episode.
    Four queries or fewer when the caller passes the open ``episode`` (or None,
    as the chart does, which has read it already), five otherwise."""
    if episode is ...:
        episode = client.current_episode()
    if episode is None:
        return ChartIntake()
    episode.client = client
    intake = (
        Intake.objects.filter(episode=episode).select_related("completed_by").first()
    )
    pre = (
        PreIntakeRequest.objects.filter(episode=episode)
        .select_related("sent_by")
        .first()
    )
    if pre is not None:
        pre.episode = episode
    if intake is not None:
        intake.episode = episode
    return ChartIntake(
        episode=episode,
        intake=intake,
        filled=count_filled(intake) if intake is not None else 0,
        start_refusal=start_refusal(episode, intake=None) if intake is None else None,
        pre_intake=pre,
        send_refusal=send_refusal(episode, intake=intake),
        proposals=pre.contact_proposals() if pre is not None else [],
    )


def prefill_for(
    intake: Intake,
) -> tuple[PreIntakeRequest | None, dict[str, dict[str, str]]]:
    """The episode's answered questionnaire and, per section key, the answers
    that pre-fill it: {"presenting": {"text": ..., "hopes": ...}, ...}."""
    pre = (
        PreIntakeRequest.objects.filter(
            episode_id=intake.episode_id, completed_at__isnull=False
        )
        .order_by("-completed_at")
        .first()
    )
    if pre is None:
        return None, {}
    fills: dict[str, dict[str, str]] = {}
    for answer, (key, column) in PREFILL.items():
        value = getattr(pre, answer)
        if value.strip():
            fills.setdefault(key, {})[column] = value
    return pre, fills
