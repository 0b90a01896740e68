"""A ceiling on wrong passwords per account, from all addresses together.

django-axes pauses one address after a few wrong passwords for one account, so
that nobody can lock a person out from elsewhere; but twenty addresses then get
twenty times the guesses. Here, once an account has had
``ACCOUNT_FAILURE_LIMIT`` wrong passwords within ``ACCOUNT_FAILURE_WINDOW``
(since its last successful sign-in), it accepts no password from a new address
until the oldest of them is older than the window: at most that long after the
last counted failure, since refused attempts are not counted.

So that a stranger cannot keep a person out, the ceiling does not apply at an
address the account signed in from within ``ACCOUNT_TRUSTED_ADDRESS_DAYS``
(there the per-address limit still does). The failures are counted from the
audit log, which records every failed sign-in anyway.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from alliance.audit.chain import clean
from alliance.audit.models import AuditEvent


def _since(username: str) -> datetime:
    now = timezone.now()
    start = now - settings.ACCOUNT_FAILURE_WINDOW
    last_success = (
        AuditEvent.objects.filter(action="auth.login", actor__email=username)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return max(start, last_success) if last_success else start


def is_trusted_address(username: str, ip: str | None) -> bool:
    if not ip:
        return False
    return AuditEvent.objects.filter(
        action="auth.login",
        actor__email=username,
        ip=ip,
        at__gte=timezone.now() - timedelta(days=settings.ACCOUNT_TRUSTED_ADDRESS_DAYS),
    ).exists()


def account_is_cooling_off(username: str, ip: str | None) -> bool:
    """True when this account must not be offered a password check from ip."""
    if not username:
        return False
    # Failed sign-ins are logged with control characters replaced (a NUL
    # cannot reach PostgreSQL), so count them under the same cleaned name.
    username = clean(username)
    failures = AuditEvent.objects.filter(
        action="auth.login_failed", at__gt=_since(username), detail__email=username
    ).count()
    if failures < settings.ACCOUNT_FAILURE_LIMIT:
        return False
    return not is_trusted_address(username, ip)
