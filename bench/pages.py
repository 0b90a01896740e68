"""Time the busiest pages against a large caseload and print the figures.

    .venv/bin/python bench/pages.py [--clients 2000] [--sessions 20]

Builds a throwaway SQLite database under a temporary folder (or uses
DATABASE_URL if set, which must then point at an empty database), gives one
clinician a caseload of N clients with S held sessions and signed notes each,
then requests each page 20 times through Django's test client and prints the
median and 95th-percentile time and the number of SQL queries. The query
count should not grow with N or S; the times are for reading, not asserting.

    .venv/bin/python bench/pages.py --growth [--sizes 30,2000,10000] [--scores 1000]
        [--server gunicorn|client] [--repeat 20] [--sessions 5] [--rounds 1]

Growth mode grows one caseload through the given sizes (clients added with
bulk_create, the same database throughout) and at each size measures the
clinician home, the supervisor home, the busiest client's chart, its PHQ-9
history and that client's portal home against ``/bench/bare/``, a view that
only answers, behind the same middleware (``bench/bench_urls.py``, mounted by
``bench/bench_settings.py`` for the bench alone). The busiest client's score
count grows with the caseload up to ``--scores`` at the largest size; the
tables are analyzed (and on PostgreSQL vacuumed) after each size is built,
as autovacuum would. With
``--server gunicorn`` (the default) each page is served by a fresh one-worker
gunicorn, requested ``--repeat`` times after two warm-up requests, each time
right after a request of the bare view on the same worker (the ratio is taken
from those pairs, so both see the same load on a shared machine), and the
worker's peak resident memory is read from /proc; with ``--server client``
pages go through Django's test client in this process, paired the same way,
and the memory figure is the peak Python allocation of one request
(tracemalloc). With ``--rounds N`` each page is measured N times, a fresh
worker each time, and its line gives the round with the middle ratio and the
lowest and highest ratio of the rounds (on a shared machine one round can
catch a busy moment). Each size prints one line per page (throughput, ratio to
the bare view, queries, memory) and the run ends with one summary line per
page across sizes and an overall line: the goal (issue #13) is a ratio of at
least 30% at every size, the ratio at the largest size within 1.5x of the
smallest, and memory within 1.5x of the bare view's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--growth", action="store_true", help="see the docstring")
    parser.add_argument("--sizes", default="30,2000,10000")
    parser.add_argument("--scores", type=int, default=1000)
    parser.add_argument("--server", choices=["gunicorn", "client"], default="gunicorn")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="growth mode: measure each page this many times (a fresh worker each)"
        " and keep the round with the middle ratio",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="growth mode: also profile N requests of each page in this process",
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.sessions is None:
        args.sessions = 5 if args.growth else 20

    var = tempfile.mkdtemp(prefix="alliance-bench-")
    Path(var, "staticfiles").mkdir()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var}/bench.sqlite3")
    os.environ.update(
        ALLIANCE_VAR_DIR=var,
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
    )
    if args.growth:
        sys.path.insert(0, str(BENCH))
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        growth(args, var)
        return
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
    from alliance.accounts.models import Practice, User

    practice = Practice.objects.create(name="Bench practice", time_zone="Europe/London")
    alice = User.objects.create_user(
        "alice@bench.example",
        "x" * 16,
        full_name="Alice",
        role="clinician",
        practice=practice,
    )
    clients = add_clients(alice, n_clients, n_sessions)
    return alice, clients[0]


def add_clients(alice, n_clients: int, n_sessions: int, first: int = 0):
    """Add ``n_clients`` to Alice's caseload, each with an open episode and
    ``n_sessions`` held sessions with signed notes; the first 40 clients of the
    whole caseload also have an appointment today."""
    from django.utils import timezone

    from alliance.clients.models import Client, Episode
    from alliance.notes.models import ProgressNote, TherapySession
    from alliance.scheduling.models import Appointment

    practice = alice.practice
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
        for i in range(first, first + n_clients)
    )
    episodes = Episode.objects.bulk_create(
        Episode(client=c, clinician=alice, phase="active") for c in clients
    )
    for c, e in zip(clients, episodes, strict=True):
        c.bench_episode_id = e.pk
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    appts = []
    for i, (c, e) in enumerate(zip(clients, episodes, strict=True), start=first):
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
    return clients


GOAL_RATIO = 0.30  # issue #13: at least 30% of the bare view's throughput
GOAL_GROWTH = 1.5  # ratio at the largest size within 1.5x of the smallest
GOAL_MEMORY = 1.5  # worker memory within 1.5x of the bare view's


def growth(args: argparse.Namespace, var: str) -> None:
    """Grow one caseload through ``--sizes`` and compare each page with the
    bare view at every size (see the module docstring)."""
    from django.conf import settings

    from alliance.accounts.models import Practice, Supervision, User

    sizes = sorted({int(size) for size in args.sizes.split(",")})
    practice = Practice.objects.create(name="Bench practice", time_zone="Europe/London")
    alice = User.objects.create_user(
        "alice@bench.example",
        "x" * 16,
        full_name="Alice",
        role="clinician",
        practice=practice,
    )
    bob = User.objects.create_user(
        "bob@bench.example",
        "x" * 16,
        full_name="Bob",
        role="supervisor",
        practice=practice,
    )
    Supervision.objects.create(supervisor=bob, supervisee=alice)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"growth: sizes {sizes}, {args.sessions} sessions per client, up to "
        f"{args.scores} scores on the busiest client, {args.server}, {engine}"
    )
    results: dict[str, list[tuple[int, float, float, int, float]]] = {}
    have = scores = 0
    busiest = portal_user = None
    for size in sizes:
        started = time.perf_counter()
        added = add_clients(alice, size - have, args.sessions, first=have)
        add_scores(alice, added, per_client=2)
        if busiest is None:
            busiest = added[0]
            portal_user = User.objects.create_user(
                "client@bench.example",
                "x" * 16,
                full_name="C0 Bench",
                role="client",
                practice=practice,
            )
            busiest.user = portal_user
            busiest.save(update_fields=["user"])
        target = max(5, args.scores * size // sizes[-1])
        add_busiest_scores(alice, busiest, target - scores)
        have, scores = size, target
        # Fresh table statistics (and a vacuum), as autovacuum (PostgreSQL)
        # keeps them in a running system: without them the planner takes the
        # bulk-filled tables for empty ones and walks the caseload row by row.
        analyze()
        print(
            f"\n{size} clients, {scores} scores on the busiest "
            f"(built in {time.perf_counter() - started:.1f}s)"
        )
        episode = busiest.episodes.get()
        pages = [
            ("bare view", alice, "/bench/bare/"),
            ("clinician home", alice, "/"),
            ("supervisor home", bob, "/"),
            ("client chart", alice, busiest.get_absolute_url()),
            ("PHQ-9 history", alice, f"/measures/episodes/{episode.uuid}/phq9/"),
            ("portal home", portal_user, "/portal/"),
        ]
        print(
            f"{'page':<18}{'req/s':>8}{'ratio':>8}{'queries':>9}{'memory MB':>11}"
            f"{'bare req/s':>12}" + ("  ratio in each round" if args.rounds > 1 else "")
        )
        bare_mem = 0.0
        bare_cookie = session_cookie(alice)
        for name, user, url in pages:
            cookie = session_cookie(user)
            queries = count_queries(cookie, url)
            # Each page's requests alternate with the bare view's, on the same
            # worker, so both see the same load on a shared machine.
            paired = None if name == "bare view" else (bare_cookie, "/bench/bare/")
            runs = [
                serve_and_time(var, cookie, url, args.repeat, paired)
                if args.server == "gunicorn"
                else client_time(cookie, url, args.repeat, paired)
                for _ in range(args.rounds)
            ]
            # With several rounds, the one with the middle ratio: a moment of
            # a busy neighbour moves one round, not the figure.
            runs.sort(key=lambda run: run[0] / run[1])
            rps, bare_rps, _ = runs[len(runs) // 2]
            memory = max(run[2] for run in runs)
            if name == "bare view":
                bare_mem = memory
            ratio = rps / bare_rps
            spread = (
                f"{runs[0][0] / runs[0][1]:>7.1%}-{runs[-1][0] / runs[-1][1]:.1%}"
                if len(runs) > 1 and paired
                else ""
            )
            print(
                f"{name:<18}{rps:>8.1f}{ratio:>8.1%}{queries:>9}{memory:>11.1f}"
                f"{bare_rps:>12.1f}{spread}"
            )
            results.setdefault(name, []).append(
                (size, rps, ratio, queries, memory / bare_mem)
            )
            if args.profile:
                profile(cookie, url, args.profile)
    summarise(results, sizes)


def profile(cookie: tuple[str, str], url: str, repeat: int) -> None:
    """Print where ``repeat`` requests of ``url`` spend their time (cProfile,
    through the test client in this process): the functions with the most
    time of their own, then the most time including what they call."""
    import cProfile
    import pstats

    http = _test_client(cookie)
    http.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        http.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(40)


def analyze() -> None:
    """Table statistics and, on PostgreSQL, a vacuum too, as autovacuum would
    have done to tables this size in a running system; left to autovacuum
    itself, it may run in the middle of the measurements."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )


def summarise(results, sizes) -> None:
    print("\nsummary (ratio to the bare view at each size; memory relative to bare)")
    failures = []
    for name, rows in results.items():
        if name == "bare view":
            continue
        ratios = " ".join(f"{size}:{ratio:.1%}" for size, _, ratio, _, _ in rows)
        queries = "/".join(str(q) for _, _, _, q, _ in rows)
        drop = rows[0][2] / rows[-1][2]
        memory = max(m for *_, m in rows)
        ok = (
            min(r for _, _, r, _, _ in rows) >= GOAL_RATIO
            and drop <= GOAL_GROWTH
            and memory <= GOAL_MEMORY
        )
        if not ok:
            failures.append(name)
        print(
            f"{name}: {ratios}; smallest/largest {drop:.2f}x; queries {queries}; "
            f"memory up to {memory:.2f}x bare; {'meets' if ok else 'MISSES'} the goal"
        )
    print(
        f"overall: {len(results) - 1 - len(failures)} of {len(results) - 1} pages "
        f"meet the goal at sizes {sizes}"
        + (f"; missing: {', '.join(failures)}" if failures else "")
    )


def add_scores(alice, clients, per_client: int) -> None:
    """Give each client PHQ-9 scores improving from 15 down by 4 a time."""
    from django.utils import timezone

    now = timezone.now()
    rows = []
    for client in clients:
        episode_id = client.bench_episode_id
        for k in range(per_client):
            taken = now - timedelta(days=7 * (per_client - k))
            rows.append(phq9(alice, client.pk, episode_id, max(15 - 4 * k, 0), taken))
    _bulk_scores(rows)


def add_busiest_scores(alice, client, n: int) -> None:
    """Weekly-ish PHQ-9 scores, wavering, going back from three years ago."""
    from django.utils import timezone

    start = timezone.now() - timedelta(days=1100)
    rows = [
        phq9(
            alice,
            client.pk,
            client.bench_episode_id,
            6 + (k * 7) % 13,
            start + timedelta(hours=k * 7),
        )
        for k in range(n)
    ]
    _bulk_scores(rows)


def phq9(alice, client_id: int, episode_id: int, total: int, taken):
    from alliance.measures.models import Administration

    answers = {
        f"q{i}": (total // 9 + (1 if i <= total % 9 else 0)) for i in range(1, 10)
    }
    answers["q10"] = 1
    band = ("minimal", "None–minimal") if total < 5 else ("moderate", "Moderate")
    return Administration(
        episode_id=episode_id,
        client_id=client_id,
        instrument="phq9",
        instrument_version="1",
        status="submitted",
        mode="clinician",
        answers=json.dumps(answers, sort_keys=True),
        total=total,
        band=band[0],
        band_label=band[1],
        caseness=total >= 10,
        risk=False,
        risk_alerts={},
        started_at=taken,
        saved_at=taken,
        submitted_at=taken,
        taken_at=taken,
        entered_by=alice,
    )


def _bulk_scores(rows) -> None:
    from alliance.measures.models import Administration

    Administration.objects.bulk_create(rows, batch_size=2000)


def session_cookie(user) -> tuple[str, str]:
    """A signed-in session (second factor passed for staff) as a cookie."""
    from django.conf import settings
    from django.test import Client as HttpClient
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    http = HttpClient()
    http.force_login(user, backend="alliance.accounts.backends.EmailBackend")
    if user.role != "client":
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    name = settings.SESSION_COOKIE_NAME
    return name, http.cookies[name].value


def _test_client(cookie: tuple[str, str]):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.cookies[cookie[0]] = cookie[1]
    return http


def count_queries(cookie: tuple[str, str], url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = _test_client(cookie)
    http.get(url)  # warm caches, as a running worker would be
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(queries.captured_queries)


def client_time(
    cookie: tuple[str, str],
    url: str,
    repeat: int,
    paired: tuple[tuple[str, str], str] | None = None,
) -> tuple[float, float, float]:
    """Requests per second through the test client (and of the bare view,
    requested in turn with it when ``paired``), and the peak Python
    allocation (MB) of one more request."""
    import tracemalloc

    http = _test_client(cookie)
    bare = _test_client(paired[0]) if paired else None
    http.get(url)
    page_time = bare_time = 0.0
    for _ in range(repeat):
        if bare is not None and paired is not None:
            started = time.perf_counter()
            bare.get(paired[1])
            bare_time += time.perf_counter() - started
        started = time.perf_counter()
        http.get(url)
        page_time += time.perf_counter() - started
    rps = repeat / page_time
    tracemalloc.start()
    http.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rps, (repeat / bare_time if bare_time else rps), peak / 2**20


def serve_and_time(
    var: str,
    cookie: tuple[str, str],
    url: str,
    repeat: int,
    paired: tuple[tuple[str, str], str] | None = None,
) -> tuple[float, float, float]:
    """Start a one-worker gunicorn, request ``url`` twice to warm it, then
    ``repeat`` times, each after a request of the bare view when ``paired``
    (its cookie and address); return the page's requests per second, the
    bare view's in the same run, and the worker's peak resident memory
    (MB)."""
    import http.client
    import signal
    import socket
    import subprocess

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(gunicorn),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--pythonpath",
            f"{ROOT},{BENCH}",
            "--log-level",
            "warning",
            "--timeout",
            "300",
            "alliance.wsgi:application",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings"},
        cwd=var,
    )

    def get(target: str = url, who: tuple[str, str] = cookie) -> float:
        headers = {"Cookie": f"{who[0]}={who[1]}", "Host": "127.0.0.1"}
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{target} answered {response.status} under gunicorn")
        return time.perf_counter() - started

    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        get()
        get()
        if paired:
            get(paired[1], paired[0])
        page_time = bare_time = 0.0
        for _ in range(repeat):
            if paired:
                bare_time += get(paired[1], paired[0])
            page_time += get()
        rps = repeat / page_time
        bare_rps = repeat / bare_time if bare_time else rps
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
        worker = children.split()[0]
        status = Path(f"/proc/{worker}/status").read_text()
        peak = next(
            int(line.split()[1])
            for line in status.splitlines()
            if line.startswith("VmHWM:")
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return rps, bare_rps, peak / 1024


if __name__ == "__main__":
    main()
