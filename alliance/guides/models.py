"""A psychoeducation guide the clinician shared with a client. The guide's
text lives in the library (``library.py``); the share names it by slug. The
client keeps their guides, also after therapy ends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.clients.models import Client
from alliance.core.models import UUIDModel
from alliance.guides.library import Guide, get_guide


class GuideShare(UUIDModel):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="guide_shares"
    )
    slug = models.CharField(max_length=80)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    shared_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        ordering = ["-shared_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "slug"], name="guide_shared_once")
        ]

    def __str__(self) -> str:
        return f"Guide {self.slug} shared {self.shared_at:%Y-%m-%d}"

    @property
    def guide(self) -> Guide | None:
        """None when the guide has since left the library."""
        return get_guide(self.slug)
