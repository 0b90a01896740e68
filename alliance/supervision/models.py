"""Records of clinical supervision sessions.

A supervisor records each supervision session held with one supervisee: the
date, the supervisee's clients discussed, the actions agreed and notes. The
record is visible to its supervisor and its supervisee only
(``permissions.get_supervision_session``), never to other clinicians.

The supervisor may change a record on the practice day they wrote it, until
they mark it final; from then on it reads as written (``is_locked``). The
agreed actions' "done" ticks are follow-up rather than the record, so the
supervisor and the supervisee may set them at any time.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Practice, User
from alliance.clients.models import Client
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel

NOTES_MAX = 20_000
ACTION_MAX = 1_000
ACTIONS_MAX = 20
# A supervision hour discusses a handful of clients; a page that names them
# audits each read, so the number stays small.
CLIENTS_MAX = 15


class SupervisionSessionQuerySet(models.QuerySet["SupervisionSession"]):
    def involving(self, user: User) -> SupervisionSessionQuerySet:
        """Records ``user`` may read: those they supervised or were supervised in."""
        return self.filter(
            models.Q(supervisor_id=user.pk) | models.Q(supervisee_id=user.pk),
            practice_id=user.practice_id,
        )


class SupervisionSession(UUIDModel):
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    supervisor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="supervision_sessions_held"
    )
    supervisee = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="supervision_sessions_received"
    )
    held_on = models.DateField()
    notes = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set when the supervisor marks the record final; it is locked from then.
    finalised_at = models.DateTimeField(null=True, blank=True)

    objects = SupervisionSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["supervisor", "held_on"]),
            models.Index(fields=["supervisee", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.uuid])

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None

    def written_on(self) -> date:
        """The practice day the record was first written."""
        return timezone.localtime(self.created_at, self.practice.zone).date()

    def is_locked(self, today: date | None = None) -> bool:
        """Final, or written on an earlier practice day: no more changes."""
        today = today or self.practice.today()
        return self.is_final or today > self.written_on()


class DiscussedClient(models.Model):
    """A client of the supervisee discussed in a supervision session."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.PROTECT, related_name="discussed"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="supervision_discussions"
    )

    client_path = "client"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client"], name="client_discussed_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"Client discussed in {self.session}"


class AgreedAction(UUIDModel):
    """One action agreed in supervision, in the order it was written."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.PROTECT, related_name="actions"
    )
    position = models.PositiveSmallIntegerField()
    text = EncryptedTextField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Agreed action {self.position}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
