"""Writes about homework. Each function checks, writes and audits in one
transaction; views and the demo seeder call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Episode
from alliance.homework.models import HomeworkAssignment, HomeworkEntry
from alliance.homework.templates_catalog import clean_draft, get_template, validate
from alliance.techniques.library import get_technique

MAX_TITLE = 200
MAX_TEXT = 5_000


class EntryConflict(ValidationError):
    """The entry was saved elsewhere (another tab or device) after this form
    loaded it; nothing was written. ``current`` is the stored entry."""

    def __init__(self, current: HomeworkEntry) -> None:
        self.current = current
        if current.is_submitted:
            message = "This homework was already sent to your clinician."
        else:
            message = (
                "These answers were saved from another window or device after you "
                "opened this page, so this copy was not saved. Reload the page to "
                "see the saved answers."
            )
        super().__init__(message, code="conflict")


def client_today(assignment: HomeworkAssignment | Episode) -> date:
    return assignment.client.practice.today()


def _require_client(assignment: HomeworkAssignment, by: User) -> None:
    if assignment.client.user_id is None or assignment.client.user_id != by.pk:
        raise ValidationError("Only the client can fill in their homework.")


def assign_refusal(episode: Episode) -> str | None:
    """Why no homework can be set in this episode now, or None."""
    if not episode.is_open:
        return "This episode of care is closed, so no new homework."
    if episode.treatment_ended:
        return (
            "Treatment has ended (the episode is in aftercare), so no new homework. "
            "To set homework, re-open treatment first."
        )
    return None


@transaction.atomic
def assign_homework(
    episode: Episode,
    *,
    by: User,
    template: str,
    title: str,
    instructions: str,
    technique: str = "",
    due_date: date | None = None,
    recurrence: str = HomeworkAssignment.Recurrence.NONE,
    weekdays: Iterable[int] = (),
    reminder: bool = False,
    request: HttpRequest | None = None,
) -> HomeworkAssignment:
    """Set homework for the client of an open episode."""
    episode.client.refuse_unless_primary(by, "assign homework")
    # Read the phase under the episode's lock: a move to aftercare or closed
    # running now ends homework, so none may slip in beside it.
    episode.phase = (
        Episode.objects.select_for_update().values_list("phase", flat=True)
    ).get(pk=episode.pk)
    refusal = assign_refusal(episode)
    if refusal:
        raise ValidationError(refusal)
    chosen = get_template(template)
    title = (title or "").strip() or chosen.label
    if len(title) > MAX_TITLE:
        raise ValidationError(f"Keep the title under {MAX_TITLE} characters.")
    instructions = (instructions or "").strip()
    if not instructions:
        raise ValidationError("Write the instructions in plain words for the client.")
    if len(instructions) > MAX_TEXT:
        raise ValidationError(f"Keep the instructions under {MAX_TEXT} characters.")
    if technique:
        try:
            get_technique(technique)
        except KeyError:
            raise ValidationError("Choose a technique from the library.") from None
    if recurrence not in HomeworkAssignment.Recurrence.values:
        raise ValidationError("Choose how often the homework is due.")
    days = sorted(set(weekdays))
    if any(d not in range(7) for d in days):
        raise ValidationError("Choose days of the week from the list.")
    today = client_today(episode)
    if recurrence == HomeworkAssignment.Recurrence.NONE:
        if due_date is None:
            raise ValidationError("Give a due date, or choose how often it repeats.")
        if due_date < today:
            raise ValidationError("The due date has already passed.")
    elif recurrence == HomeworkAssignment.Recurrence.WEEKDAYS and not days:
        raise ValidationError("Choose at least one day of the week.")
    if recurrence != HomeworkAssignment.Recurrence.WEEKDAYS:
        days = []
    assignment = HomeworkAssignment.objects.create(
        episode=episode,
        client=episode.client,
        template=template,
        title=title,
        instructions=instructions,
        technique=technique,
        starts_on=today,
        due_date=due_date if recurrence == HomeworkAssignment.Recurrence.NONE else None,
        recurrence=recurrence,
        weekdays=",".join(str(d) for d in days),
        reminder=reminder,
        created_by=by,
    )
    record(by, "homework.assign", assignment, request=request)
    return assignment


@transaction.atomic
def end_assignment(
    assignment: HomeworkAssignment, *, by: User, request: HttpRequest | None = None
) -> HomeworkAssignment:
    """Stop the homework: no further occurrences after today."""
    assignment.episode.client.refuse_unless_primary(by, "end homework")
    if not assignment.is_active:
        return assignment
    assignment.status = HomeworkAssignment.Status.ENDED
    assignment.ended_on = client_today(assignment)
    assignment.save(update_fields=["status", "ended_on"])
    record(by, "homework.end", assignment, request=request)
    return assignment


@transaction.atomic
def end_with_treatment(
    episode: Episode,
    *,
    by: User,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> list[HomeworkAssignment]:
    """End the episode's open homework because treatment ended (aftercare or
    closed) ``on`` that day (the client's today by default): kept in the
    history as "ended with treatment", nothing further falls due and no
    reminder mentions it."""
    today = on or client_today(episode)
    ended = list(
        HomeworkAssignment.objects.select_for_update().filter(
            episode=episode, status=HomeworkAssignment.Status.ACTIVE
        )
    )
    for assignment in ended:
        assignment.status = HomeworkAssignment.Status.TREATMENT_ENDED
        assignment.ended_on = today
        assignment.save(update_fields=["status", "ended_on"])
        record(
            by,
            "homework.end",
            assignment,
            request=request,
            detail={"reason": "treatment_ended"},
        )
    return ended


def on_episode_moved(
    sender: object,
    *,
    episode: Episode,
    transition: Any,
    by: User,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """``clients.signals.episode_moved`` receiver, inside the move's
    transaction: entering aftercare or closing ends the open homework."""
    if transition.to_phase in Episode.ENDED_PHASES:
        on = min(episode.client.practice.today(transition.at), client_today(episode))
        end_with_treatment(episode, by=by, on=on, request=request)


def _open_entry(
    assignment: HomeworkAssignment, for_date: date, by: User
) -> HomeworkEntry:
    _require_client(assignment, by)
    today = client_today(assignment)
    if not assignment.is_occurrence(for_date, today):
        raise ValidationError("This homework is not due on that day.")
    if not assignment.is_active and (
        assignment.ended_on is None or for_date > assignment.ended_on
    ):
        raise ValidationError("Your clinician has ended this homework.")
    # At most one entry per occurrence (unique constraint); get_or_create
    # re-reads the row if a concurrent request created it first.
    entry, _ = HomeworkEntry.objects.get_or_create(
        assignment=assignment, for_date=for_date
    )
    return entry


@transaction.atomic
def save_entry_draft(
    assignment: HomeworkAssignment,
    for_date: date,
    answers: dict[str, Any],
    *,
    by: User,
    version: int,
    request: HttpRequest | None = None,
) -> HomeworkEntry:
    """Save a draft if it is still at ``version`` (0 before the first save).

    Every valid answer is kept; an invalid one is left out and described in
    ``entry.not_saved`` (one message per answer), so the client can fix it
    without losing what they typed elsewhere. Sending still checks all.
    Raises EntryConflict when it was saved elsewhere or already submitted.
    """
    entry = _open_entry(assignment, for_date, by)
    cleaned, not_saved = clean_draft(assignment.template, answers)
    # Compare-and-set: one atomic UPDATE, so two racing saves cannot both win.
    claimed = HomeworkEntry.objects.filter(
        pk=entry.pk, version=version, status=HomeworkEntry.Status.DRAFT
    ).update(version=version + 1)
    if not claimed:
        raise EntryConflict(HomeworkEntry.objects.get(pk=entry.pk))
    entry.version = version + 1
    entry.answers = cleaned
    entry.updated_at = timezone.now()
    entry.save(update_fields=["answers_json", "updated_at"])
    record(by, "homework_entry.save_draft", entry, request=request)
    entry.not_saved = not_saved
    return entry


@transaction.atomic
def submit_entry(
    assignment: HomeworkAssignment,
    for_date: date,
    answers: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> HomeworkEntry:
    """Send the answers to the clinician. Sending again changes nothing: the
    stored entry is returned as it is."""
    entry = _open_entry(assignment, for_date, by)
    if entry.is_submitted:
        return entry
    cleaned = validate(assignment.template, answers, partial=False)
    claimed = HomeworkEntry.objects.filter(
        pk=entry.pk, status=HomeworkEntry.Status.DRAFT
    ).update(
        status=HomeworkEntry.Status.SUBMITTED,
        version=entry.version + 1,
        submitted_at=timezone.now(),
    )
    if not claimed:
        return HomeworkEntry.objects.get(pk=entry.pk)
    entry.refresh_from_db(fields=["status", "version", "submitted_at"])
    entry.answers = cleaned
    entry.updated_at = timezone.now()
    entry.save(update_fields=["answers_json", "updated_at"])
    record(by, "homework_entry.submit", entry, request=request)
    return entry


@transaction.atomic
def comment_on_entry(
    entry: HomeworkEntry,
    *,
    by: User,
    comment: str,
    request: HttpRequest | None = None,
) -> HomeworkEntry:
    """Write (or replace) the clinician's comment on a submitted entry."""
    entry.assignment.episode.client.refuse_unless_primary(by, "comment on homework")
    if not entry.is_submitted:
        raise ValidationError("You can comment once the client has sent this entry.")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Write a comment before saving.")
    if len(comment) > MAX_TEXT:
        raise ValidationError(f"Keep the comment under {MAX_TEXT} characters.")
    entry.comment = comment
    entry.commented_by = by
    entry.commented_at = timezone.now()
    entry.save(update_fields=["comment", "commented_by", "commented_at"])
    record(by, "homework_entry.comment", entry, request=request)
    return entry
