"""The intake assessment of an episode of care, and the client's pre-intake
questionnaire.

Design (the simplest that keeps every free-text field encrypted and lets each
section save on its own):

- ``Intake``: one per episode; a draft until completed, then locked like a
  signed note. Later changes are ``IntakeAddendum`` rows.
- ``IntakeSection``: one row per section (``Key``, in interview order), all
  created when the intake starts. A row carries its own ``version`` for
  optimistic saves, so two sections never conflict with each other. The row
  has the union of the columns the sections need: narrative sections use
  ``text``; presenting concerns adds ``hopes``; the risk screen uses the
  structured answers, ``risk_level`` and two encrypted texts; the diagnoses
  section keeps its list in ``ProvisionalDiagnosis`` rows and uses the
  section row only for its version. ``SECTION_FIELDS`` says which columns each
  section uses; the others stay empty. One sparse table was chosen over twelve
  small tables (twelve models, migrations and forms for one behaviour) and
  over one encrypted JSON blob per section (which would hide the clinician's
  risk level from the database and lose field-level choices).
- ``PreIntakeRequest``: a one-time link the client answers before assessment;
  only the SHA-256 of its token is stored, and every answer is encrypted.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Episode
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.core.tokens import hash_token, new_token

PRE_INTAKE_DAYS = 14


class Intake(UUIDModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    episode = models.OneToOneField(
        Episode, on_delete=models.PROTECT, related_name="intake"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    client_path = "episode__client"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Intake, episode opened {self.episode.opened_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("intake:detail", args=[self.uuid])

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class IntakeSectionQuerySet(models.QuerySet["IntakeSection"]):
    def with_content(self) -> IntakeSectionQuerySet:
        """Sections with anything written in them, judged on the stored column
        (an empty text is stored as "", never encrypted), so nothing is decrypted.
        The diagnoses section is judged by its rows, not here."""
        return self.exclude(
            text="", hopes="", history="", protective_factors="", risk_level=""
        )


class IntakeSection(UUIDModel):
    class Key(models.TextChoices):
        PRESENTING = "presenting", "Presenting concerns"
        HISTORY = "history", "History of the concern"
        PREVIOUS_TREATMENT = "previous_treatment", "Previous treatment"
        MEDICAL = "medical", "Medical and medication notes"
        SUBSTANCE_USE = "substance_use", "Substance use"
        FAMILY_SOCIAL = "family_social", "Family and social context"
        WORK_STUDY = "work_study", "Work or study"
        STRENGTHS = "strengths", "Strengths and supports"
        RISK = "risk", "Risk screen"
        MENTAL_STATUS = "mental_status", "Mental status observations"
        FORMULATION = "formulation", "Working formulation"
        DIAGNOSES = "diagnoses", "Provisional diagnoses"

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNSURE = "unsure", "Unsure"

    # No "not assessed": the risk screen cannot be saved without a judgement.
    class RiskLevel(models.TextChoices):
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    intake = models.ForeignKey(
        Intake, on_delete=models.PROTECT, related_name="sections"
    )
    key = models.CharField(max_length=20, choices=Key.choices)
    text = EncryptedTextField()
    hopes = EncryptedTextField()
    # The risk answers and judgement are encrypted like the texts: a copy of
    # the database must not show who is at risk (docs/decisions/0004).
    current_self_harm_thoughts = EncryptedTextField(choices=Answer.choices)
    current_harm_to_others_thoughts = EncryptedTextField(choices=Answer.choices)
    history = EncryptedTextField()
    protective_factors = EncryptedTextField()
    risk_level = EncryptedTextField(choices=RiskLevel.choices)
    # Optimistic locking: every save increments it (see services.save_section).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = IntakeSectionQuerySet.as_manager()

    client_path = "intake__episode__client"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "key"], name="one_intake_section_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.get_key_display()

    def get_absolute_url(self) -> str:
        return f"{self.intake.get_absolute_url()}#section-{self.key}"

    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in SECTION_FIELDS[self.key])

    def is_empty(self) -> bool:
        """True when none of the section's own fields hold anything (the
        diagnoses section: when it lists no diagnosis)."""
        if self.key == self.Key.DIAGNOSES:
            return not self.intake.diagnoses.exists()
        return not any(str(getattr(self, name)).strip() for name in self.field_names())


# The columns each section uses, with the label and prompt the clinician sees.
SECTION_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    IntakeSection.Key.PRESENTING: (
        (
            "text",
            "In the client's words",
            "What brings them now, as they put it; quote them where you can.",
        ),
        (
            "hopes",
            "What the client hopes to get from therapy",
            "Their goals, and what would tell them therapy has helped.",
        ),
    ),
    IntakeSection.Key.HISTORY: (
        (
            "text",
            "History of the concern",
            "Onset, course, triggers, what makes it better or worse, earlier episodes.",
        ),
    ),
    IntakeSection.Key.PREVIOUS_TREATMENT: (
        (
            "text",
            "Previous treatment",
            "Earlier therapy, counselling or psychiatric care: when, what kind, "
            "what helped and what did not.",
        ),
    ),
    IntakeSection.Key.MEDICAL: (
        (
            "text",
            "Medical and medication notes",
            "Physical health, current medication and dose, prescriber, recent "
            "changes, allergies.",
        ),
    ),
    IntakeSection.Key.SUBSTANCE_USE: (
        (
            "text",
            "Substance use",
            "Alcohol, drugs, tobacco, gambling: how much, how often, and any link "
            "to the concern.",
        ),
    ),
    IntakeSection.Key.FAMILY_SOCIAL: (
        (
            "text",
            "Family and social context",
            "Family, relationships, living situation, culture and faith, friends "
            "and community.",
        ),
    ),
    IntakeSection.Key.WORK_STUDY: (
        (
            "text",
            "Work or study",
            "Current work or study, pressures, money, and how the concern affects "
            "day-to-day functioning.",
        ),
    ),
    IntakeSection.Key.STRENGTHS: (
        (
            "text",
            "Strengths and supports",
            "What the client is good at, what keeps them going, people and "
            "resources they can draw on.",
        ),
    ),
    IntakeSection.Key.RISK: (
        (
            "current_self_harm_thoughts",
            "Current thoughts of self-harm or suicide",
            "As the client describes them today.",
        ),
        (
            "current_harm_to_others_thoughts",
            "Current thoughts of harming others",
            "As the client describes them today.",
        ),
        (
            "history",
            "History of self-harm, suicide attempts or harm to others",
            "When, what happened, and what help followed.",
        ),
        (
            "protective_factors",
            "Protective factors",
            "Reasons for living, people, commitments, beliefs, plans for the future.",
        ),
        (
            "risk_level",
            "Your judgement of current risk",
            "Required. A moderate or high level, or any current thoughts of "
            "self-harm or of harming others, raises a risk alert when you save.",
        ),
    ),
    IntakeSection.Key.MENTAL_STATUS: (
        (
            "text",
            "Mental status observations",
            "Appearance, behaviour, speech, mood and affect, thought form and "
            "content, perception, cognition, insight and judgement.",
        ),
    ),
    IntakeSection.Key.FORMULATION: (
        (
            "text",
            "Working formulation",
            "Your working understanding: predisposing, precipitating, perpetuating "
            "and protective factors, and how they link.",
        ),
    ),
    # The list of ProvisionalDiagnosis rows; the section row holds the version.
    IntakeSection.Key.DIAGNOSES: (),
}

CHOICE_FIELDS = (
    "current_self_harm_thoughts",
    "current_harm_to_others_thoughts",
    "risk_level",
)

# ICD-10-CM: a letter, a digit, a digit or letter (C4A, M1A exist), then an
# optional dot and 1-4 letters or digits. ICD-11 stem codes run from 1A00.00
# to ZZ9Z.ZZ: the second character is a letter, the third a digit, and the
# letters I and O are never used. Shapes only: no code list is bundled.
ICD10CM_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
ICD11_SHAPE = re.compile(
    r"^[1-9A-HJ-NP-Z][A-HJ-NP-Z][0-9][0-9A-HJ-NP-Z](\.[0-9A-HJ-NP-Z]{1,2})?$"
)


class ProvisionalDiagnosis(UUIDModel):
    """A working diagnosis in the clinician's words, with an optional code.

    The code is stored in the clear (it is a classification, not free text, and
    reports may need to count it); the description is encrypted.
    """

    class CodeSystem(models.TextChoices):
        NONE = "", "No code"
        ICD10CM = "icd10cm", "ICD-10-CM"
        ICD11 = "icd11", "ICD-11"

    intake = models.ForeignKey(
        Intake, on_delete=models.PROTECT, related_name="diagnoses"
    )
    position = models.PositiveSmallIntegerField(default=0)
    description = EncryptedTextField()
    code_system = models.CharField(
        max_length=10, choices=CodeSystem.choices, blank=True, default=""
    )
    code = models.CharField(max_length=16, blank=True, default="")

    client_path = "intake__episode__client"

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "provisional diagnoses"

    def __str__(self) -> str:
        return f"Provisional diagnosis {self.position + 1}"

    @staticmethod
    def code_refusal(code_system: str, code: str) -> str | None:
        """Return why the code is not shaped like one of its system, or None."""
        if code_system == ProvisionalDiagnosis.CodeSystem.ICD10CM and not (
            ICD10CM_SHAPE.match(code)
        ):
            return (
                f"“{code}” is not shaped like an ICD-10-CM code: a letter, a digit "
                "and a digit or letter, then optionally a dot and up to four "
                "letters or digits (for example F32.1 or F41.1)."
            )
        if code_system == ProvisionalDiagnosis.CodeSystem.ICD11 and not (
            ICD11_SHAPE.match(code)
        ):
            return (
                f"“{code}” is not shaped like an ICD-11 code: four characters such "
                "as 6A70, optionally followed by a dot and one or two more (for "
                "example 6A70.1)."
            )
        return None

    @staticmethod
    def normalise_code(code_system: str, code: str) -> str:
        """Upper-case, and give ICD-10-CM codes their dot (F321 → F32.1)."""
        code = code.strip().upper()
        if (
            code_system == ProvisionalDiagnosis.CodeSystem.ICD10CM
            and len(code) > 3
            and "." not in code
        ):
            code = f"{code[:3]}.{code[3:]}"
        return code


class IntakeAddendum(UUIDModel):
    """A later addition to a completed intake; the intake itself never changes."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "intake__episode__client"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "intake addenda"

    def __str__(self) -> str:
        return f"Intake addendum by {self.author} on {self.created_at:%Y-%m-%d}"


# Questionnaire answers → (intake section, column) they pre-fill.
PREFILL: dict[str, tuple[str, str]] = {
    "what_brings_you": (IntakeSection.Key.PRESENTING, "text"),
    "hopes": (IntakeSection.Key.PRESENTING, "hopes"),
    "prior_therapy": (IntakeSection.Key.PREVIOUS_TREATMENT, "text"),
    "current_supports": (IntakeSection.Key.STRENGTHS, "text"),
}

# Contact details the client may propose, with the Client field each updates.
CONTACT_FIELDS: tuple[tuple[str, str], ...] = (
    ("email", "Email"),
    ("phone", "Phone"),
    ("address", "Address"),
    ("emergency_contact_name", "Emergency contact"),
    ("emergency_contact_relationship", "Emergency contact's relationship"),
    ("emergency_contact_phone", "Emergency contact's phone"),
)


class PreIntakeRequestQuerySet(models.QuerySet["PreIntakeRequest"]):
    def pending(self) -> PreIntakeRequestQuerySet:
        return self.filter(
            completed_at__isnull=True,
            replaced_at__isnull=True,
            expires_at__gt=timezone.now(),
        )


class PreIntakeRequest(UUIDModel):
    """The client's pre-intake questionnaire: a one-time link and its answers."""

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="pre_intake_requests"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    # Set when a newer link was sent; the old one stops working.
    replaced_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    what_brings_you = EncryptedTextField()
    hopes = EncryptedTextField()
    prior_therapy = EncryptedTextField()
    current_supports = EncryptedTextField()
    contact_unchanged = models.BooleanField(default=False)
    email = EncryptedTextField()
    phone = EncryptedTextField()
    address = EncryptedTextField()
    emergency_contact_name = EncryptedTextField()
    emergency_contact_relationship = EncryptedTextField()
    emergency_contact_phone = EncryptedTextField()
    contact_reviewed_at = models.DateTimeField(null=True, blank=True)
    contact_reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PreIntakeRequestQuerySet.as_manager()

    client_path = "episode__client"

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Pre-intake questionnaire sent {self.sent_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.episode.client.get_absolute_url()

    hash_token = staticmethod(hash_token)
    new_token = staticmethod(new_token)

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=PRE_INTAKE_DAYS)

    @property
    def status(self) -> str:
        """ "completed", "replaced", "expired" or "pending"."""
        if self.completed_at:
            return "completed"
        if self.replaced_at:
            return "replaced"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    def contact_proposals(self) -> list[tuple[str, str, str, str]]:
        """(field, label, held now, proposed) for each contact detail the client
        entered that differs from the client's record; empty once reviewed."""
        if not self.completed_at or self.contact_reviewed_at:
            return []
        client = self.episode.client
        proposals = []
        for name, label in CONTACT_FIELDS:
            proposed = getattr(self, name).strip()
            held = getattr(client, name) or ""
            if not proposed:
                continue
            if name == "email":
                if proposed.lower() == held.strip().lower():
                    continue
            elif proposed == held.strip():
                continue
            proposals.append((name, label, held, proposed))
        return proposals
