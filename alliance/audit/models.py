"""The append-only audit log: who did what to which client's data, when, from where.

Rows are never updated or deleted: database triggers refuse it (migrations
0002 and 0004: no UPDATE, DELETE or TRUNCATE, and no SQLite INSERT OR REPLACE),
and no view, form or admin offers it. Each event also carries a SHA-256 hash
of its content and of the event before it (``seq``, ``prev_hash``, ``hash``),
so ``alliance audit-verify`` can prove that nothing was removed or altered
since, even by someone who got past the triggers (alliance/audit/chain.py).
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_practice(self, practice_id: int) -> AuditEventQuerySet:
        return self.filter(practice_id=practice_id)

    def about_client(self, client_uuid: UUID | str | None) -> AuditEventQuerySet:
        return self.filter(client_uuid=client_uuid)

    def update(self, **kwargs: object) -> int:
        raise TypeError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("audit events are append-only")


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", "Allowed"
        DENIED = "denied", "Denied"
        FAILED = "failed", "Failed"

    # Set by record() before the hash is computed (not auto_now_add, which
    # would overwrite it while saving).
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    practice_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_uuid = models.UUIDField(null=True, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.OK
    )
    # Identifiers and labels only; never clinical free text.
    detail = models.JSONField(default=dict, blank=True)
    # The hash chain: position, the previous event's hash, this event's hash.
    seq = models.BigIntegerField(unique=True, null=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("audit events are append-only")


class AuditChainHead(models.Model):
    """One row: the last event's position and hash. ``record()`` moves it on
    with an UPDATE that keeps the row locked until the transaction ends
    (SQLite's IMMEDIATE transactions already let one writer in at a time), so
    concurrent events form one line.
    It is not evidence itself: ``audit-verify`` compares it with the last event
    to notice events removed from the end."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain at {self.seq}"
