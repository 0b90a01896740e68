"""Personal API tokens: make, revoke, and find the user behind a bearer token.

``user_for_bearer(request, scope)`` is the one lookup every token-authenticated
interface uses (the REST API in ``alliance.api``, the FHIR views): it reads the
``Authorization: Bearer …`` header, refuses unknown, expired and revoked
tokens, tokens of deactivated users and of clients, tokens of a practice that
turned its API off, and tokens without the scope asked for. On success it sets
``request.user`` to the token's user, so ``alliance.permissions`` decides
access exactly as it does for that user's pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import ApiToken, User
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.core.tokens import hash_token, new_token

READ, WRITE, NOTES = "read", "write", "notes"
# How often last_used_at is written (not on every call: one write per minute).
LAST_USED_EVERY = timedelta(minutes=1)


class TokenRefused(Exception):
    """The bearer token cannot be used. ``status`` is 401 (no usable token:
    missing, unknown, expired, revoked, deactivated user) or 403 (a valid token
    that may not do this: read-only token writing, scope missing, API off)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


@dataclass
class Made:
    token: ApiToken
    secret: str


@transaction.atomic
def create_token(
    user: User,
    *,
    name: str,
    scope: str,
    notes: bool = False,
    days: int = 90,
    request: HttpRequest | None = None,
) -> Made:
    """A new token for staff member ``user``; returns it with its secret, to show
    once (only the hash is stored)."""
    if not user.is_active or not user.is_staff_member:
        raise ValidationError("Only staff members can have API tokens.")
    name = (name or "").strip()
    if not name:
        raise ValidationError("Name the token, so you can tell it apart later.")
    if scope not in ApiToken.Scope.values:
        raise ValidationError("Choose read only, or read and write.")
    if not 1 <= days <= ApiToken.MAX_DAYS:
        raise ValidationError(f"A token lasts between 1 and {ApiToken.MAX_DAYS} days.")
    if notes and not user.is_clinical:
        raise ValidationError("Only clinicians can read progress notes.")
    secret = ApiToken.PREFIX + new_token()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        scope=scope,
        notes=notes,
        token_hash=hash_token(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        user,
        "api_token.create",
        token,
        request=request,
        detail={"scopes": token.scope_names(), "days": days},
    )
    return Made(token, secret)


@transaction.atomic
def revoke_token(
    token: ApiToken, *, by: User, request: HttpRequest | None = None
) -> bool:
    """Stop the token at once; False if it was already revoked."""
    if token.user_id != by.pk:
        raise ValidationError("You can revoke only your own tokens.")
    claimed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if claimed:
        record(by, "api_token.revoke", token, request=request)
    return bool(claimed)


def bearer_secret(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    kind, _, secret = header.partition(" ")
    if kind.lower() != "bearer":
        return ""
    return secret.strip()


def _refuse(
    request: HttpRequest, status: int, title: str, detail: str, token: ApiToken | None
) -> TokenRefused:
    record(
        token.user if token is not None else None,
        "api.denied",
        token,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"status": status, "reason": title},
    )
    return TokenRefused(status, title, detail)


def user_for_bearer(
    request: HttpRequest, scope: str = READ, *, now: datetime | None = None
) -> User:
    """The user the request's bearer token acts for, set on ``request.user`` and
    ``request.api_token``; raises ``TokenRefused`` (audited) otherwise.
    ``scope`` is ``READ``, ``WRITE`` or ``NOTES``."""
    now = now or timezone.now()
    secret = bearer_secret(request)
    if not secret:
        raise _refuse(
            request,
            401,
            "Token required",
            "Send a personal API token as 'Authorization: Bearer <token>'.",
            None,
        )
    token = (
        ApiToken.objects.select_related("user__practice")
        .filter(token_hash=hash_token(secret))
        .first()
    )
    if token is None:
        raise _refuse(request, 401, "Unknown token", "This token is not known.", None)
    user = token.user
    if token.revoked_at is not None:
        raise _refuse(request, 401, "Token revoked", "This token was revoked.", token)
    if token.expires_at <= now:
        raise _refuse(request, 401, "Token expired", "This token has expired.", token)
    if not user.is_active or not user.is_staff_member:
        raise _refuse(
            request,
            401,
            "Account inactive",
            "The account this token belongs to cannot use the API.",
            token,
        )
    if user.practice is None or not user.practice.api_enabled:
        raise _refuse(
            request,
            403,
            "API turned off",
            "Your practice has turned the REST API off.",
            token,
        )
    if scope == WRITE and not token.writes:
        raise _refuse(
            request,
            403,
            "Read-only token",
            "This token may only read; make a read-and-write token to change records.",
            token,
        )
    if scope == NOTES and not token.notes:
        raise _refuse(
            request,
            403,
            "Notes scope missing",
            "Progress-note text needs a token with the notes scope.",
            token,
        )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    request.user = user
    request.api_token = token  # type: ignore[attr-defined]
    return user
