"""The client's own journal: free entries written in the portal.

An entry is private to the client until they share it; they may share and
unshare each entry on its own. The clinician sees only entries shared at the
time they look. The text is encrypted like other client text.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.clients.models import Client
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel

ENTRY_MAX = 10_000


class JournalEntry(UUIDModel):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="journal_entries"
    )
    body = EncryptedTextField()
    # Set while the client shares the entry with their clinician; cleared
    # when they take it back.
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "journal entry"
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"Journal entry {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("journal:entry", args=[self.uuid])

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None
