"""The client's coping toolbox: skills they have learned, each in their own
words, with a log of when they practised it and how much it helped.

A skill comes from the technique library (added by the clinician) or is the
client's own. Nothing is deleted: a skill the client no longer wants is
archived and its practice log stays. The toolbox stays with the client after
therapy ends (a portal keepsake).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.techniques.library import Technique, get_technique

HELPFULNESS_MAX = 10


class CopingSkillQuerySet(models.QuerySet["CopingSkill"]):
    def current(self) -> CopingSkillQuerySet:
        """Skills still in the toolbox (not archived)."""
        return self.filter(archived_at__isnull=True)


class CopingSkill(UUIDModel):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="coping_skills"
    )
    # Slug in the technique library; blank for the client's own skill.
    technique = models.SlugField(max_length=100, blank=True, default="")
    # Encrypted: written by the clinician or the client ("Call the crisis line
    # when..."); never sorted or filtered by the database.
    title = EncryptedTextField()
    # The client's own words: how the skill helps them and when to use it.
    client_notes = EncryptedTextField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock for edits (core.versioning.save_if_current).
    version = models.PositiveIntegerField(default=1, editable=False)
    conflict_label = "The notes on this skill"
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CopingSkillQuerySet.as_manager()

    client_path = "client"

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            # One current skill per library technique, so a second click or a
            # second device cannot add it twice.
            models.UniqueConstraint(
                fields=["client", "technique"],
                condition=Q(archived_at__isnull=True) & ~Q(technique=""),
                name="toolbox_one_current_skill_per_technique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("toolbox:client", args=[self.client.uuid])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def from_library(self) -> bool:
        return bool(self.technique)

    def library_entry(self) -> Technique | None:
        """The library's technique, or None for the client's own skill or a
        technique the practice has since removed from its library."""
        if not self.technique:
            return None
        try:
            return get_technique(self.technique)
        except KeyError:
            return None


class SkillPractice(UUIDModel):
    """One time the client practised a skill, and how much it helped."""

    skill = models.ForeignKey(
        CopingSkill, on_delete=models.PROTECT, related_name="practices"
    )
    practised_on = models.DateField()
    # 0 = did not help at all, 10 = helped a great deal; optional.
    helpfulness = models.PositiveSmallIntegerField(null=True, blank=True)
    note = EncryptedTextField()
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Sent with each form: the same form sent twice finds this row again.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    client_path = "skill__client"

    class Meta:
        ordering = ["-practised_on", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "idempotency_key"],
                name="toolbox_practice_once_per_form",
            ),
            models.CheckConstraint(
                condition=Q(helpfulness__isnull=True)
                | Q(helpfulness__lte=HELPFULNESS_MAX),
                name="toolbox_helpfulness_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} on {self.practised_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("toolbox:client", args=[self.skill.client.uuid])
