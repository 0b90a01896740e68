"""The supervisor's overview of their supervisees: for each, the figures the
home page shows a clinician about their own caseload (clients in care, open
alerts, clients not on track, unsigned notes, measures due, plan reviews
overdue) plus notes awaiting co-signature and outcomes so far.

The home page's selectors each answer for one clinician; asking them once per
supervisee would cost queries in proportion to the team. Here each figure is
one grouped query over all supervisees (the same filters as those selectors),
so the page costs the same however many people a supervisor has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from alliance.accounts.models import User
from alliance.accounts.services import clients_in_care_count
from alliance.alerts.models import RiskAlert
from alliance.clients.models import Episode
from alliance.measures.models import MeasureSchedule, MeasureTrack
from alliance.measures.outcomes import OutcomeRow, practice_outcomes
from alliance.notes.models import ProgressNote
from alliance.plans.models import TreatmentPlan


@dataclass(frozen=True)
class SuperviseeRow:
    clinician: User
    in_care: int
    open_alerts: int
    off_track: int
    unsigned: int
    awaiting_cosign: int
    measures_due: int
    reviews_overdue: int
    outcomes: OutcomeRow | None


def _by(
    queryset: QuerySet[Any], field: str, *, distinct: str | None = None
) -> dict[int, int]:
    """Rows of ``queryset`` counted per value of ``field`` (a clinician's id)."""
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    return dict(
        queryset.order_by()
        .values_list(field)
        .annotate(n=counted)
        .values_list(field, "n")
    )


def supervisee_overview(user: User) -> list[SuperviseeRow]:
    """One row per current supervisee of ``user``, by name; empty for anyone
    who supervises nobody. A fixed number of queries."""
    ids = user.supervisee_ids()
    if not ids:
        return []
    practice = user.practice
    if practice is None:  # staff belong to a practice; nobody else supervises
        return []
    practice_id = practice.pk
    today = practice.today()
    people = list(
        User.objects.filter(pk__in=ids, practice_id=practice_id)
        .annotate(in_care=clients_in_care_count())
        .order_by("full_name", "pk")
    )
    ids = [person.pk for person in people]
    of_clients = {
        "client__practice_id": user.practice_id,
        "client__clinician_id__in": ids,
    }
    alerts = _by(
        RiskAlert.objects.of_clients_of(ids, practice_id=practice_id).open(),
        "client__clinician_id",
    )
    # As ``measures.tracking.not_on_track``: clients of open episodes off track.
    off_track = _by(
        MeasureTrack.objects.filter(on_track=False, **of_clients).exclude(
            episode__phase=Episode.Phase.CLOSED
        ),
        "client__clinician_id",
        distinct="client_id",
    )
    unsigned = _by(
        ProgressNote.objects.unsigned().filter(author_id__in=ids), "author_id"
    )
    cosign = _by(ProgressNote.objects.awaiting_cosign_by(ids), "author_id")
    # As ``measures.selectors.due_for_clinician``: due today or earlier.
    due = _by(
        MeasureSchedule.objects.filter(
            active=True,
            next_due__lte=today,
            episode__client__clinician_id__in=ids,
            episode__client__practice_id=practice_id,
        ).exclude(episode__phase=Episode.Phase.CLOSED),
        "episode__client__clinician_id",
    )
    # As ``plans.selectors.reviews_due``, but only reviews already past.
    reviews = _by(
        TreatmentPlan.objects.filter(
            episode__client__clinician_id__in=ids,
            episode__client__practice_id=practice_id,
            current__next_review__lt=today,
        ).exclude(episode__phase=Episode.Phase.CLOSED),
        "episode__client__clinician_id",
    )
    outcomes = {
        row.clinician.pk: row
        for row in practice_outcomes(practice, clinician=people).rows
        if row.clinician is not None
    }
    return [
        SuperviseeRow(
            clinician=person,
            in_care=person.in_care,
            open_alerts=alerts.get(person.pk, 0),
            off_track=off_track.get(person.pk, 0),
            unsigned=unsigned.get(person.pk, 0),
            awaiting_cosign=cosign.get(person.pk, 0),
            measures_due=due.get(person.pk, 0),
            reviews_overdue=reviews.get(person.pk, 0),
            outcomes=outcomes.get(person.pk),
        )
        for person in people
    ]
