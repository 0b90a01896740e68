"""Time "not on track", "measures due" and the chart's measures card against
a large caseload and print the figures.

    .venv/bin/python bench/tracking.py [--clients 10000] [--scores 8] [--busiest 1000]

Builds a throwaway SQLite database under a temporary folder (or uses
DATABASE_URL if set, which must then point at an empty database). One
clinician holds N active clients, each with two schedules (PHQ-9 every
session, GAD-7 every two weeks) and S PHQ-9 scores a week apart; the busiest
client has B scores. One client in twenty gets reliably worse. Rows are
bulk-created (a benchmark may skip the services; the demo may not), then the
stored states are built as the migration does (``refresh_measures
--rebuild``), when the code has them. Each call is then timed R times: median
and 95th percentile in ms, and the number of SQL queries. The query counts
should not grow with N, S or B; the times are for reading, not asserting.

Run it on an older checkout (PYTHONPATH=that checkout) for "before" figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10000)
    parser.add_argument("--scores", type=int, default=8)
    parser.add_argument("--busiest", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="alliance-bench-")
    Path(var, "staticfiles").mkdir()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var}/bench.sqlite3")
    os.environ.update(
        ALLIANCE_VAR_DIR=var, SECRET_KEY="bench-" + "x" * 50, ALLOWED_HOSTS="testserver"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "alliance.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    alice, busiest = build(args.clients, args.scores, args.busiest)
    built = time.perf_counter() - started
    print(
        f"built {args.clients} clients x {args.scores} scores (busiest {args.busiest}) "
        f"in {built:.1f}s ({settings.DATABASES['default']['ENGINE']})"
    )
    try:
        from alliance.measures.management.commands.refresh_measures import (
            refresh_everything,
        )
    except ImportError:
        print("no stored states in this checkout: computed per request")
    else:
        started = time.perf_counter()
        counts = refresh_everything(rebuild=True)
        print(
            f"refresh_measures --rebuild: {time.perf_counter() - started:.1f}s {counts}"
        )

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.measures.selectors import chart_measures, due_for_clinician
    from alliance.measures.tracking import not_on_track

    calls = {
        "not_on_track": lambda: len(not_on_track(alice)),
        "due_for_clinician": lambda: len(due_for_clinician(alice)),
        "chart_measures (busiest)": lambda: len(chart_measures(busiest).summaries),
    }
    print(f"{'call':<26}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'rows':>6}")
    for name, call in calls.items():
        timings = []
        for _ in range(args.repeat):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                rows = call()
                timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
        print(
            f"{name:<26}{statistics.median(timings):>10.1f}{p95:>9.1f}"
            f"{len(queries.captured_queries):>9}{rows:>6}"
        )


def build(n_clients: int, n_scores: int, busiest_scores: int):
    from django.utils import timezone

    from alliance.accounts.models import Practice, User
    from alliance.clients.models import Client, Episode
    from alliance.measures.models import Administration, MeasureSchedule

    practice = Practice.objects.create(name="Bench practice", time_zone="Europe/London")
    alice = User.objects.create_user(
        "alice@bench.example",
        "x" * 16,
        full_name="Alice",
        role="clinician",
        practice=practice,
    )
    clients = Client.objects.bulk_create(
        (
            Client(
                practice=practice,
                clinician=alice,
                created_by=alice,
                given_name=f"C{i:05}",
                family_name="Bench",
                date_of_birth=date(1980, 1, 1),
                referral_reason="Encrypted reason",
            )
            for i in range(n_clients)
        ),
        batch_size=2000,
    )
    episodes = Episode.objects.bulk_create(
        (Episode(client=c, clinician=alice, phase="active") for c in clients),
        batch_size=2000,
    )
    schedules = MeasureSchedule.objects.bulk_create(
        (
            MeasureSchedule(
                episode=e, instrument=code, when=when, every_n_weeks=n, created_by=alice
            )
            for e in episodes
            for code, when, n in (
                ("phq9", "every_session", None),
                ("gad7", "every_n_weeks", 2),
            )
        ),
        batch_size=2000,
    )
    phq9 = {s.episode_id: s for s in schedules if s.instrument == "phq9"}
    now = timezone.now()

    def rows():
        for i, (client, episode) in enumerate(zip(clients, episodes, strict=True)):
            count = busiest_scores if i == 0 else n_scores
            worse = i % 20 == 1
            for n in range(count):
                total = min(10 + n, 27) if worse else max(18 - n, 2)
                taken = now - timedelta(weeks=count - n, hours=i % 24)
                yield Administration(
                    episode=episode,
                    client=client,
                    schedule=phq9[episode.pk],
                    instrument="phq9",
                    instrument_version="1",
                    status="submitted",
                    mode="clinician",
                    total=total,
                    started_at=taken,
                    saved_at=taken,
                    submitted_at=taken,
                    taken_at=taken,
                )

    Administration.objects.bulk_create(rows(), batch_size=5000)
    return alice, clients[0]


if __name__ == "__main__":
    main()
