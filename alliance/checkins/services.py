"""Writes about check-ins: ``record_checkin`` checks, saves, audits and, on a
"yes" to the safety question, raises a risk alert, all in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import raise_alert
from alliance.audit.services import record
from alliance.checkins.models import (
    FEELING_LABELS,
    FEELINGS,
    MOOD_MAX,
    MOOD_MIN,
    NOTE_MAX,
    SAFETY_QUESTION,
    CheckIn,
)
from alliance.clients.models import Client

ALERT_SOURCE = "Between-session check-in"


def clean_mood(mood: Any) -> int:
    if isinstance(mood, bool):
        mood = None
    if isinstance(mood, str) and mood.strip().isdigit():
        mood = int(mood.strip())
    if not isinstance(mood, int) or not MOOD_MIN <= mood <= MOOD_MAX:
        raise ValidationError(
            f"Choose your mood from {MOOD_MIN} (the worst) to {MOOD_MAX} (the best)."
        )
    return mood


def clean_feelings(feelings: Iterable[str] | None) -> str:
    """The chosen feelings as stored: known keys, once each, in the list's order."""
    if isinstance(feelings, str):
        feelings = [feelings]
    chosen = {str(key) for key in feelings or ()}
    if chosen - FEELING_LABELS.keys():
        raise ValidationError("Choose feelings from the list.")
    return ",".join(key for key, _ in FEELINGS if key in chosen)


def clean_note(note: str | None) -> str:
    note = (note or "").replace("\x00", "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"Keep the note to {NOTE_MAX} characters or fewer.")
    return note


def clean_safety_concern(answer: Any) -> bool:
    if not isinstance(answer, bool):
        raise ValidationError(
            "Please answer the question about thoughts of harming yourself."
        )
    return answer


def clean_submission_key(key: Any) -> uuid.UUID:
    if isinstance(key, uuid.UUID):
        return key
    try:
        return uuid.UUID(str(key or ""))
    except ValueError:
        raise ValidationError(
            "This form has expired. Please fill it in again and send it."
        ) from None


def _alert_summary(checkin: CheckIn) -> str:
    return (
        f'Answered "yes" to "{SAFETY_QUESTION}" in a between-session check-in '
        f"(mood {checkin.mood}/10). Please review the safety plan with the client."
    )


@transaction.atomic
def record_checkin(
    client: Client,
    *,
    mood: Any,
    feelings: Iterable[str] | None,
    note: str | None,
    safety_concern: Any,
    submission_key: Any,
    by: User,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> CheckIn:
    """Store the client's check-in in their open episode, or return the one
    already stored under ``submission_key`` (a resubmitted form) unchanged.

    A "yes" to the safety question raises a risk alert in this transaction, so
    the answer is never stored without its alert. A very low mood does not.
    """
    if client.user_id is None or client.user_id != by.pk:
        raise ValidationError("Only the client can check in.")
    key = clean_submission_key(submission_key)
    existing = CheckIn.objects.filter(client=client, submission_key=key).first()
    if existing is not None:
        return existing
    episode = client.current_episode()
    if episode is None:
        raise ValidationError(
            "Check-ins are open while you are in therapy. Your therapy has no open "
            "episode of care, so a new check-in cannot be saved."
        )
    checkin = CheckIn(  # type: ignore[misc]  # an EncryptedBooleanField holds a bool
        client=client,
        episode=episode,
        mood=clean_mood(mood),
        feelings=clean_feelings(feelings),
        note=clean_note(note),
        safety_concern=clean_safety_concern(safety_concern),
        submission_key=key,
        created_at=at or timezone.now(),
    )
    try:
        # A savepoint: a double tap that races this one past the lookup above
        # hits the unique key, and the stored check-in is returned instead.
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        return CheckIn.objects.get(client=client, submission_key=key)
    record(by, "checkin.create", checkin, request=request)
    if checkin.safety_concern and _adopt_unsaved_alert(client, key, checkin):
        pass  # the alert was raised when the form first came back with an error
    elif checkin.safety_concern:
        raise_alert(
            client,
            source=ALERT_SOURCE,
            summary=_alert_summary(checkin),
            episode=episode,
            raised_by=by,
            source_object=checkin,
            request=request,
        )
    return checkin


# An alert raised from a check-in form that could not be saved names the form's
# submission key until the check-in itself is stored.
UNSAVED_SOURCE_TYPE = "checkins.unsaved_checkin"


@transaction.atomic
def raise_unsaved_safety_answer(
    client: Client,
    *,
    submission_key: Any,
    by: User,
    request: HttpRequest | None = None,
) -> RiskAlert | None:
    """A "yes" to the safety question on a check-in form that was refused for
    another reason (a missing mood, say) still reaches the clinician: the
    alert is raised now, once per form (the submission key), and is taken
    over by the check-in when the client sends the form again."""
    if client.user_id is None or client.user_id != by.pk:
        raise ValidationError("Only the client can check in.")
    try:
        key = clean_submission_key(submission_key)
    except ValidationError:
        key = uuid.uuid4()
    existing = RiskAlert.objects.filter(
        client=client, source_type=UNSAVED_SOURCE_TYPE, source_uuid=key
    ).first()
    if existing is not None:
        return existing
    if CheckIn.objects.filter(client=client, submission_key=key).exists():
        return None  # already stored, with its own alert
    alert = raise_alert(
        client,
        source=ALERT_SOURCE,
        summary=(
            f'Answered "yes" to "{SAFETY_QUESTION}" in a between-session check-in '
            "that was not saved (the form came back with a question unanswered). "
            "Please review the safety plan with the client."
        ),
        episode=client.current_episode(),
        raised_by=by,
        request=request,
    )
    RiskAlert.objects.filter(pk=alert.pk).update(
        source_type=UNSAVED_SOURCE_TYPE, source_uuid=key
    )
    return alert


def _adopt_unsaved_alert(client: Client, key: uuid.UUID, checkin: CheckIn) -> bool:
    """Point an alert raised from the unsaved form at the stored check-in."""
    return bool(
        RiskAlert.objects.filter(
            client=client, source_type=UNSAVED_SOURCE_TYPE, source_uuid=key
        ).update(source_type=checkin._meta.label_lower, source_uuid=checkin.uuid)
    )
