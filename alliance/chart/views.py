"""Clinician pages about one client that put several apps together: the client
chart (a summary at /clients/<uuid>/, and sections at /clients/<uuid>/<section>/
that show the apps' read-only chart selectors and ``_chart_*.html`` partials,
one group per request), the episode page with the phase change, the
between-sessions homework review, and the review of a risk alert beside the
client's safety plan.

The chart app is page level, like the portal and the home pages: it may read
from any app, and no app imports it. The apps it shows know nothing of it; each
offers a selector and a partial, and the chart puts them together. Each page
keeps the address of the app it is about (/clients/, /homework/, /alerts/).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.aftercare.selectors import chart_aftercare
from alliance.alerts.forms import AcknowledgeForm
from alliance.alerts.models import RiskAlert
from alliance.alerts.selectors import notifications as alert_notifications
from alliance.alerts.services import acknowledge_alert
from alliance.chart.selectors import SECTION_LABELS, SECTIONS, chart_summary
from alliance.checkins.selectors import chart_checkins
from alliance.clients.forms import NewEpisodeForm, TransitionForm
from alliance.clients.models import Client, Episode
from alliance.clients.selectors import (
    aftercare_appointments,
    chart_episodes,
    ending_alerts,
)
from alliance.core.prepared import prepared
from alliance.guides.selectors import chart_guides
from alliance.homework.selectors import chart_homework
from alliance.homework.selectors import review as homework_review_of
from alliance.intake.selectors import intake_for_chart
from alliance.journal.selectors import chart_journal
from alliance.measures.selectors import chart_measures, open_prompts
from alliance.messaging.selectors import chart_messages
from alliance.notes.selectors import chart_notes
from alliance.plans.selectors import chart_plan
from alliance.safety.selectors import current_safety_plan
from alliance.scheduling.selectors import chart_appointments
from alliance.termination.selectors import chart_termination
from alliance.toolbox.selectors import chart_toolbox


@prepared
def _open_alerts_of(client_id: int) -> QuerySet[RiskAlert]:
    return RiskAlert.objects.filter(client_id=client_id).open()


def _header(
    request: AuthenticatedRequest, uuid: object, section: str
) -> dict[str, Any]:
    """What every chart page shows above its content: the client, the phase,
    open risk alerts first, the actions and the section tabs. Read access is
    decided (and audited) here: three queries."""
    client = permissions.get_client(request, uuid)
    if client.practice_id == request.user.practice_id:
        # The same practice the request has read already: the cards that
        # need the practice's day or settings reuse it.
        client.practice = request.user.practice  # type: ignore[assignment]  # same id: not None
    current = client.current_episode()
    if current is not None:
        current.client = client
    return {
        "client": client,
        "current": current,
        "can_edit": permissions.is_primary_clinician(request.user, client),
        "alerts": _open_alerts_of(client.pk),
        "section": section,
        "sections": SECTIONS,
        "section_label": SECTION_LABELS.get(section, "Summary"),
    }


def client(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The client chart opens on a summary read at a glance: the next step,
    the next appointment, prompts, scores with their change, goals, homework,
    messages and what needs signing. The detail lives in the sections."""
    context = _header(request, uuid, "summary")
    context["summary"] = chart_summary(context["client"], context["current"])
    return render(request, "chart/client.html", context)


def section(request: AuthenticatedRequest, uuid: object, section: str) -> HttpResponse:
    """One section of the chart under the same header: only its own cards
    are read, so each request stays small."""
    context = _header(request, uuid, section)
    context.update(_SECTION_CONTEXT[section](context["client"], context["current"]))
    return render(request, "chart/section.html", context)


def episode(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The episode of care: consent, and the phase change as an action of its
    own (or opening a new episode when none is open)."""
    context = _header(request, uuid, "episode")
    current = context["current"]
    context.update(
        {
            "transition_form": TransitionForm(episode=current) if current else None,
            "ending_alerts": ending_alerts(current),
            "aftercare_appointments": aftercare_appointments(current),
            "new_episode_form": None if current else NewEpisodeForm(),
        }
    )
    return render(request, "chart/episode.html", context)


def _notes(client: Client, current: Episode | None) -> dict[str, Any]:
    return {"appointments": chart_appointments(client), "notes": chart_notes(client)}


def _measures(client: Client, current: Episode | None) -> dict[str, Any]:
    return {"measures": chart_measures(client)}


def _plan(client: Client, current: Episode | None) -> dict[str, Any]:
    latest = current or client.episodes.order_by("-opened_at").first()
    return {
        "chart_plan": chart_plan(current),
        # The latest episode, so the ending stays visible after closing.
        "chart_termination": chart_termination(latest),
        "chart_aftercare": chart_aftercare(client),
    }


def _homework(client: Client, current: Episode | None) -> dict[str, Any]:
    return {
        "chart_homework": chart_homework(current),
        "chart_checkins": chart_checkins(client),
        "chart_journal": chart_journal(client),
        "chart_guides": chart_guides(client),
        "chart_toolbox": chart_toolbox(client, episode_open=current is not None),
        "chart_messages": chart_messages(client),
    }


def _documents(client: Client, current: Episode | None) -> dict[str, Any]:
    return {
        "intake": intake_for_chart(client, episode=current),
        "safety": current_safety_plan(client),
    }


def _timeline(client: Client, current: Episode | None) -> dict[str, Any]:
    return {"episodes": chart_episodes(client)}


_SECTION_CONTEXT: dict[str, Callable[[Client, Episode | None], dict[str, Any]]] = {
    "notes": _notes,
    "measures": _measures,
    "plan": _plan,
    "homework": _homework,
    "documents": _documents,
    "timeline": _timeline,
}


def homework_review(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Before a session: what was assigned, done and missed, the answers and
    adherence over the last four weeks."""
    episode = permissions.get_episode(request, uuid)
    client = episode.client
    return render(
        request,
        "chart/homework_review.html",
        {
            "review": homework_review_of(episode),
            "client": client,
            "can_edit": permissions.is_primary_clinician(request.user, client),
            # The rest of what happened between sessions, read-only here.
            "chart_checkins": chart_checkins(client),
            "chart_messages": chart_messages(client),
            "chart_toolbox": chart_toolbox(client),
            "prompts": open_prompts(client),
            "between_sessions": True,
        },
    )


@require_http_methods(["GET", "POST"])
def alert(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Review a risk alert; the primary clinician acknowledges it with the action
    taken, or the colleague covering them while they are away, or a clinician
    with duty access."""
    writing = request.method == "POST"
    alert = permissions.get_alert(request, uuid, write=writing)
    form = AcknowledgeForm(request.POST or None)
    if writing and form.is_valid():
        try:
            acknowledge_alert(
                alert,
                by=request.user,
                action_taken=form.cleaned_data["action_taken"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Alert acknowledged; the action is recorded.")
            if permissions.holds_client(request.user, alert.client):
                return redirect(alert.client)
            if permissions.covers_client(request.user, alert.client):
                return redirect("home:index")
            return redirect("alerts:queue")
    holds = permissions.holds_client(request.user, alert.client)
    covering = not holds and permissions.covers_client(request.user, alert.client)
    return render(
        request,
        "chart/alert.html",
        {
            "alert": alert,
            "form": form,
            "safety": current_safety_plan(alert.client) if holds or covering else None,
            "holds_client": holds,
            "covering": covering,
            "may_acknowledge": permissions.may_acknowledge_alert(request.user, alert),
            "notes": alert_notifications(alert),
        },
    )
