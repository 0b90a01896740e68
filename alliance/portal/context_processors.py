"""What every portal page's navigation needs: the client's unread messages,
what their access allows and whether they have a relapse-prevention plan.
Three queries at most, only for client logins; none for the client record
when the page's access check (``permissions.get_own_client``) loaded it, and
none for the unread count or the plan when the page read them already."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from alliance.clients.models import PORTAL_OPEN, Client
from alliance.messaging.selectors import unread_for_client
from alliance.termination.models import RelapsePreventionPlan


def portal_nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or user.role != "client":
        return {}
    client = getattr(request, "portal_client", None)
    if client is None or client.user_id != user.pk:
        client = Client.objects.select_related("practice").filter(user=user).first()
    if client is None:
        return {}
    access = client.portal_access()
    return {
        # Counted only if the page shows it and did not count it already (the
        # portal home passes its own ``portal_unread``, which wins).
        "portal_unread": (
            SimpleLazyObject(lambda: unread_for_client(client))
            if access != "keepsakes"
            else 0
        ),
        "portal_open": access == PORTAL_OPEN,
        "portal_access": access,
        # Asked only if the page did not say already (the portal home has
        # read the plan for its own card and passes its answer, which wins).
        "portal_relapse_plan": SimpleLazyObject(
            lambda: RelapsePreventionPlan.objects.filter(client=client).exists()
        ),
    }
