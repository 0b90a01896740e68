"""Time the practice outcomes page's computation against the fastest single SQL
query that returns the same counts, and print both and the ratio.

    .venv/bin/python bench/outcomes.py [--episodes 100000] [--administrations 1000000]

Builds a synthetic practice with bulk_create in the database DATABASE_URL names
(by default a throwaway SQLite file under a temporary folder; on PostgreSQL the
database must be empty, and is left filled). The practice has 40 clinicians and
one client per episode; each episode has 0-30 held sessions (plus some
cancelled and missed appointments) and PHQ-9 and GAD-7 scores at assessment and
along the way, following improving, flat, worsening or wavering trajectories,
with about 1% of scores corrected and 0.5% left as drafts. The administrations
(corrections and drafts included) add up to exactly ``--administrations``.

Then it checks that several hand-written single SQL queries (see FLOORS) give
the page's counts for every clinician, runs ``practice_outcomes(practice)``
(what the page computes), each of them and ``episode_outcomes()`` +
``nhs_rates()`` (the same counts classified in Python) ``--repeat`` times, round
robin, and prints the medians and the ratio of the page to the fastest query.
``--keep`` keeps the SQLite file and prints how to run again against it; a
database that already holds the bench practice is reused as it is.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRACTICE = "Bench outcomes practice"
CLINICIANS = 40
# Stands in for encrypted answers, so rows are as wide as real ones; never read.
CIPHERTEXT = "v1:k1:" + "A" * 160
CHUNK = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--administrations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--keep", action="store_true", help="keep the SQLite file for another run"
    )
    parser.add_argument(
        "--skip-python",
        action="store_true",
        help="do not time the per-episode path classified in Python",
    )
    args = parser.parse_args()
    if args.episodes < 1 or args.administrations < args.episodes:
        parser.error("give at least one episode and one administration per episode")

    var = tempfile.mkdtemp(prefix="alliance-bench-")
    owns_database = "DATABASE_URL" not in os.environ
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var}/bench.sqlite3")
    os.environ.update(
        ALLIANCE_VAR_DIR=var, SECRET_KEY="bench-" + "x" * 50, ALLOWED_HOSTS="testserver"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "alliance.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from alliance.accounts.models import Practice

    vendor = connection.vendor
    practice = Practice.objects.filter(name=PRACTICE).first()
    if practice is None:
        started = time.perf_counter()
        practice = build(args.episodes, args.administrations, seed=args.seed)
        with connection.cursor() as cursor:
            # Fresh planner statistics, as autovacuum (PostgreSQL) or
            # ``PRAGMA optimize`` (SQLite) would gather on a live database.
            cursor.execute("ANALYZE")
        print(f"built in {time.perf_counter() - started:.0f}s ({vendor})")
    else:
        print(f"reusing the bench practice already in the database ({vendor})")
    print_sizes(practice)

    from alliance.clients.models import Episode
    from alliance.measures.nhs import nhs_rates
    from alliance.measures.outcomes import episode_outcomes, practice_outcomes

    page = practice_outcomes(practice)
    expected = page_counts(page)
    runs: dict[str, Any] = {
        "practice_outcomes() (the page)": lambda: practice_outcomes(practice)
    }
    for name, sql in FLOORS[vendor].items():
        got = run_floor(sql, practice)
        if got != expected:
            raise SystemExit(f"the floor query '{name}' disagrees with the page")
        runs[f"floor: {name}"] = lambda sql=sql: run_floor(sql, practice)
    if not args.skip_python:
        episodes = Episode.objects.filter(client__practice=practice)
        python = nhs_rates(e.outcome for e in episode_outcomes(episodes) if e.paired)
        if python["recovered"] != page.overall.recovered:
            raise SystemExit("episode_outcomes + nhs_rates disagrees with the page")
        runs["episode_outcomes() + nhs_rates()"] = lambda: nhs_rates(
            e.outcome for e in episode_outcomes(episodes) if e.paired
        )
    # Round robin, so a busy moment on the machine falls on every candidate.
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    overall = page.overall
    print(
        f"episodes with paired scores {overall.paired:,}; finished courses "
        f"{overall.finished:,}; {overall.at_caseness:,} at caseness; "
        f"{overall.recovered:,} recovered"
    )
    print(f"{'computation (same counts)':<44}{'median ms':>10}{'min ms':>9}")
    for name, taken in times.items():
        print(
            f"{name:<44}{statistics.median(taken) * 1000:>10.0f}"
            f"{min(taken) * 1000:>9.0f}"
        )
    page_ms = statistics.median(times["practice_outcomes() (the page)"]) * 1000
    floor_name, floor_ms = min(
        (
            (name, statistics.median(taken) * 1000)
            for name, taken in times.items()
            if name.startswith("floor: ")
        ),
        key=lambda item: item[1],
    )
    print(
        f"page {page_ms:.0f} ms / floor ({floor_name[7:]}) {floor_ms:.0f} ms = "
        f"{page_ms / floor_ms:.2f}x (goal: within 3x)"
    )
    connection.close()
    if args.keep and owns_database:
        print(f"kept: DATABASE_URL={os.environ['DATABASE_URL']}")
    else:
        shutil.rmtree(var, ignore_errors=True)


def print_sizes(practice: Any) -> None:
    from alliance.clients.models import Episode
    from alliance.measures.models import Administration
    from alliance.scheduling.models import Appointment

    episodes = Episode.objects.filter(client__practice=practice)
    print(
        f"rows: {episodes.count():,} episodes, "
        f"{Administration.objects.filter(episode__in=episodes).count():,} "
        f"administrations, "
        f"{Appointment.objects.filter(episode__in=episodes).count():,} appointments"
    )


# --- the synthetic practice ----------------------------------------------------


def _clip(value: float, top: int) -> int:
    return max(0, min(top, round(value)))


def plan_episode(rng: random.Random, points: int) -> list[tuple[str, int, int]]:
    """(instrument, days after the start, total) for each score in one episode:
    a PHQ-9 and a GAD-7 at each measurement point along one trajectory."""
    phq0 = _clip(rng.gauss(13, 6), 27)
    gad0 = _clip(phq0 * 0.7 + rng.gauss(2, 3), 21)
    kind = rng.random()
    if kind < 0.45:  # recovering
        factor = rng.uniform(0.1, 0.6)
    elif kind < 0.70:  # some improvement
        factor = rng.uniform(0.6, 0.95)
    elif kind < 0.88:  # flat
        factor = 1.0
    else:  # worsening
        factor = rng.uniform(1.2, 1.8)
    wobble = 3.5 if rng.random() < 0.1 else 1.5
    gap = rng.choice((7, 7, 14))
    rows = []
    for k in range(points):
        share = k / (points - 1) if points > 1 else 0
        shape = 1 + (factor - 1) * share
        day = k * gap
        rows.append(("phq9", day, _clip(phq0 * shape + rng.gauss(0, wobble), 27)))
        if rng.random() > 0.04:  # now and then the GAD-7 is missed
            rows.append(("gad7", day, _clip(gad0 * shape + rng.gauss(0, wobble), 21)))
    return rows


def plan(n_episodes: int, n_admin: int, rng: random.Random) -> list[dict[str, Any]]:
    """Sessions, scores, corrections and drafts per episode, with exactly
    ``n_admin`` administrations in all."""
    sessions = []
    for _ in range(n_episodes):
        r = rng.random()
        if r < 0.10:
            sessions.append(0)
        elif r < 0.20:
            sessions.append(1)
        else:
            sessions.append(min(30, 2 + int(rng.expovariate(1 / 6))))
    # About 1% of scores get a correction and 0.5% of rows are drafts; the
    # rest are scores, given at assessment and at some of the sessions.
    n_scores = round(n_admin / 1.015)
    # Each measurement point gives a PHQ-9 and, 96% of the time, a GAD-7.
    share = n_scores / 1.96 / sum(s + 1 for s in sessions)
    episodes = []
    for s in sessions:
        points = max(1, round((s + 1) * share))
        if s < 2 and rng.random() < 0.35:
            # Scored at assessment and again, but fewer than two sessions held.
            points = rng.choice((2, 2, 3))
        episodes.append(
            {
                "sessions": s,
                "start_days_ago": 0.0,
                "scores": plan_episode(rng, points),
                "corrected": set(),
                "drafts": 0,
            }
        )
    total = sum(len(e["scores"]) for e in episodes)
    while total > n_scores:
        e = episodes[rng.randrange(n_episodes)]
        if len(e["scores"]) > 1:
            e["scores"].pop()
            total -= 1
    while total < n_scores:
        e = episodes[rng.randrange(n_episodes)]
        instrument, day, score = e["scores"][-1]
        top = 27 if instrument == "phq9" else 21
        e["scores"].append((instrument, day + 7, _clip(score + rng.gauss(0, 2), top)))
        total += 1
    n_corrections = min(round(n_scores * 0.01), n_admin - n_scores)
    corrections = 0
    while corrections < n_corrections:
        e = episodes[rng.randrange(n_episodes)]
        k = rng.randrange(len(e["scores"]))
        if k not in e["corrected"]:
            e["corrected"].add(k)
            corrections += 1
    for _ in range(n_admin - n_scores - n_corrections):
        episodes[rng.randrange(n_episodes)]["drafts"] += 1
    for e in episodes:
        # Everything happened in the past: the last score or session at least
        # a day ago, the first up to about three years ago.
        span = max(e["scores"][-1][1], 7 * e["sessions"])
        e["start_days_ago"] = span + rng.uniform(1, 2 * 365)
    return episodes


def build(n_episodes: int, n_admin: int, *, seed: int) -> Any:
    """Bulk-create the practice (a benchmark may skip the services; the demo may not)."""
    from django.db import transaction

    from alliance.accounts.models import Practice, User

    rng = random.Random(seed)
    plans = plan(n_episodes, n_admin, rng)
    with transaction.atomic():
        practice = Practice.objects.create(name=PRACTICE, time_zone="Europe/London")
        clinicians = [
            User.objects.create_user(
                f"clinician{n}@bench.example",
                "x" * 16,
                full_name=f"Clinician {n:02d}",
                role="clinician",
                practice=practice,
            )
            for n in range(CLINICIANS)
        ]
        for start in range(0, n_episodes, CHUNK):
            build_chunk(plans[start : start + CHUNK], start, clinicians, practice, rng)
    return practice


def build_chunk(
    plans: list[dict[str, Any]],
    offset: int,
    clinicians: list[Any],
    practice: Any,
    rng: random.Random,
) -> None:
    from django.utils import timezone

    from alliance.clients.models import Client, Episode
    from alliance.core.fields import Sealed
    from alliance.measures.models import Administration
    from alliance.scheduling.models import Appointment

    now = timezone.now().replace(microsecond=0)
    # A few clinicians carry bigger caseloads than others.
    owners = [
        clinicians[
            min(int(rng.paretovariate(1.2)) - 1, CLINICIANS - 1)
            if rng.random() < 0.3
            else rng.randrange(CLINICIANS)
        ]
        for _ in plans
    ]
    clients = Client.objects.bulk_create(
        (
            Client(
                practice=practice,
                clinician=owner,
                created_by=owner,
                given_name=f"C{offset + i}",
                family_name="Bench",
                date_of_birth=date(1980, 1, 1),
                referral_reason="",
            )
            for i, owner in enumerate(owners)
        ),
        batch_size=2000,
    )
    starts = [now - timedelta(days=p["start_days_ago"]) for p in plans]
    episodes = Episode.objects.bulk_create(
        (
            Episode(
                client=c,
                clinician=owner,
                phase="closed" if p["start_days_ago"] > 120 else "active",
                opened_at=start,
            )
            for c, owner, p, start in zip(clients, owners, plans, starts, strict=True)
        ),
        batch_size=2000,
    )
    appointments = []
    for e, p, start in zip(episodes, plans, starts, strict=True):
        statuses = (
            ["held"] * p["sessions"]
            + ["cancelled"] * (rng.random() < 0.3)
            + ["no_show"] * (rng.random() < 0.15)
        )
        for j, status in enumerate(statuses):
            at = start + timedelta(days=7 * j, hours=10)
            appointments.append(
                Appointment(
                    clinician_id=e.clinician_id,
                    client_id=e.client_id,
                    episode=e,
                    starts_at=at,
                    ends_at=at + timedelta(minutes=50),
                    status=status,
                    created_by_id=e.clinician_id,
                )
            )
    Appointment.objects.bulk_create(appointments, batch_size=2000)

    def row(e: Any, instrument: str, at: datetime | None, total: int | None) -> Any:
        submitted = total is not None
        return Administration(
            episode=e,
            client_id=e.client_id,
            instrument=instrument,
            instrument_version="1",
            status="submitted" if submitted else "draft",
            mode="clinician",
            answers=Sealed(CIPHERTEXT),
            total=total,
            caseness=None if total is None else total >= 10,
            started_at=at or now,
            saved_at=at or now,
            submitted_at=at,
            taken_at=at,
            entered_by_id=e.clinician_id,
        )

    scores = []
    corrected = []
    for e, p, start in zip(episodes, plans, starts, strict=True):
        for k, (instrument, day, total) in enumerate(p["scores"]):
            at = start + timedelta(days=day, hours=9, minutes=k)
            scores.append(row(e, instrument, at, total))
            if k in p["corrected"]:
                corrected.append(scores[-1])
        for _ in range(p["drafts"]):
            scores.append(row(e, rng.choice(("phq9", "gad7")), None, None))
    Administration.objects.bulk_create(scores, batch_size=2000)
    top = {"phq9": 27, "gad7": 21}
    corrections = []
    for original in corrected:
        fix = row(
            original.episode,
            original.instrument,
            original.taken_at,
            _clip(
                original.total + rng.choice((-3, -2, -1, 1, 2, 3)),
                top[original.instrument],
            ),
        )
        fix.corrects = original
        corrections.append(fix)
    Administration.objects.bulk_create(corrections, batch_size=2000)


# --- the floor: one hand-written query ---------------------------------------------

# Each candidate returns, per clinician: episodes with paired scores, finished
# courses, at caseness, recovered, reliably improved, reliably deteriorated,
# reliably recovered. The fastest one that gives the page's counts is the floor.
OUTER = """
SELECT e.clinician_id, COUNT(*),
  SUM(CASE WHEN COALESCE(se.n, 0) >= 2 THEN 1 ELSE 0 END),
  SUM(CASE WHEN COALESCE(se.n, 0) >= 2 AND (pf >= 10 OR gf >= 8) THEN 1 ELSE 0 END),
  SUM(CASE WHEN COALESCE(se.n, 0) >= 2 AND (pf >= 10 OR gf >= 8)
      AND pl < 10 AND gl < 8 THEN 1 ELSE 0 END),
  SUM(CASE WHEN COALESCE(se.n, 0) >= 2 AND (pf - pl >= 6 OR gf - gl >= 4)
      AND NOT (pl - pf >= 6 OR gl - gf >= 4) THEN 1 ELSE 0 END),
  SUM(CASE WHEN COALESCE(se.n, 0) >= 2 AND (pl - pf >= 6 OR gl - gf >= 4)
      AND NOT (pf - pl >= 6 OR gf - gl >= 4) THEN 1 ELSE 0 END),
  SUM(CASE WHEN COALESCE(se.n, 0) >= 2 AND (pf >= 10 OR gf >= 8) AND pl < 10
      AND gl < 8 AND (pf - pl >= 6 OR gf - gl >= 4)
      AND NOT (pl - pf >= 6 OR gl - gf >= 4) THEN 1 ELSE 0 END)
FROM ep JOIN clients_episode e ON e.id = ep.episode_id
LEFT JOIN se ON se.episode_id = ep.episode_id
WHERE pn >= 2 AND gn >= 2
GROUP BY e.clinician_id
"""
SESSIONS = """se AS (SELECT episode_id, COUNT(*) AS n FROM scheduling_appointment
  WHERE status = 'held' GROUP BY episode_id)"""
CURRENT = """FROM measures_administration a
  JOIN clients_client c ON c.id = a.client_id
  WHERE c.practice_id = %s AND a.status = 'submitted'
  AND a.instrument IN ('phq9', 'gad7') AND a.total IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM measures_administration x WHERE x.corrects_id = a.id)"""
CURRENT_LEFT_JOIN = """FROM measures_administration a
  JOIN clients_client c ON c.id = a.client_id
  LEFT JOIN measures_administration x ON x.corrects_id = a.id
  WHERE c.practice_id = %s AND a.status = 'submitted'
  AND a.instrument IN ('phq9', 'gad7') AND a.total IS NOT NULL AND x.id IS NULL"""
PIVOT = """SELECT episode_id,
  MAX(CASE WHEN instrument = 'phq9' THEN f END) AS pf,
  MAX(CASE WHEN instrument = 'phq9' THEN l END) AS pl,
  MAX(CASE WHEN instrument = 'phq9' THEN n END) AS pn,
  MAX(CASE WHEN instrument = 'gad7' THEN f END) AS gf,
  MAX(CASE WHEN instrument = 'gad7' THEN l END) AS gl,
  MAX(CASE WHEN instrument = 'gad7' THEN n END) AS gn
  FROM s"""
WINDOWS = f"""WITH s AS (
  SELECT a.episode_id, a.instrument,
    FIRST_VALUE(a.total) OVER w AS f, LAST_VALUE(a.total) OVER w AS l,
    COUNT(*) OVER w AS n, ROW_NUMBER() OVER w AS rn
  {{current}}
  WINDOW w AS (PARTITION BY a.episode_id, a.instrument ORDER BY a.taken_at, a.id
    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
), ep AS ({PIVOT} WHERE rn = 1 GROUP BY episode_id), {SESSIONS}
{OUTER}"""
# SQLite only: first and last in one pass, by packing when|id|total into a
# string whose MIN and MAX are the first and last score (totals are 0-27).
_PACKED = "printf('%%s|%%012d|%%02d', a.taken_at, a.id, CAST(a.total AS INTEGER))"
_FIRST = (
    "CAST(substr(MIN(CASE WHEN a.instrument = '{code}' THEN {packed} END), -2) AS REAL)"
)
_LAST = (
    "CAST(substr(MAX(CASE WHEN a.instrument = '{code}' THEN {packed} END), -2) AS REAL)"
)
PACKED = f"""WITH ep AS (SELECT a.episode_id,
  {_FIRST.format(code="phq9", packed=_PACKED)} AS pf,
  {_LAST.format(code="phq9", packed=_PACKED)} AS pl,
  SUM(CASE WHEN a.instrument = 'phq9' THEN 1 ELSE 0 END) AS pn,
  {_FIRST.format(code="gad7", packed=_PACKED)} AS gf,
  {_LAST.format(code="gad7", packed=_PACKED)} AS gl,
  SUM(CASE WHEN a.instrument = 'gad7' THEN 1 ELSE 0 END) AS gn
  {{current}} GROUP BY a.episode_id), {SESSIONS}
{OUTER}"""
# PostgreSQL only: ordered array aggregates, one pass per episode.
_AGG = "(ARRAY_AGG(a.total ORDER BY a.taken_at {order}, a.id {order}) FILTER (WHERE a.instrument = '{code}'))[1]"
ARRAYS = f"""WITH ep AS (SELECT a.episode_id,
  {_AGG.format(order="ASC", code="phq9")} AS pf,
  {_AGG.format(order="DESC", code="phq9")} AS pl,
  COUNT(*) FILTER (WHERE a.instrument = 'phq9') AS pn,
  {_AGG.format(order="ASC", code="gad7")} AS gf,
  {_AGG.format(order="DESC", code="gad7")} AS gl,
  COUNT(*) FILTER (WHERE a.instrument = 'gad7') AS gn
  {{current}} GROUP BY a.episode_id), {SESSIONS}
{OUTER}"""
FLOORS = {
    "sqlite": {
        "windows": WINDOWS.format(current=CURRENT),
        "windows, left join": WINDOWS.format(current=CURRENT_LEFT_JOIN),
        "packed strings": PACKED.format(current=CURRENT),
        "packed strings, left join": PACKED.format(current=CURRENT_LEFT_JOIN),
    },
    "postgresql": {
        "windows": WINDOWS.format(current=CURRENT),
        "windows, left join": WINDOWS.format(current=CURRENT_LEFT_JOIN),
        "array aggregates": ARRAYS.format(current=CURRENT),
        "array aggregates, left join": ARRAYS.format(current=CURRENT_LEFT_JOIN),
    },
}


def run_floor(sql: str, practice: Any) -> dict[int, tuple[int, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [practice.pk])
        return {row[0]: tuple(int(n) for n in row[1:]) for row in cursor.fetchall()}


def page_counts(result: Any) -> dict[int, tuple[int, ...]]:
    from alliance.measures.outcomes import COUNTS

    return {
        row.clinician.pk: tuple(getattr(row, name) for name in COUNTS)
        for row in result.rows
        if row.paired
    }


if __name__ == "__main__":
    main()
