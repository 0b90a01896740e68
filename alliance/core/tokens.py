"""One-time link tokens (invitations, pre-intake questionnaires, ...): random,
URL-safe, and stored only as a hash, so a database leak opens no link."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """32 bytes of randomness, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
