"""The SQL that classifies and counts (``practice_outcomes``) gives exactly
what ``nhs_outcome`` gives episode by episode, on random practices.

The rows are bulk-created here (a test of the query, not of the services,
which the other modules use): random PHQ-9 and GAD-7 totals around every
threshold, ties in time, corrections, drafts, other measures, sessions held,
cancelled and missed for every purpose, episodes closed before some of their
scores or still open, and another practice that must not count."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.measures.models import Administration
from alliance.measures.nhs import nhs_outcome, nhs_rates
from alliance.measures.outcomes import COUNTS, episode_outcomes, practice_outcomes
from alliance.scheduling.models import Appointment

TOP = {"phq9": 27, "gad7": 21}


RELIABLE = {"phq9": (5, 6), "gad7": (3, 4)}


def _total(rng, code, first):
    """A total, half the time at or next to a cut-off or a reliable change
    from the first score, so every boundary is exercised."""
    if first is not None and rng.random() < 0.4:
        change = rng.choice(RELIABLE[code]) * rng.choice((-1, 1))
        return min(max(first + change, 0), TOP[code])
    if rng.random() < 0.5:
        return rng.choice({"phq9": (9, 10), "gad7": (7, 8)}[code])
    return rng.randint(0, TOP[code])


def _build(practice, clinicians, rng, n_episodes):
    now = timezone.now()
    clients = Client.objects.bulk_create(
        Client(
            practice=practice,
            clinician=rng.choice(clinicians),
            created_by=clinicians[0],
            given_name=f"R{i}",
            family_name="Random",
            date_of_birth=date(1990, 1, 1),
        )
        for i in range(n_episodes)
    )
    starts = [now - timedelta(days=rng.randint(1, 700)) for _ in clients]
    ends = [
        None
        if rng.random() < 0.2
        else min(start + timedelta(days=rng.choice((2, 10, 60))), now)
        for start in starts
    ]
    episodes = Episode.objects.bulk_create(
        Episode(
            client=c,
            clinician=c.clinician,
            phase="active" if end is None else "closed",
            closed_at=end,
        )
        for c, end in zip(clients, ends, strict=True)
    )
    scores, appointments, corrected = [], [], []
    for episode, start in zip(episodes, starts, strict=True):
        for code in ("phq9", "gad7", "core10"):
            first = None
            for k in range(rng.choice((0, 1, 2, 2, 3, 4))):
                # A week apart, sometimes at the same moment (a tie).
                at = start + timedelta(days=rng.choice((k, k, k - 1)) * 7)
                if code == "core10":
                    total = rng.randint(0, 40)
                else:
                    total = _total(rng, code, first)
                    first = total if first is None else first
                scores.append(_row(episode, code, total, at))
                if rng.random() < 0.1:
                    corrected.append(scores[-1])
            if rng.random() < 0.1:
                scores.append(_row(episode, code, None, None))
        for k, status in enumerate(
            rng.choice(("held", "held", "cancelled", "no_show", "booked"))
            for _ in range(rng.randint(0, 4))
        ):
            at = start + timedelta(days=7 * k, hours=1)
            appointments.append(
                Appointment(
                    clinician_id=episode.clinician_id,
                    client_id=episode.client_id,
                    episode=episode,
                    starts_at=at,
                    ends_at=at + timedelta(minutes=50),
                    status=status,
                    purpose=rng.choice(
                        ("treatment", "treatment", "assessment", "review")
                    ),
                    created_by_id=episode.clinician_id,
                )
            )
    Administration.objects.bulk_create(scores)
    fixes = []
    for original in corrected:
        fix = _row(
            original.episode,
            original.instrument,
            rng.randint(0, TOP.get(original.instrument, 40)),
            original.taken_at,
        )
        fix.corrects = original
        fixes.append(fix)
    Administration.objects.bulk_create(fixes)
    Appointment.objects.bulk_create(appointments)
    return episodes


def _row(episode, code, total, at):
    return Administration(
        episode=episode,
        client_id=episode.client_id,
        instrument=code,
        instrument_version="1",
        status="draft" if total is None else "submitted",
        mode="clinician",
        total=total,
        taken_at=at,
        submitted_at=at,
    )


def _expected(episodes):
    """Each episode's outcome from plain rows, first and last found in
    Python: (clinician, end of treatment, outcome, paired, sessions, scored)."""
    replaced = set(
        Administration.objects.exclude(corrects=None).values_list("corrects", flat=True)
    )
    scores = defaultdict(list)
    for a in Administration.objects.filter(
        status="submitted", instrument__in=("phq9", "gad7"), episode__in=episodes
    ).values(
        "id", "episode_id", "instrument", "total", "taken_at", "episode__closed_at"
    ):
        end = a["episode__closed_at"]
        if a["id"] not in replaced and (end is None or a["taken_at"] < end):
            scores[a["episode_id"], a["instrument"]].append(a)
    held = defaultdict(int)
    for episode_id in Appointment.objects.filter(
        status="held", purpose="treatment", episode__in=episodes
    ).values_list("episode_id", flat=True):
        held[episode_id] += 1
    expected = {}
    for episode in episodes:
        pairs, last = {}, []
        for code in ("phq9", "gad7"):
            rows = sorted(
                scores[episode.pk, code], key=lambda a: (a["taken_at"], a["id"])
            )
            pairs[code] = (
                (rows[0]["total"], rows[-1]["total"]) if len(rows) >= 2 else None
            )
            last += [a["taken_at"] for a in rows]
        expected[episode.pk] = (
            episode.clinician_id,
            episode.closed_at,
            nhs_outcome(
                phq9=pairs["phq9"], gad7=pairs["gad7"], sessions=held[episode.pk]
            ),
            pairs["phq9"] is not None and pairs["gad7"] is not None,
            held[episode.pk],
            bool(last),
        )
    return expected


def _counts(outcomes):
    """Per clinician, the counts ``practice_outcomes`` reports."""
    by_clinician = defaultdict(list)
    ended = defaultdict(int)
    courses = defaultdict(int)
    for clinician_id, _, outcome, paired, sessions, _ in outcomes:
        ended[clinician_id] += 1
        courses[clinician_id] += sessions >= 2
        if paired:
            by_clinician[clinician_id].append(outcome)
    counts = {}
    for clinician_id in ended:
        found = by_clinician[clinician_id]
        rates = nhs_rates(found)
        counts[clinician_id] = {
            "ended": ended[clinician_id],
            "courses": courses[clinician_id],
            "no_reliable_change": sum(
                1
                for o in found
                if o["eligible"]
                and not o["reliable_improvement"]
                and not o["reliable_deterioration"]
            ),
            "paired": len(found),
            "finished": rates["finished"],
            "at_caseness": rates["at_caseness"],
            "recovered": rates["recovered"],
            "reliably_improved": rates["reliably_improved"],
            "reliably_deteriorated": rates["reliably_deteriorated"],
            "reliably_recovered": rates["reliably_recovered"],
        }
    return counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_and_python_agree_on_random_practices(
    practice, other_practice, alice, bob, sam, seed
):
    rng = random.Random(seed)
    elsewhere = User.objects.create_user(
        "olga@example.org",
        "x" * 16,
        full_name="Olga",
        role="clinician",
        practice=other_practice,
    )
    episodes = _build(practice, [alice, bob, sam], rng, 250)
    _build(other_practice, [elsewhere], rng, 40)
    expected = _expected(episodes)
    assert sum(paired for *_, paired in expected.values()) > 50

    results = episode_outcomes(Episode.objects.filter(client__practice=practice))
    assert {r.episode_id: r.outcome for r in results} == {
        pk: e[2] for pk, e in expected.items() if e[5]
    }

    now = timezone.now()
    periods = [
        (None, None),
        (now - timedelta(days=300), None),
        (None, now - timedelta(days=200)),
    ]
    periods += [
        tuple(sorted(now - timedelta(days=rng.randint(0, 800)) for _ in range(2)))
        for _ in range(3)
    ]
    for since, until in periods:
        chosen = [
            e
            for e in expected.values()
            if e[1] is not None
            and (since is None or e[1] >= since)
            and (until is None or e[1] < until)
        ]
        want = _counts(chosen)
        result = practice_outcomes(practice, since=since, until=until)
        got = {
            row.clinician.pk: {name: getattr(row, name) for name in COUNTS}
            for row in result.rows
            if row.ended
        }
        assert got == want, (since, until)
        assert result.overall.paired == sum(c["paired"] for c in want.values())
        still_open = _counts([e for e in expected.values() if e[1] is None])
        assert result.open.finished == sum(c["finished"] for c in still_open.values())
        assert result.open.ended == sum(c["ended"] for c in still_open.values())
