"""Demo data for the client's phone walk-through (issue #16): the portal client
has an online session starting in a few minutes (so the join link is open), a
session next week they can ask to move, and a reviewed plan waiting for their
signature in the portal.

All through the apps' services; everything here is invented.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.clients.models import Client
from alliance.plans.models import TreatmentPlan
from alliance.plans.services import PLAN_FIELDS, review_plan
from alliance.scheduling.models import Appointment
from alliance.scheduling.services import book_appointment

# The online session starts this long after the demo is seeded: the join link
# opens ten minutes before the start (scheduling.video.JOIN_EARLY).
VIDEO_IN = timedelta(minutes=5)
# The session to move: next week, well outside any notice period.
LATER_IN_DAYS = 8


def seed_phone(client: Client, *, now: datetime) -> None:
    client = Client.objects.select_related("user", "clinician", "practice").get(
        pk=client.pk
    )
    clinician = client.clinician
    start = now.replace(second=0, microsecond=0) + VIDEO_IN
    book_appointment(
        client=client,
        clinician=clinician,
        starts_at=start,
        duration_minutes=50,
        modality=Appointment.Modality.VIDEO,
        location="",
        by=clinician,
    )
    zone = client.practice.zone
    day = timezone.localtime(now, zone).date() + timedelta(days=LATER_IN_DAYS)
    for hour in range(9, 18):
        try:
            book_appointment(
                client=client,
                clinician=clinician,
                starts_at=datetime.combine(day, time(hour), tzinfo=zone),
                duration_minutes=50,
                modality=Appointment.Modality.IN_PERSON,
                location="Room 2",
                by=clinician,
            )
        except ValidationError:  # the clinician is busy then; try an hour later
            continue
        break
    episode = client.current_episode()
    plan = (
        TreatmentPlan.objects.filter(episode=episode).select_related("current").first()
        if episode
        else None
    )
    if plan is None or plan.current is None:
        return
    version = plan.current
    content = {
        name: getattr(version, name)
        for name in PLAN_FIELDS
        if name not in ("goals", "next_review")
    }
    review_plan(
        plan,
        by=clinician,
        reason="Reviewed together at the last session; the client signs it in "
        "the portal.",
        goals=list(plan.episode.goals.filter(status="active")),
        next_review=max(version.next_review, now.date() + timedelta(weeks=6)),
        **content,
    )
