"""Abstract building blocks; core has no tables of its own."""

from __future__ import annotations

import uuid

from django.db import models


class UUIDModel(models.Model):
    """A stable public identifier for URLs and the API; integer keys stay internal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class Sensitivity(models.TextChoices):
    """How strictly a model's rows are guarded; read by alliance.permissions."""

    CLINICAL = "clinical", "Clinical record"
    # Psychotherapy process notes: only their author, ever (45 CFR 164.501).
    AUTHOR_ONLY = "author_only", "Author only"
