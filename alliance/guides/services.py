"""Sharing a guide with a client: the one way to store a share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.guides.library import get_guide
from alliance.guides.models import GuideShare


def share_guide(
    client: Client, slug: Any, *, by: Any, request: HttpRequest | None = None
) -> GuideShare:
    """Share the guide; sharing it again keeps the first share."""
    guide = get_guide(slug) if isinstance(slug, str) else None
    if guide is None:
        raise ValidationError("Choose a guide from the list.")
    share, created = GuideShare.objects.get_or_create(
        client=client, slug=guide.slug, defaults={"shared_by": by}
    )
    record(
        by,
        "guideshare.create" if created else "guideshare.again",
        share,
        request=request,
        detail={"slug": guide.slug},
    )
    return share
