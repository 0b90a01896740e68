"""Read-only queries for pages: the chart card, the review panel and the
portal list. Each runs a fixed number of queries whatever the caseload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet

from alliance.clients.models import Client, Episode
from alliance.core.prepared import prepared
from alliance.homework.forms import AssignForm
from alliance.homework.models import HomeworkAssignment, HomeworkEntry
from alliance.homework.services import client_today
from alliance.homework.templates_catalog import Shown, shown

ADHERENCE_WEEKS = 4

DONE, MISSED, DRAFT, DUE = "done", "missed", "draft", "due"
STATE_LABELS = {
    DONE: "Done",
    MISSED: "Missed",
    DRAFT: "Started, not sent",
    DUE: "Due",
}


@dataclass
class Occurrence:
    day: date
    state: str
    entry: HomeworkEntry | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def answers(self) -> list[Shown]:
        if self.entry is None:
            return []
        return shown(self.entry.assignment.template, self.entry.answers, form=False)


def occurrence_states(
    assignment: HomeworkAssignment,
    entries: dict[date, HomeworkEntry],
    today: date,
    *,
    since: date | None = None,
) -> list[Occurrence]:
    """Each due day with its state: done (submitted), missed (past, not
    submitted), draft (today or later, started) or due."""
    result = []
    for day in assignment.occurrences(today, since=since):
        entry = entries.get(day)
        if entry is not None and entry.is_submitted:
            state = DONE
        elif day < today:
            state = MISSED
        elif entry is not None:
            state = DRAFT
        else:
            state = DUE
        result.append(Occurrence(day, state, entry))
    return result


@dataclass
class Week:
    starts: date
    done: int = 0
    missed: int = 0

    @property
    def percent(self) -> int | None:
        total = self.done + self.missed
        return round(100 * self.done / total) if total else None


@dataclass
class Adherence:
    """Done ÷ (done + missed) over the last four weeks; occurrences still
    open (today, or a one-off not yet due) count for neither."""

    weeks: list[Week] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(w.done for w in self.weeks)

    @property
    def missed(self) -> int:
        return sum(w.missed for w in self.weeks)

    @property
    def percent(self) -> int | None:
        total = self.done + self.missed
        return round(100 * self.done / total) if total else None


def adherence(occurrences: list[Occurrence], today: date) -> Adherence:
    first = today - timedelta(days=7 * ADHERENCE_WEEKS - 1)
    weeks = [Week(first + timedelta(days=7 * i)) for i in range(ADHERENCE_WEEKS)]
    for occurrence in occurrences:
        if not (first <= occurrence.day <= today):
            continue
        week = weeks[(occurrence.day - first).days // 7]
        if occurrence.state == DONE:
            week.done += 1
        elif occurrence.state == MISSED:
            week.missed += 1
    return Adherence(weeks)


@dataclass
class ReviewRow:
    assignment: HomeworkAssignment
    occurrences: list[Occurrence]

    @property
    def done(self) -> int:
        return sum(1 for o in self.occurrences if o.state == DONE)

    @property
    def missed(self) -> int:
        return sum(1 for o in self.occurrences if o.state == MISSED)

    @property
    def latest_first(self) -> list[Occurrence]:
        return list(reversed(self.occurrences))


@dataclass
class Review:
    episode: Episode
    today: date
    rows: list[ReviewRow]
    adherence: Adherence


@prepared
def _assignments_of(episode_id: int) -> QuerySet[HomeworkAssignment]:
    return HomeworkAssignment.objects.filter(episode_id=episode_id)


@prepared
def _entries_of(assignment_ids: list[int]) -> QuerySet[HomeworkEntry]:
    return HomeworkEntry.objects.filter(
        assignment_id__in=assignment_ids
    ).select_related("commented_by")


def _entries_by_assignment(
    assignments: list[HomeworkAssignment],
) -> dict[int, dict[date, HomeworkEntry]]:
    found: dict[int, dict[date, HomeworkEntry]] = {a.pk: {} for a in assignments}
    by_pk = {a.pk: a for a in assignments}
    for entry in _entries_of(list(by_pk)):
        # Share the loaded assignment so rendering answers costs no query.
        entry.assignment = by_pk[entry.assignment_id]
        found[entry.assignment_id][entry.for_date] = entry
    return found


def review(episode: Episode) -> Review:
    """Everything assigned in the episode, each occurrence's state and answers,
    and adherence over the last four weeks."""
    today = client_today(episode)
    assignments = _assignments_of(episode.pk)
    for assignment in assignments:
        # The episode and its client, with the practice, are in hand already
        # (``client_today`` read them): no join for each row (issue #13).
        assignment.episode = episode
        if assignment.client_id == episode.client_id:
            assignment.client = episode.client
    entries = _entries_by_assignment(assignments)
    rows = [
        ReviewRow(a, occurrence_states(a, entries[a.pk], today)) for a in assignments
    ]
    every = [o for row in rows for o in row.occurrences]
    return Review(episode, today, rows, adherence(every, today))


@dataclass
class ChartHomework:
    episode: Episode
    active: list[HomeworkAssignment]
    adherence: Adherence

    @property
    def form(self) -> AssignForm:
        return AssignForm()


def chart_homework(episode: Episode | None) -> ChartHomework | None:
    """The open episode's active homework and adherence, for the client chart."""
    if episode is None:
        return None
    result = review(episode)
    return ChartHomework(
        episode,
        [row.assignment for row in result.rows if row.assignment.is_active],
        result.adherence,
    )


@dataclass
class PortalItem:
    assignment: HomeworkAssignment
    open: list[Occurrence]
    sent: list[Occurrence]


@prepared
def _active_assignments(client_id: int) -> QuerySet[HomeworkAssignment]:
    return (
        HomeworkAssignment.objects.filter(
            client_id=client_id, status=HomeworkAssignment.Status.ACTIVE
        )
        .exclude(episode__phase__in=Episode.ENDED_PHASES)
        .select_related("client__practice")
    )


def portal_homework(client: Client) -> list[PortalItem]:
    """The client's active homework with the occurrences they can still fill
    in (today's, or a one-off's, started or not) and what was sent in the last
    week, where the clinician's comment shows; missed days are not nagged about."""
    assignments = _active_assignments(client.pk)
    if not assignments:
        return []
    entries = _entries_by_assignment(assignments)
    today = client_today(assignments[0])
    items = []
    for a in assignments:
        states = occurrence_states(a, entries[a.pk], today, since=today - timedelta(6))
        items.append(
            PortalItem(
                a,
                [o for o in states if o.state in (DUE, DRAFT)],
                [o for o in reversed(states) if o.state == DONE],
            )
        )
    return items
