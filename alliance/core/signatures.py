"""What a signature records, for any document the client signs.

A document kind (a consent text version, a treatment plan version) keeps its
own acknowledgement row with how and when it was given and who recorded it;
these fields add, for an electronic signature, the full name the client typed,
the statement they ticked and the SHA-256 digest of the exact version's
canonical content. A signature counts only for the version whose digest it
carries: a later version has another digest and needs its own signature.
Paper and verbal agreements leave these fields empty.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from django.db import models

from alliance.core.fields import EncryptedTextField


def canonical_text(value: str) -> str:
    """Unicode NFC, Unix line ends, no trailing blanks on lines or at the end, so
    the same words give the same digest however they were typed or stored."""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")
    text = text.replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (bool, int)):
        return value
    return canonical_text(str(value))


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the content as canonical JSON: sorted keys, no spaces,
    UTF-8, every text normalised by ``canonical_text``."""
    data = json.dumps(
        _canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class SignatureFields(models.Model):
    """An electronic signature's own fields (empty for paper or verbal)."""

    signed_name = EncryptedTextField(help_text="The full name the client typed.")
    statement = models.TextField(blank=True, default="")
    digest = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_electronic(self) -> bool:
        return bool(self.digest)

    def matches(self, digest: str) -> bool:
        """Whether this signature is for the version with ``digest``."""
        return bool(self.digest) and self.digest == digest


def check_signature(
    *, signed_name: str, agreed: bool, posted_digest: str, digest: str
) -> str:
    """The typed name, stripped, if the signature may be taken: the statement
    ticked, a full name typed, and the page showed the version being signed
    (its digest as posted matches). Otherwise a ValidationError saying why."""
    from django.core.exceptions import ValidationError

    if (posted_digest or "").strip().lower() != digest:
        raise ValidationError(
            "This document changed after you opened it. Please read the new "
            "version and sign that one."
        )
    name = " ".join((signed_name or "").split())
    if len(name) < 2 or len(name) > 200:
        raise ValidationError("Type your full name to sign.")
    if not agreed:
        raise ValidationError(
            "Tick the box to confirm you have read the document and agree."
        )
    return name
