"""The end of treatment: the readiness review, the termination summary and the
relapse-prevention plan (docs/termination.md).

- ``ReadinessReview``: opened when an episode moves to termination. While open
  its page shows the facts assembled live from the record; completing it keeps
  a snapshot of those facts (``facts``) with the clinician's judgement, the
  kind of ending and whether the client is ready to end. A second stay in
  termination reuses an open review or starts a new one.
- ``TerminationSummary``: one per episode, assembled from the record, edited by
  the clinician (optimistic ``version``), finalised (locked) and, once
  finalised, shared with the client in its plain-language client version.
- ``RelapsePreventionPlan``: one per client, written with the client; every
  save adds a ``RelapsePreventionPlanVersion`` that never changes, as the
  safety plan does. The client keeps it in the portal after care ends.

``facts`` columns hold numbers, dates, codes and labels only (scores, levels,
counts, technique names, uuids of goals): every free text stays in its own
encrypted column and is read from there when shown.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, DischargeReason, Episode
from alliance.core.documents import DocumentVersion, VersionedDocument
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.toolbox.models import CopingSkill


class Ending(models.TextChoices):
    PLANNED = "planned", "Planned ending"
    UNPLANNED = "unplanned", "Unplanned ending"


# Discharge reasons that describe each kind of ending (clients.DischargeReason).
PLANNED_REASONS = tuple(DischargeReason.planned())
UNPLANNED_REASONS = tuple(
    value for value in DischargeReason.values if value not in PLANNED_REASONS
)


class ReadinessReview(UUIDModel):
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="readiness_reviews"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    judgement = EncryptedTextField(
        help_text="Your clinical judgement of readiness to end."
    )
    ending = models.CharField(
        max_length=10, choices=Ending.choices, blank=True, default=""
    )
    # A DischargeReason: required for an unplanned ending, optional for a planned one.
    ending_reason = models.CharField(
        max_length=20, choices=DischargeReason.choices, blank=True, default=""
    )
    ready_to_end = models.BooleanField(null=True, blank=True)
    # The assembled facts as they stood at completion (see module docstring).
    facts = models.JSONField(default=dict, blank=True)
    # Optimistic locking: every save increments it.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    client_path = "episode__client"

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # At most one open review per episode, so two moves cannot race.
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(completed_at__isnull=True),
                name="termination_one_open_review_per_episode",
            )
        ]

    def __str__(self) -> str:
        return f"Readiness review opened {self.opened_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("termination:review", args=[self.episode.uuid])

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def ending_text(self) -> str:
        if not self.ending:
            return ""
        text = self.get_ending_display()
        if self.ending_reason:
            text += f": {DischargeReason(self.ending_reason).label.lower()}"
        return text


# (field, heading, prompt) of the clinician's version, in the order written.
SUMMARY_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "presenting_concerns",
        "Presenting concerns",
        "What brought the client to therapy.",
    ),
    (
        "work_done",
        "What was done",
        "Approach, techniques, number of sessions and dates.",
    ),
    (
        "outcomes_note",
        "Outcomes",
        "What the scores and goal ratings show, in your words; the table of "
        "scores is added from the record.",
    ),
    (
        "skills_learned",
        "Skills learned",
        "What the client can keep doing on their own.",
    ),
    (
        "remaining_concerns",
        "Remaining concerns",
        "What is unresolved or could return.",
    ),
    (
        "recommendations",
        "Recommendations",
        "Follow-up, onward referral, what to do if difficulties return.",
    ),
)
# The client's version: plain language, no process notes, no codes.
CLIENT_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("client_concerns", "What you came to therapy with", ""),
    ("client_work", "What we did together", ""),
    ("client_progress", "How things changed", ""),
    ("client_skills", "What you learned", ""),
    ("client_watch", "Things to keep an eye on", ""),
    ("client_next", "Looking after yourself from here", ""),
)
SUMMARY_FIELDS = tuple(name for name, _, _ in SUMMARY_SECTIONS)
CLIENT_FIELDS = tuple(name for name, _, _ in CLIENT_SECTIONS)


class TerminationSummary(UUIDModel):
    episode = models.OneToOneField(
        Episode, on_delete=models.PROTECT, related_name="termination_summary"
    )
    presenting_concerns = EncryptedTextField()
    work_done = EncryptedTextField()
    outcomes_note = EncryptedTextField()
    skills_learned = EncryptedTextField()
    remaining_concerns = EncryptedTextField()
    recommendations = EncryptedTextField()
    client_concerns = EncryptedTextField()
    client_work = EncryptedTextField()
    client_progress = EncryptedTextField()
    client_skills = EncryptedTextField()
    client_watch = EncryptedTextField()
    client_next = EncryptedTextField()
    # Facts from the record when assembled or last refreshed (module docstring).
    facts = models.JSONField(default=dict, blank=True)
    # Optimistic locking: every save increments it.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    client_path = "episode__client"

    def __str__(self) -> str:
        return f"Termination summary, {self.episode}"

    def get_absolute_url(self) -> str:
        return reverse("termination:summary", args=[self.episode.uuid])

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    def sections(self) -> list[tuple[str, str, str, str]]:
        """(field, heading, prompt, text) of the clinician's version."""
        return [(n, h, p, getattr(self, n)) for n, h, p in SUMMARY_SECTIONS]

    def client_sections(self) -> list[tuple[str, str, str, str]]:
        """(field, heading, prompt, text) of the client's version."""
        return [(n, h, p, getattr(self, n)) for n, h, p in CLIENT_SECTIONS]


# (field, heading, prompt), written for the client, who reads the same headings.
PLAN_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "warning_signs",
        "My early warning signs",
        "Changes in thoughts, feelings, sleep or behaviour that tell you old "
        "difficulties may be coming back.",
    ),
    (
        "triggers",
        "Triggers and high-risk situations",
        "Situations, times of year, events or stresses that could set things off.",
    ),
    (
        "coping_strategies",
        "What helps: my coping strategies and skills",
        "The skills and strategies that worked for you, and how to use them.",
    ),
    (
        "supports",
        "People and services that support me",
        "Who you can talk to or ask for help, with their numbers.",
    ),
    (
        "self_care",
        "My self-care routine",
        "The everyday things that keep you well: sleep, activity, food, people, "
        "time for yourself.",
    ),
    (
        "come_back",
        "When and how to come back",
        "The signs that mean it is time to get in touch again, and how.",
    ),
)
PLAN_FIELDS = tuple(name for name, _, _ in PLAN_SECTIONS)


class RelapsePreventionPlan(VersionedDocument):
    """The client's relapse-prevention plan; its content lives in its versions."""

    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="relapse_prevention_plan"
    )

    def __str__(self) -> str:
        return f"Relapse-prevention plan of {self.client}"

    def get_absolute_url(self) -> str:
        return reverse("termination:plan", args=[self.client.uuid])


class RelapsePreventionPlanVersion(DocumentVersion):
    """One saved state of the plan. Written once, never changed."""

    SECTIONS = PLAN_SECTIONS
    unchangeable = "Relapse-prevention plan versions cannot be changed."

    plan = models.ForeignKey(
        RelapsePreventionPlan, on_delete=models.PROTECT, related_name="versions"
    )
    # The episode it was written in.
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    # Lists are one item a line.
    warning_signs = EncryptedTextField()
    triggers = EncryptedTextField()
    coping_strategies = EncryptedTextField()
    supports = EncryptedTextField()
    self_care = EncryptedTextField()
    come_back = EncryptedTextField()
    # Skills from the client's coping toolbox chosen for "what helps".
    skills = models.ManyToManyField(CopingSkill, blank=True, related_name="+")

    class Meta(DocumentVersion.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="termination_plan_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Relapse-prevention plan version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("termination:plan_version", args=[self.uuid])
