"""Reminder pages: the client's choices on the portal, and the unsubscribe
page reached from the link in each email (no login; the signed link names
the client, and a button press, never the link alone, switches reminders off,
so mail scanners that open links change nothing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.audit.services import record
from alliance.messaging.services import emails_wanted
from alliance.reminders import services
from alliance.reminders.forms import PreferencesForm
from alliance.reminders.selectors import preference_for


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    """What reminder emails the client gets, and switches for each kind."""
    client = permissions.get_own_client(request, write=request.method == "POST")
    preference = preference_for(client)
    initial = {kind: getattr(preference, kind) for kind in services.KINDS}
    # Unticking every box posts no fields at all, so bind on the method.
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(
            client, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Your reminder choices are saved.")
        return redirect("reminders:preferences")
    if request.method == "GET":
        record(
            request.user,
            "reminders.view",
            None,
            request=request,
            client_uuid=client.uuid,
        )
    return render(
        request,
        "reminders/preferences.html",
        {
            "client": client,
            "practice": client.practice,
            "portal": True,
            "form": form,
            "message_emails": emails_wanted(request.user),
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm; POST switches every reminder off."""
    client = services.client_for_token(token)
    if client is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=404)
    context = {"practice": client.practice, "token": token}
    if request.method == "POST":
        services.unsubscribe(client, request=request)
        return render(request, "reminders/unsubscribed.html", context)
    return render(request, "reminders/unsubscribe.html", context)
