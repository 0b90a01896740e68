from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def alliance(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    practice = (
        getattr(user, "practice", None) if user and user.is_authenticated else None
    )
    return {"DEMO_MODE": settings.DEMO_MODE, "practice": practice}
