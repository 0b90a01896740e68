"""Writes about sessions and notes. Each function checks, writes and audits in
one transaction; views, the API and the demo seeder all call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import Supervision, User
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import raise_alert
from alliance.audit.services import record
from alliance.core.versioning import Conflict, save_if_current
from alliance.notes.models import (
    SECTION_FIELDS,
    Addendum,
    ProcessNote,
    ProgressNote,
    TherapySession,
)
from alliance.scheduling.models import Appointment
from alliance.scheduling.services import HOLD_WINDOW, set_status

DRAFT_FIELDS = (*SECTION_FIELDS, "risk_level", "risk_notes")
MAX_TEXT = 20_000

RISK_SEVERITY = {
    ProgressNote.RiskLevel.LOW: RiskAlert.Severity.LOW,
    ProgressNote.RiskLevel.MODERATE: RiskAlert.Severity.MEDIUM,
    ProgressNote.RiskLevel.HIGH: RiskAlert.Severity.HIGH,
}


class NoteConflict(Conflict):
    """The note changed after the editor loaded it; nothing was written.

    ``current`` is the note as now stored, so the editor can be shown the other
    text next to their own instead of losing either.
    """

    def __init__(self, current: ProgressNote | ProcessNote) -> None:
        self.current = current
        if getattr(current, "signed_at", None) is not None:
            message = (
                "This note was signed while you were editing it, so your changes "
                "were not saved. Your text is shown below: add anything that is "
                "missing as an addendum."
            )
        else:
            message = (
                "This note was saved in another window, or by someone else, after "
                "you opened it, so your changes were not saved. Compare the saved "
                "version with yours, keep what you need in your copy and save again."
            )
        super().__init__(current, message)


def start_refusal(appointment: Appointment, by: User) -> str | None:
    """Return why ``by`` cannot start a session record for this appointment, or
    None when they can."""
    if appointment.is_cancelled:
        return "This appointment was cancelled, so there is no session to record."
    if appointment.clinician_id != by.pk:
        return (
            "Only the clinician holding the appointment can start its session record."
        )
    if appointment.client.clinician_id != by.pk:
        # The note goes into the client's record, which only the primary
        # clinician writes (permissions.get_clinical with write=True).
        return (
            "Session records are kept by the client's primary clinician, "
            f"{appointment.client.clinician}."
        )
    if appointment.starts_at > timezone.now() + HOLD_WINDOW:
        return (
            "The session record can be started from 15 minutes before the "
            "appointment begins."
        )
    if TherapySession.objects.filter(appointment=appointment).exists():
        return "This appointment already has a session record."
    if appointment.client.current_episode() is None:
        return (
            "The client has no open episode of care: open one before recording "
            "a session."
        )
    return None


@transaction.atomic
def start_session(
    appointment: Appointment,
    *,
    by: User,
    structure: str,
    request: HttpRequest | None = None,
) -> TherapySession:
    """Record that the appointment was held and open its draft progress note
    (and the clinician's empty process notes)."""
    if structure not in ProgressNote.Structure.values:
        raise ValidationError("Choose SOAP, DAP or BIRP for the progress note.")
    # Lock the appointment so two clicks cannot both start a session record.
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=appointment.pk)
    )
    refusal = start_refusal(appointment, by)
    if refusal:
        raise ValidationError(refusal)
    episode = appointment.client.current_episode()
    if appointment.status != Appointment.Status.HELD:
        set_status(appointment, Appointment.Status.HELD, by=by, request=request)
    session = TherapySession.objects.create(  # type: ignore[misc]  # start_refusal refused a client without an open episode
        appointment=appointment,
        client=appointment.client,
        episode=episode,
        clinician=by,
        held_at=appointment.starts_at,
    )
    ProgressNote.objects.create(  # type: ignore[misc]  # start_refusal refused a client without an open episode
        episode=episode, session=session, author=by, structure=structure, updated_by=by
    )
    ProcessNote.objects.create(session=session, author=by)
    record(
        by, "session.start", session, request=request, detail={"structure": structure}
    )
    return session


def _clean_text(name: str, value: str) -> str:
    value = value or ""
    if len(value) > MAX_TEXT:
        raise ValidationError(
            f"Each part of a note can hold up to {MAX_TEXT:,} characters; "
            f"“{name}” is longer."
        )
    return value


@transaction.atomic
def save_draft(
    note: ProgressNote,
    *,
    by: User,
    version: int,
    request: HttpRequest | None = None,
    **fields: str,
) -> ProgressNote:
    """Save the given parts of a draft note, if it is still at ``version``.

    Raises NoteConflict when the note was saved or signed since the editor
    loaded that version: the second of two concurrent saves is refused rather
    than silently overwriting the first. Parts not passed are left as stored.
    """
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"unknown progress note fields: {sorted(unknown)}")
    if note.author_id != by.pk:
        raise ValidationError("Only the clinician who wrote this note can edit it.")
    allowed = {*note.section_fields(), "risk_level", "risk_notes"}
    for name, value in fields.items():
        if name not in allowed and (value or "").strip():
            raise ValidationError(
                f"A {note.structure_code} note has no {name.replace('_', ' ')}."
            )
    if fields.get("risk_level", "") not in ("", *ProgressNote.RiskLevel.values):
        raise ValidationError("Choose a risk level from the list.")
    labels = {name: label for name, label, _, _ in note.sections()}
    labels["risk_notes"] = "Risk details"
    cleaned = {
        name: (value if name == "risk_level" else _clean_text(labels[name], value))
        for name, value in fields.items()
        if name in allowed
    }
    # The compare-and-set is the lock (core.versioning): zero rows means
    # someone else saved (or signed) first.
    for name, value in cleaned.items():
        setattr(note, name, value)
    save_if_current(
        note,
        cleaned,
        version=version,
        by=by,
        conflict=NoteConflict,
        current=lambda: ProgressNote.objects.select_related("updated_by").get(
            pk=note.pk
        ),
        signed_at__isnull=True,
    )
    record(
        by,
        "note.save",
        note,
        request=request,
        detail={"version": note.version, "fields": sorted(cleaned)},
    )
    return note


@transaction.atomic
def sign_note(
    note: ProgressNote,
    *,
    by: User,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> ProgressNote:
    """Sign and lock the note; raise a risk alert in the same transaction when
    the risk check found any risk, so the signal cannot be dropped.

    With ``version``, refuse (NoteConflict) if the note changed since the
    signer loaded it, so nobody signs text they have not seen.
    """
    note = (
        ProgressNote.objects.select_for_update(of=("self",))
        .select_related("episode__client", "updated_by")
        .get(pk=note.pk)
    )
    if note.author_id != by.pk:
        raise ValidationError("Only the clinician who wrote this note can sign it.")
    if version is not None and note.version != version and not note.is_signed:
        raise NoteConflict(note)
    refusal = note.signing_refusal()
    if refusal:
        raise ValidationError(refusal)
    note.sign(by=by)
    record(by, "note.sign", note, request=request)
    severity = RISK_SEVERITY.get(note.risk_level)
    if severity is not None:
        raise_alert(
            note.episode.client,
            source="Session risk check",
            summary=note.risk_notes,
            episode=note.episode,
            severity=severity,
            raised_by=by,
            source_object=note,
            request=request,
        )
    return note


def supervises_author(user: User, note: ProgressNote) -> bool:
    """True when ``user`` is, today, a clinical supervisor of the note's author."""
    return (
        user.role == User.Role.SUPERVISOR
        and user.is_active
        and Supervision.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            supervisor=user,
            supervisee_id=note.author_id,
            supervisee__practice_id=user.practice_id,
            ended_at__isnull=True,
        ).exists()
    )


@transaction.atomic
def cosign_note(
    note: ProgressNote, *, by: User, request: HttpRequest | None = None
) -> ProgressNote:
    """Add the supervisor's co-signature to a signed note (once)."""
    note = (
        ProgressNote.objects.select_for_update(of=("self",))
        .select_related("episode__client", "cosigned_by")
        .get(pk=note.pk)
    )
    if not supervises_author(by, note):
        raise ValidationError(
            "Only the clinical supervisor of the note's author can co-sign it."
        )
    if not note.is_signed:
        raise ValidationError(
            "The note must be signed by its author before it can be co-signed."
        )
    if note.is_cosigned:
        raise ValidationError(
            f"This note was already co-signed by {note.cosigned_by} on "
            f"{timezone.localtime(note.cosigned_at):%d %b %Y}."
        )
    note.cosign(by=by)
    record(by, "note.cosign", note, request=request)
    return note


@transaction.atomic
def add_addendum(
    note: ProgressNote, *, by: User, text: str, request: HttpRequest | None = None
) -> Addendum:
    """Append a dated addition to a signed note; the note itself stays as signed."""
    note = ProgressNote.objects.select_related("episode__client").get(pk=note.pk)
    if not note.is_signed:
        raise ValidationError(
            "This note is still a draft: edit it directly. Addenda are for notes "
            "that are already signed."
        )
    if by.pk not in (note.author_id, note.episode.client.clinician_id):
        raise ValidationError(
            "Only the note's author or the client's primary clinician can add an "
            "addendum."
        )
    text = _clean_text("addendum", (text or "").strip())
    if not text:
        raise ValidationError("Write the addendum before saving it.")
    addendum = Addendum.objects.create(note=note, author=by, text=text)
    record(by, "addendum.add", addendum, request=request)
    return addendum


@transaction.atomic
def save_process_note(
    session: TherapySession,
    *,
    by: User,
    text: str,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> ProcessNote:
    """Save the author's private process notes for a session.

    Editable by the author at any time (they are working notes, not the
    record). With ``version``, a save from a stale window raises NoteConflict.
    """
    text = _clean_text("process notes", text or "")
    process_note = ProcessNote.objects.filter(session=session).first()
    if process_note is None:
        if session.clinician_id != by.pk:
            raise ValidationError(
                "Only the clinician who held the session can keep process notes for it."
            )
        process_note = ProcessNote.objects.create(session=session, author=by)
    if process_note.author_id != by.pk:
        raise ValidationError(
            "Process notes can be read and changed by their author only."
        )
    process_note.text = text
    save_if_current(process_note, ["text"], version=version, conflict=NoteConflict)
    record(
        by,
        "process_note.save",
        process_note,
        request=request,
        detail={"version": process_note.version},
    )
    return process_note
