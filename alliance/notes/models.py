"""Session records and the notes written about them.

Each held appointment gets one ``TherapySession``; it carries one
``ProgressNote`` (part of the clinical record, written in SOAP, DAP or BIRP)
and one ``ProcessNote`` (the clinician's private psychotherapy notes, kept
apart from the record and readable by their author alone, 45 CFR 164.501).
A progress note is a draft until its author signs it; after that it is
locked, and later changes are ``Addendum`` rows with their own author and time.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.core.fields import EncryptedTextField
from alliance.core.models import Sensitivity, UUIDModel
from alliance.core.urls import reverse_uuid
from alliance.scheduling.models import Appointment

SECTION_FIELDS = ("section_1", "section_2", "section_3", "section_4")

# Labels and one-line prompts per structure, in the order they are written.
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "soap": (
        ("Subjective", "What the client reported, in their words where it matters."),
        (
            "Objective",
            "What you observed: presentation, mood and affect, engagement, scores.",
        ),
        (
            "Assessment",
            "Your clinical view of today: progress, formulation, what has changed.",
        ),
        ("Plan", "What happens next: homework, focus of the next session, liaison."),
    ),
    "dap": (
        (
            "Data",
            "What the client said and what you observed, including any scores.",
        ),
        (
            "Assessment",
            "What it means: your reading of progress towards the client's goals.",
        ),
        ("Plan", "What happens next: homework, focus of the next session, liaison."),
    ),
    "birp": (
        (
            "Behaviour",
            "How the client presented and what they brought to the session.",
        ),
        ("Intervention", "What you did: the methods you used and why."),
        ("Response", "How the client responded to what you did."),
        ("Plan", "What happens next: homework, focus of the next session, liaison."),
    ),
}


class TherapySession(UUIDModel):
    """The record that a session took place: one per held appointment."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="therapy_session"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="therapy_sessions"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="therapy_sessions"
    )
    clinician = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="therapy_sessions"
    )
    held_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"Session {self.held_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse_uuid("chart:session", self.uuid)


class ProgressNoteQuerySet(models.QuerySet["ProgressNote"]):
    def unsigned(self) -> ProgressNoteQuerySet:
        return self.filter(signed_at__isnull=True)

    def for_clinician(self, user: User) -> ProgressNoteQuerySet:
        return self.filter(author=user)

    def awaiting_cosign_by(self, author_ids: list[int]) -> ProgressNoteQuerySet:
        """Signed by one of these authors and not yet co-signed: a
        supervisor's queue when they are the supervisees (the
        ``note_awaiting_cosign`` index)."""
        return self.filter(
            author_id__in=author_ids, signed_at__isnull=False, cosigned_at__isnull=True
        )


class ProgressNote(UUIDModel):
    class Structure(models.TextChoices):
        SOAP = "soap", "SOAP (Subjective, Objective, Assessment, Plan)"
        DAP = "dap", "DAP (Data, Assessment, Plan)"
        BIRP = "birp", "BIRP (Behaviour, Intervention, Response, Plan)"

    class RiskLevel(models.TextChoices):
        NONE = "none", "None identified"
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="progress_notes"
    )
    session = models.OneToOneField(
        TherapySession, on_delete=models.PROTECT, related_name="progress_note"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    structure = models.CharField(
        max_length=10, choices=Structure.choices, default=Structure.SOAP
    )
    # Section texts, labelled by the structure (see SECTIONS); DAP uses three.
    section_1 = EncryptedTextField()
    section_2 = EncryptedTextField()
    section_3 = EncryptedTextField()
    section_4 = EncryptedTextField()
    # Blank while drafting; the note cannot be signed until the check is recorded.
    # Encrypted: a copy of the database must not show who is at risk.
    risk_level = EncryptedTextField(choices=RiskLevel.choices)
    risk_notes = EncryptedTextField()
    # Optimistic locking: every saved draft increments it (see save_draft).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ProgressNoteQuerySet.as_manager()

    client_path = "episode__client"

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The supervisor home's "awaiting your co-signature" card (notes.
            # selectors.awaiting_cosign): a supervisee's oldest signed notes
            # not yet co-signed, read in order without sorting them all.
            models.Index(
                fields=["author", "signed_at", "id"],
                name="note_awaiting_cosign",
                condition=models.Q(signed_at__isnull=False, cosigned_at__isnull=True),
            ),
            # The clinician home's unsigned notes (selectors.unsigned_notes).
            models.Index(
                fields=["author", "id"],
                name="note_unsigned",
                condition=models.Q(signed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.structure_code} note, {self.session}"

    def get_absolute_url(self) -> str:
        return reverse_uuid("chart:session", self.session.uuid)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_locked(self) -> bool:
        return self.signed_at is not None

    @property
    def is_cosigned(self) -> bool:
        return self.cosigned_at is not None

    @property
    def structure_code(self) -> str:
        """ "SOAP", "DAP" or "BIRP"."""
        return self.structure.upper()

    def section_fields(self) -> tuple[str, ...]:
        return SECTION_FIELDS[: len(SECTIONS[self.structure])]

    def sections(self) -> list[tuple[str, str, str, str]]:
        """(field name, label, prompt, text) for each section of the structure."""
        return [
            (name, label, prompt, getattr(self, name))
            for name, (label, prompt) in zip(
                SECTION_FIELDS, SECTIONS[self.structure], strict=False
            )
        ]

    def signing_refusal(self) -> str | None:
        """Return why the note cannot be signed yet, or None when it can."""
        if self.is_signed:
            return "This note is already signed."
        empty = [label for _, label, _, text in self.sections() if not text.strip()]
        if empty:
            return f"Complete every section before signing: {', '.join(empty)}."
        if not self.risk_level:
            return "Record the risk check before signing."
        if self.risk_level != self.RiskLevel.NONE and not self.risk_notes.strip():
            return "Describe the risk you identified before signing."
        return None

    def sign(self, *, by: User) -> None:
        self.signed_at = timezone.now()
        self.signed_by = by
        self.save(update_fields=["signed_at", "signed_by"])

    def cosign(self, *, by: User) -> None:
        self.cosigned_at = timezone.now()
        self.cosigned_by = by
        self.save(update_fields=["cosigned_at", "cosigned_by"])


class ProcessNote(UUIDModel):
    """Psychotherapy process notes: the clinician's private working notes.

    No reverse accessor on the session (``related_name="+"``), so no page can
    reach them by walking from the record; they are fetched by author only.
    """

    session = models.OneToOneField(
        TherapySession, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    sensitivity = Sensitivity.AUTHOR_ONLY
    client_path = "session__client"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Process notes, {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("notes:process_note", args=[self.uuid])


class Addendum(UUIDModel):
    """A later addition to a signed progress note; the note itself never changes."""

    note = models.ForeignKey(
        ProgressNote, on_delete=models.PROTECT, related_name="addenda"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "note__episode__client"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum by {self.author} on {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.note.get_absolute_url()
