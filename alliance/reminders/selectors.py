"""What a client's reminder email would say now: read-only queries over
appointments, homework and questionnaires, reduced to counts and times.

Nothing here returns clinical content. The digest names no homework, no
questionnaire and no clinician; it says how many and, for appointments, when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from alliance.accounts.models import zone_of
from alliance.clients.models import Client, Episode
from alliance.core import periodic
from alliance.homework.models import HomeworkAssignment, HomeworkEntry
from alliance.measures.selectors import client_drafts, due_measures
from alliance.reminders.models import ReminderPreference
from alliance.scheduling.models import Appointment

# Appointments starting within this window of the digest are mentioned.
APPOINTMENT_WINDOW = timedelta(hours=36)
# Video sessions: where to join, never the room's address (scheduling.video).
_ONLINE = " It is an online session: join it from your portal."
_ONLINE_SOME = " Online sessions are joined from your portal."


@dataclass
class DigestLine:
    kind: str
    count: int
    text: str


@dataclass
class DigestContent:
    lines: list[DigestLine] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {line.kind: line.count for line in self.lines}


def preference_for(client: Client) -> ReminderPreference:
    """The client's choices; an unsaved all-on one when they have made none."""
    try:
        return client.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(client=client)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _when(starts_at: datetime, client: Client, today: date) -> str:
    local = starts_at.astimezone(zone_of(client.practice))
    day = local.date()
    if day == today:
        named = "today"
    elif day == today + timedelta(days=1):
        named = "tomorrow"
    else:
        named = f"on {local:%A} {local.day} {local:%B}"
    return f"{named} at {local:%H:%M}"


def due_appointments(client: Client, now: datetime) -> list[Appointment]:
    """Booked appointments starting in the next 36 hours."""
    return list(
        Appointment.objects.filter(
            client=client, status=Appointment.Status.BOOKED
        ).starting_between(now, now + APPOINTMENT_WINDOW)
    )


def due_homework(client: Client, today: date) -> list[HomeworkAssignment]:
    """Active homework the client asked to be reminded of with a due day today
    or tomorrow that has not been sent in. None once treatment has ended
    (aftercare or closed), even homework somehow still marked active."""
    tomorrow = today + timedelta(days=1)
    assignments = list(
        HomeworkAssignment.objects.filter(
            client=client, status=HomeworkAssignment.Status.ACTIVE, reminder=True
        ).exclude(episode__phase__in=Episode.ENDED_PHASES)
    )
    if not assignments:
        return []
    sent = set(
        HomeworkEntry.objects.filter(
            assignment__in=assignments,
            status=HomeworkEntry.Status.SUBMITTED,
            for_date__in=(today, tomorrow),
        ).values_list("assignment_id", "for_date")
    )
    due = []
    for assignment in assignments:
        days = [
            day
            for day in assignment.occurrences(tomorrow, since=today)
            if today <= day <= tomorrow
        ]
        if any((assignment.pk, day) not in sent for day in days):
            due.append(assignment)
    return due


def due_questionnaires(client: Client, today: date) -> list[Any]:
    """Questionnaires the portal asks the client to complete today: those due
    and not yet begun, and those begun and not sent (as on the portal home)."""
    drafts = client_drafts(client)
    started = {draft.instrument for draft in drafts}
    episode = client.current_episode()
    due = [
        schedule
        for schedule in (due_measures(episode, on=today) if episode else [])
        if schedule.instrument not in started
    ]
    return [*drafts, *due]


def digest_content(
    client: Client, now: datetime, preference: ReminderPreference
) -> DigestContent:
    """The lines of the client's reminder email at ``now``, for the kinds they
    have left on; empty when nothing is due."""
    today = client.practice.today(now)
    kinds = preference.kinds_on
    content = DigestContent()
    if "appointments" in kinds:
        appointments = due_appointments(client, now)
        if len(appointments) == 1:
            when = _when(appointments[0].starts_at, client, today)
            text = f"You have an appointment {when}."
            if appointments[0].modality == Appointment.Modality.VIDEO:
                text += _ONLINE
            content.lines.append(DigestLine("appointments", 1, text))
        elif appointments:
            times = [_when(a.starts_at, client, today) for a in appointments]
            text = (
                f"You have {len(appointments)} appointments: "
                f"{', '.join(times[:-1])} and {times[-1]}."
            )
            if any(a.modality == Appointment.Modality.VIDEO for a in appointments):
                text += _ONLINE_SOME
            content.lines.append(DigestLine("appointments", len(appointments), text))
    if "homework" in kinds and (homework := due_homework(client, today)):
        count = len(homework)
        text = (
            _plural(count, "homework task", "homework tasks")
            + " due today or tomorrow."
        )
        content.lines.append(DigestLine("homework", count, text))
    if "questionnaires" in kinds and (forms := due_questionnaires(client, today)):
        count = len(forms)
        text = _plural(count, "questionnaire", "questionnaires") + " to complete."
        content.lines.append(DigestLine("questionnaires", count, text))
    for kind in sorted(periodic.DIGEST_ITEMS):
        items = periodic.DIGEST_ITEMS[kind]
        if items.preference not in kinds:
            continue
        count = len(items.provider(client, now=now))
        if count:
            content.lines.append(DigestLine(kind, count, items.line(count) + "."))
    return content
