"""Abstract building blocks; core has no tables of its own."""

from __future__ import annotations

import uuid

from django.db import models


class UUIDModel(models.Model):
    """A stable public identifier for URLs and the API; integer keys stay internal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
