"""The client chart: one page composed of every app's read-only chart selectors
and ``_chart_*.html`` partials.

The chart is page level, like the portal and the home pages: it may read from
any app, and no app imports it. The apps it shows know nothing of it; each
offers a selector and a partial, and the chart puts them together.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alliance import permissions
from alliance.aftercare.selectors import chart_aftercare
from alliance.alerts.models import RiskAlert
from alliance.checkins.selectors import chart_checkins
from alliance.clients.forms import NewEpisodeForm, TransitionForm
from alliance.clients.selectors import (
    aftercare_appointments,
    chart_episodes,
    ending_alerts,
)
from alliance.homework.selectors import chart_homework
from alliance.intake.selectors import intake_for_chart
from alliance.measures.selectors import chart_measures
from alliance.messaging.selectors import chart_messages
from alliance.notes.selectors import chart_notes
from alliance.plans.selectors import chart_plan
from alliance.safety.selectors import current_safety_plan
from alliance.scheduling.selectors import chart_appointments
from alliance.termination.selectors import chart_termination
from alliance.toolbox.selectors import chart_toolbox


def client(request: HttpRequest, uuid: object) -> HttpResponse:
    """The client chart: details, episodes with their timeline, and each app's card."""
    client = permissions.get_client(request, uuid)
    episodes = chart_episodes(client)
    current = next((e for e in episodes if e.is_open), None)
    alerts = RiskAlert.objects.filter(client=client).open()
    return render(
        request,
        "chart/client.html",
        {
            "client": client,
            "episodes": episodes,
            "current": current,
            "can_edit": permissions.is_primary_clinician(request.user, client),
            "transition_form": TransitionForm(episode=current) if current else None,
            "ending_alerts": ending_alerts(current),
            "aftercare_appointments": aftercare_appointments(current),
            "new_episode_form": None if current else NewEpisodeForm(),
            "alerts": alerts,
            "appointments": chart_appointments(client),
            "notes": chart_notes(client),
            "intake": intake_for_chart(client),
            "chart_plan": chart_plan(current),
            "chart_homework": chart_homework(current),
            "measures": chart_measures(client),
            "safety": current_safety_plan(client),
            "chart_aftercare": chart_aftercare(client),
            "chart_checkins": chart_checkins(client),
            # The latest episode, so the ending stays visible after closing.
            "chart_termination": chart_termination(
                current or (episodes[0] if episodes else None)
            ),
            "chart_messages": chart_messages(client),
            "chart_toolbox": chart_toolbox(client),
        },
    )
