"""Time the busiest pages against a large caseload and print the figures.

    .venv/bin/python bench/pages.py [--clients 2000] [--sessions 20]

Builds a throwaway SQLite database under a temporary folder (or uses
DATABASE_URL if set, which must then point at an empty database), gives one
clinician a caseload of N clients with S held sessions and signed notes each,
then requests each page 20 times through Django's test client and prints the
median and 95th-percentile time and the number of SQL queries. The query
count should not grow with N or S; the times are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
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

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    alice, busiest = build(args.clients, args.sessions)
    print(
        f"built {args.clients} clients x {args.sessions} sessions "
        f"in {time.perf_counter() - started:.1f}s ({settings.DATABASES['default']['ENGINE']})"
    )

    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    http = HttpClient()
    http.force_login(alice, backend="alliance.accounts.backends.EmailBackend")
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(
        user=alice, name="bench", confirmed=True
    ).persistent_id
    session.save()
    today = timezone.localdate().isoformat()
    pages = {
        "home": "/",
        "client list": "/clients/",
        "client chart (busiest)": busiest.get_absolute_url(),
        "calendar day": f"/calendar/day/{today}/",
        "calendar week": f"/calendar/week/{today}/",
    }
    print(f"{'page':<26}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for name, url in pages.items():
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = http.get(url)
                timings.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:<26}{statistics.median(timings):>10.1f}{p95:>9.1f}"
            f"{len(queries.captured_queries):>9}"
        )


def build(n_clients: int, n_sessions: int):
    """Bulk-create a caseload (a benchmark may skip the services; the demo may not)."""
    from django.utils import timezone

    from alliance.accounts.models import Practice, User
    from alliance.clients.models import Client, Episode
    from alliance.notes.models import ProgressNote, TherapySession
    from alliance.scheduling.models import Appointment

    practice = Practice.objects.create(name="Bench practice", time_zone="Europe/London")
    alice = User.objects.create_user(
        "alice@bench.example",
        "x" * 16,
        full_name="Alice",
        role="clinician",
        practice=practice,
    )
    clients = Client.objects.bulk_create(
        Client(
            practice=practice,
            clinician=alice,
            created_by=alice,
            given_name=f"C{i}",
            family_name="Bench",
            date_of_birth=date(1980, 1, 1),
            referral_reason="Encrypted reason",
        )
        for i in range(n_clients)
    )
    episodes = Episode.objects.bulk_create(
        Episode(client=c, clinician=alice, phase="active") for c in clients
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    appts = []
    for i, (c, e) in enumerate(zip(clients, episodes, strict=True)):
        for s in range(n_sessions):
            start = now - timedelta(days=7 * (s + 1), minutes=i % 1000)
            appts.append(
                Appointment(
                    clinician=alice,
                    client=c,
                    episode=e,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=50),
                    status="held",
                    created_by=alice,
                )
            )
        today = datetime.combine(
            timezone.localdate(), datetime.min.time(), tzinfo=now.tzinfo
        )
        if i < 40:
            start = today + timedelta(hours=8, minutes=15 * i)
            appts.append(
                Appointment(
                    clinician=alice,
                    client=c,
                    episode=e,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=10),
                    created_by=alice,
                )
            )
    appts = Appointment.objects.bulk_create(appts, batch_size=2000)
    held = [a for a in appts if a.status == "held"]
    sessions = TherapySession.objects.bulk_create(
        (
            TherapySession(
                appointment=a,
                client=a.client,
                episode=a.episode,
                clinician=alice,
                held_at=a.starts_at,
            )
            for a in held
        ),
        batch_size=2000,
    )
    ProgressNote.objects.bulk_create(
        (
            ProgressNote(
                episode=s.episode,
                session=s,
                author=alice,
                structure="soap",
                section_1="Encrypted text",
                signed_at=now,
                signed_by=alice,
                updated_by=alice,
            )
            for s in sessions
        ),
        batch_size=2000,
    )
    return alice, clients[0]


if __name__ == "__main__":
    main()
