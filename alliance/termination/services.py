"""Writes for the end of treatment. Each function checks, writes and audits in
one transaction; views, the episode_moved receiver and the demo call these.

Edits of the review and the summary are optimistic: the editor sends the
version it opened, and a save from a stale window is refused (``Conflict``)
with the stored text shown next to the editor's, as for notes and intakes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Client, Episode, EpisodeTransition
from alliance.core import versioning
from alliance.core.documents import next_version
from alliance.termination.models import (
    CLIENT_FIELDS,
    PLAN_FIELDS,
    PLANNED_REASONS,
    SUMMARY_FIELDS,
    UNPLANNED_REASONS,
    Ending,
    ReadinessReview,
    RelapsePreventionPlan,
    RelapsePreventionPlanVersion,
    TerminationSummary,
)
from alliance.termination.selectors import LATE_PHASES, assemble_facts, summary_prefill
from alliance.toolbox.models import CopingSkill

MAX_TEXT = 10_000


class Conflict(versioning.Conflict):
    """The review or summary was saved elsewhere after the editor opened it;
    nothing was written. ``current`` is the row as now stored."""

    def __init__(self, current: ReadinessReview | TerminationSummary) -> None:
        what = "review" if isinstance(current, ReadinessReview) else "summary"
        super().__init__(
            current,
            f"This {what} was saved in another window, or by someone else, after "
            "you opened it, so your changes were not saved. The saved version is "
            "shown; your text is kept in the form. Combine them and save again.",
        )


class Locked(ValidationError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"This {what} is locked, so your changes were not saved.", code="locked"
        )


def _text(label: str, value: object) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.")
    value = value.replace("\x00", "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationError(f"Keep {label.lower()} under {MAX_TEXT:,} characters.")
    return value


def _require_phase(episode: Episode, phases: Iterable[str], doing: str) -> None:
    if episode.phase not in phases:
        raise ValidationError(
            f"The episode is in {episode.get_phase_display().lower()}, so you "
            f"cannot {doing} now: this is done while it is in termination"
            + (" or aftercare." if Episode.Phase.AFTERCARE in phases else ".")
        )


# -- readiness review ---------------------------------------------------------------


@transaction.atomic
def open_review(
    episode: Episode,
    *,
    by: User,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> ReadinessReview:
    """The episode's open readiness review, or a new one when it has none open
    (a later stay in termination after a completed review starts a new one)."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    review = ReadinessReview.objects.filter(
        episode=episode, completed_at__isnull=True
    ).first()
    if review is not None:
        return review
    review = ReadinessReview.objects.create(
        episode=episode, opened_by=by, opened_at=at or timezone.now(), updated_by=by
    )
    record(by, "readiness_review.open", review, request=request)
    return review


def on_episode_moved(
    sender: object,
    *,
    episode: Episode,
    transition: EpisodeTransition,
    by: User,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """clients.signals.episode_moved: moving to termination opens the review."""
    if transition.to_phase == Episode.Phase.TERMINATION:
        open_review(episode, by=by, at=transition.at, request=request)


def _clean_ending(ending: str, reason: str, errors: dict[str, list[str]]) -> None:
    if ending and ending not in Ending.values:
        errors.setdefault("ending", []).append("Choose a planned or unplanned ending.")
    elif ending == Ending.UNPLANNED and reason not in UNPLANNED_REASONS:
        errors.setdefault("ending_reason", []).append(
            "Say why the ending is unplanned: for example the client dropped out, "
            "moved or was referred on."
        )
    elif ending == Ending.PLANNED and reason and reason not in PLANNED_REASONS:
        errors.setdefault("ending_reason", []).append(
            "That reason describes an unplanned ending; choose completed treatment "
            "or ended by mutual agreement, or mark the ending as unplanned."
        )
    elif not ending and reason:
        errors.setdefault("ending", []).append(
            "Say whether the ending is planned or unplanned."
        )


@transaction.atomic
def save_review(
    review: ReadinessReview,
    *,
    by: User,
    version: int,
    judgement: str = "",
    ending: str = "",
    ending_reason: str = "",
    ready_to_end: bool | None = None,
    complete: bool = False,
    request: HttpRequest | None = None,
) -> ReadinessReview:
    """Save the clinician's part of the review, and with ``complete`` keep the
    facts as they stand now and lock it. Completing needs the judgement, the
    kind of ending (with the reason when unplanned) and ready-to-end yes or no."""
    review = (
        ReadinessReview.objects.select_for_update(of=("self",))
        .select_related("episode__client")
        .get(pk=review.pk)
    )
    episode = review.episode
    episode.client.refuse_unless_primary(by, "write the readiness review")
    if review.is_completed:
        raise Locked("readiness review was completed, so it")
    _require_phase(episode, (Episode.Phase.TERMINATION,), "write the readiness review")
    errors: dict[str, list[str]] = {}
    try:
        judgement = _text("The judgement", judgement)
    except ValidationError as exc:
        errors["judgement"] = exc.messages
    ending = ending or ""
    ending_reason = ending_reason or ""
    _clean_ending(ending, ending_reason, errors)
    if ready_to_end not in (None, True, False):
        errors["ready_to_end"] = ["Answer yes or no."]
    if complete:
        if not errors.get("judgement") and not judgement:
            errors["judgement"] = ["Write your judgement before completing the review."]
        if not ending and "ending" not in errors:
            errors["ending"] = ["Say whether the ending is planned or unplanned."]
        if ready_to_end is None:
            errors["ready_to_end"] = ["Say whether the client is ready to end."]
    if errors:
        raise ValidationError(errors)
    review.judgement = judgement
    review.ending = ending
    review.ending_reason = ending_reason
    review.ready_to_end = ready_to_end
    fields = ["judgement", "ending", "ending_reason", "ready_to_end"]
    if complete:
        review.facts = assemble_facts(episode)
        review.completed_at = timezone.now()
        review.completed_by = by
        fields += ["facts", "completed_at", "completed_by"]
    versioning.save_if_current(
        review,
        fields,
        version=version,
        by=by,
        conflict=Conflict,
        completed_at__isnull=True,
    )
    record(
        by,
        "readiness_review.complete" if complete else "readiness_review.save",
        review,
        request=request,
        detail={"version": review.version, "ending": ending, "reason": ending_reason},
    )
    return review


# -- termination summary ------------------------------------------------------------


@transaction.atomic
def assemble_summary(
    episode: Episode, *, by: User, request: HttpRequest | None = None
) -> TerminationSummary:
    """Create the episode's summary from the record, both versions pre-filled.
    An episode that has one already keeps it (a second click changes nothing)."""
    episode = (
        Episode.objects.select_for_update(of=("self",))
        .select_related("client__practice")
        .get(pk=episode.pk)
    )
    existing = TerminationSummary.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    episode.client.refuse_unless_primary(by, "write the termination summary")
    _require_phase(episode, LATE_PHASES, "assemble the termination summary")
    facts = assemble_facts(episode)
    summary = TerminationSummary.objects.create(
        episode=episode,
        facts=facts,
        created_by=by,
        updated_by=by,
        **summary_prefill(episode, facts),
    )
    record(by, "termination_summary.assemble", summary, request=request)
    return summary


def _locked_summary(
    summary: TerminationSummary, by: User, doing: str
) -> TerminationSummary:
    summary = (
        TerminationSummary.objects.select_for_update(of=("self",))
        .select_related("episode__client__practice")
        .get(pk=summary.pk)
    )
    summary.episode.client.refuse_unless_primary(by, doing)
    return summary


@transaction.atomic
def save_summary(
    summary: TerminationSummary,
    *,
    by: User,
    version: int,
    request: HttpRequest | None = None,
    **sections: str,
) -> TerminationSummary:
    """Save the sections passed (others keep their text), if the summary is
    still at ``version`` and not finalised."""
    unknown = set(sections) - set(SUMMARY_FIELDS) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown summary sections: {sorted(unknown)}")
    summary = _locked_summary(summary, by, "write the termination summary")
    if summary.is_finalised:
        raise Locked("summary was finalised, so it")
    errors: dict[str, list[str]] = {}
    texts = {}
    for name, value in sections.items():
        try:
            texts[name] = _text("This section", value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    for name, value in texts.items():
        setattr(summary, name, value)
    versioning.save_if_current(
        summary,
        texts,
        version=version,
        by=by,
        conflict=Conflict,
        finalised_at__isnull=True,
    )
    record(
        by,
        "termination_summary.save",
        summary,
        request=request,
        detail={"version": summary.version, "fields": sorted(texts)},
    )
    return summary


@transaction.atomic
def refresh_summary_facts(
    summary: TerminationSummary, *, by: User, request: HttpRequest | None = None
) -> TerminationSummary:
    """Recompute the facts from the record (sessions held since assembling,
    the last scores); the written sections stay as they are."""
    summary = _locked_summary(summary, by, "write the termination summary")
    if summary.is_finalised:
        raise Locked("summary was finalised, so it")
    summary.facts = assemble_facts(summary.episode)
    summary.save(update_fields=["facts"])
    record(by, "termination_summary.refresh", summary, request=request)
    return summary


@transaction.atomic
def finalise_summary(
    summary: TerminationSummary, *, by: User, request: HttpRequest | None = None
) -> TerminationSummary:
    """Lock the summary. It needs the presenting concerns, what was done and the
    recommendations, and the client version's "what we did" and "from here"."""
    summary = _locked_summary(summary, by, "finalise the termination summary")
    if summary.is_finalised:
        raise ValidationError("This summary is already finalised.")
    missing = [
        heading
        for name, heading in (
            ("presenting_concerns", "presenting concerns"),
            ("work_done", "what was done"),
            ("recommendations", "recommendations"),
            ("client_work", "the client version's “what we did together”"),
            ("client_next", "the client version's “looking after yourself from here”"),
        )
        if not getattr(summary, name).strip()
    ]
    if missing:
        raise ValidationError(
            "Write " + ", ".join(missing) + " before finalising the summary."
        )
    summary.finalised_at = timezone.now()
    summary.finalised_by = by
    summary.save(update_fields=["finalised_at", "finalised_by"])
    record(by, "termination_summary.finalise", summary, request=request)
    return summary


@transaction.atomic
def share_summary(
    summary: TerminationSummary, *, by: User, request: HttpRequest | None = None
) -> TerminationSummary:
    """Let the client read the client version in their portal. Only a finalised
    summary is shared, so the client never sees a draft change under them."""
    summary = _locked_summary(summary, by, "share the termination summary")
    if not summary.is_finalised:
        raise ValidationError("Finalise the summary before sharing it with the client.")
    if summary.is_shared:
        return summary
    summary.shared_at = timezone.now()
    summary.shared_by = by
    summary.save(update_fields=["shared_at", "shared_by"])
    record(by, "termination_summary.share", summary, request=request)
    return summary


# -- relapse-prevention plan --------------------------------------------------------


def _validate_plan(
    number: int, reason: str, texts: dict[str, str], skills: list[Any]
) -> None:
    errors: dict[str, list[str]] = {}
    if not texts["warning_signs"]:
        errors["warning_signs"] = [
            "Write at least one early warning sign, so the client knows when to "
            "use the plan."
        ]
    if not (texts["coping_strategies"] or skills):
        errors["coping_strategies"] = [
            "Choose a skill from the client's toolbox or write at least one "
            "strategy that helps."
        ]
    if not texts["come_back"]:
        errors["come_back"] = ["Say when and how the client can come back."]
    if number > 1 and not reason:
        errors["reason"] = ["Say briefly why the plan is being revised."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_relapse_plan(
    client: Client,
    *,
    by: User,
    reason: str = "",
    skills: Iterable[CopingSkill] = (),
    based_on: int | None = None,
    request: HttpRequest | None = None,
    **sections: str,
) -> RelapsePreventionPlanVersion:
    """Save the plan as its next version (the first one creates the plan).

    ``skills`` are current skills from the client's own coping toolbox.
    ``based_on`` is the version number the editor was opened from: if someone
    saved a newer one meanwhile, nothing is written and the clinician is told.
    """
    unknown = set(sections) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown relapse-prevention plan sections: {sorted(unknown)}")
    client.refuse_unless_primary(by, "write the relapse-prevention plan")
    episode = client.current_episode()
    if episode is None:
        raise ValidationError(
            "The client's care has ended, so the plan can no longer be changed."
        )
    _require_phase(episode, LATE_PHASES, "write the relapse-prevention plan")
    errors: dict[str, list[str]] = {}
    texts = {}
    for name in PLAN_FIELDS:
        try:
            texts[name] = _text("This section", sections.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages
    try:
        reason = _text("The reason", reason)
    except ValidationError as exc:
        errors["reason"] = exc.messages
    chosen = list(skills)
    allowed = set(
        CopingSkill.objects.current().filter(client=client).values_list("pk", flat=True)
    )
    if any(skill.pk not in allowed for skill in chosen):
        errors.setdefault("skills", []).append(
            "Choose skills from the client's current toolbox only."
        )
    if errors:
        raise ValidationError(errors)
    plan, number = next_version(
        RelapsePreventionPlan,
        client=client,
        based_on=based_on,
        stale="The relapse-prevention plan was changed by someone else after you "
        "opened it. Open it again to see the newest version, then make your "
        "changes.",
    )
    _validate_plan(number, reason, texts, chosen)
    version = RelapsePreventionPlanVersion.objects.create(
        plan=plan, episode=episode, number=number, reason=reason, created_by=by, **texts
    )
    version.skills.set(chosen)
    record(
        by,
        "relapse_plan.save",
        version,
        request=request,
        client_uuid=client.uuid,
        detail={"version": number, "skills": len(chosen)},
    )
    return version
