"""Versioned documents: a client's plan whose content lives in versions that
are written once and never changed (the safety plan, the relapse-prevention
plan). What the client was given on any day can be read back; the current
version is the one with the highest number.

``VersionedDocument`` is the plan (one per client; each subclass declares its
own ``client`` one-to-one field, since related names differ).
``DocumentVersion`` is one saved state: number, reason, author, time, and the
section texts the subclass declares, listed in ``SECTIONS`` as
``(field, heading, prompt)``. ``next_version`` is the optimistic save: it
creates or locks the plan and refuses a save opened from an older version.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel


def split_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped (lists are one item a line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class VersionedDocument(UUIDModel):
    """A client's document; its content lives in its versions (``versions``)."""

    created_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        abstract = True

    def current_version(self) -> Any:
        # ``versions`` is the related name every subclass's version model gives ``plan``.
        versions = self.versions  # type: ignore[attr-defined]  # declared by subclasses
        return versions.select_related("created_by").order_by("-number").first()


class DocumentVersion(UUIDModel):
    """One saved state of a document. Written once, never changed.

    Subclasses declare ``plan`` (a foreign key with ``related_name="versions"``),
    their section fields, ``SECTIONS`` and ``unchangeable`` (the sentence raised
    when code tries to rewrite a saved version)."""

    SECTIONS: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    unchangeable: ClassVar[str] = "Document versions cannot be changed."

    number = models.PositiveIntegerField()
    # Why it was revised; required from version 2.
    reason = EncryptedTextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "plan__client"

    class Meta:
        abstract = True
        ordering = ["-number"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A version is a record of what the client was given: never rewritten.
        if not self._state.adding:
            raise ValueError(self.unchangeable)
        super().save(*args, **kwargs)

    def sections(self) -> list[tuple[str, str, str, list[str]]]:
        """(field, heading, prompt, lines) for each section, in order."""
        return [
            (name, heading, prompt, split_lines(getattr(self, name)))
            for name, heading, prompt in self.SECTIONS
        ]

    def pdf_name(self, stem: str) -> str:
        """The PDF's file name: ``<stem>-v<number>-<day saved>.pdf``."""
        day = timezone.localdate(self.created_at)
        return f"{stem}-v{self.number}-{day:%Y-%m-%d}.pdf"

    def is_current(self) -> bool:
        """No later version of the same document exists."""
        return not (
            type(self)
            ._default_manager.filter(  # type: ignore[misc]  # plan: declared by subclasses
                plan_id=self.plan_id,  # type: ignore[attr-defined]  # (as above)
                number__gt=self.number,
            )
            .exists()
        )


D = TypeVar("D", bound=VersionedDocument)


def next_version(
    document_model: type[D],
    *,
    based_on: int | None,
    stale: str,
    **owner: Any,
) -> tuple[D, int]:
    """The document of ``owner`` (created on the first save), locked, and the
    number its next version takes. Call inside the service's transaction.

    ``based_on`` is the version number the editor was opened from: if a newer
    one was saved meanwhile, ``stale`` is raised and nothing is written."""
    document, _ = document_model._default_manager.get_or_create(**owner)
    # Lock the document row so two saves cannot take the same number.
    document = document_model._default_manager.select_for_update().get(pk=document.pk)
    versions = document.versions  # type: ignore[attr-defined]  # declared by subclasses
    current: int = (
        versions.order_by("-number").values_list("number", flat=True).first() or 0
    )
    if based_on is not None and based_on != current:
        raise ValidationError(stale)
    return document, current + 1
