from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailBackend(ModelBackend):
    """Log in by email, case-insensitively."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )


def axes_username(
    request: HttpRequest | None, credentials: dict[str, Any] | None
) -> str:
    """The username django-axes counts failures for: the email as the backend
    matches it, so capitalisation cannot open a fresh counter."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return str(username or "").strip().lower()
