"""Load test: many people using Alliance at once, over real HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_load \\
        .venv/bin/python bench/load.py [--users 100] [--duration 60] [--workers 4] \\
        [--think 1] [--ramp 0]

DATABASE_URL must name a PostgreSQL database that is empty or does not exist
yet (it is created, migrated and seeded; it is left behind for inspection, and
a second run reuses the accounts it holds). The script starts gunicorn on
127.0.0.1 only, then runs ``--users`` simulated people, arriving over
``--ramp`` seconds and pausing ``--think`` seconds on average between pages,
for ``--duration`` seconds after the last arrived, half clinicians and half
clients:

- a clinician signs in with a password and a TOTP code, then browses the home
  page, a client's chart and a score history;
- a client signs in to the portal, answers the questionnaires due (one
  question per screen, as a person does) and checks in, again and again.

Every request carries a real session cookie and CSRF token. At the end it
prints requests per second, latency percentiles and errors (which must be 0),
and checks that every submission the server acknowledged is stored: check-ins
and submitted questionnaires counted in the database must equal those
acknowledged (during this run). Exit status 1 if there were errors (a status
of 400 or more, or no answer within 60 seconds) or a count differs.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "load test password 0123"  # noqa: S105


# --- setup -------------------------------------------------------------------------


def environment(var: str, url: str) -> dict[str, str]:
    # DEBUG=1 only so that cookies work over plain loopback HTTP (production
    # marks them Secure and __Host-); nothing else here depends on it.
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "ALLIANCE_VAR_DIR": var,
        "SECRET_KEY": "load-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def seed(n_clinicians: int, n_clients: int) -> tuple[list[dict], list[dict]]:
    """The practice: clinicians with a small caseload and score history each,
    and clients with a portal login and two questionnaires due."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from alliance.accounts.models import Practice, User
    from alliance.clients.models import Client
    from alliance.clients.services import register_client
    from alliance.measures.services import record_administration, schedule_measure

    existing = Practice.objects.filter(name="Load Test Practice").first()
    if existing is not None:
        return accounts_of(existing)
    if Practice.objects.exists():
        raise SystemExit("DATABASE_URL must point at an empty database.")
    with transaction.atomic():
        practice = Practice.objects.create(name="Load Test Practice")
        clinicians, clients = [], []
        for n in range(max(n_clinicians, 1)):
            user = User.objects.create_user(
                f"clinician{n}@load.example",
                PASSWORD,
                full_name=f"Clinician {n}",
                role="clinician",
                practice=practice,
            )
            device = TOTPDevice.objects.create(user=user, name="load", confirmed=True)
            charts = []
            for c in range(3):
                client = register_client(
                    by=user,
                    given_name=f"Chart{n}x{c}",
                    family_name="Example",
                    date_of_birth=date(1990, 5, 17),
                    referral_reason="Low mood",
                    email=f"chart{n}x{c}@load.example",
                )
                episode = client.current_episode()
                for week, total in enumerate((16, 13, 9)):
                    at = timezone.now() - timedelta(weeks=3 - week)
                    answers = {f"q{i}": 0 for i in range(1, 10)}
                    for i in range(1, 9):
                        answers[f"q{i}"] = min(3, max(0, total - 3 * (i - 1)))
                    record_administration(episode, "phq9", answers, by=user, at=at)
                charts.append(
                    (
                        client.get_absolute_url(),
                        reverse("measures:history", args=[episode.uuid, "phq9"]),
                    )
                )
            clinicians.append(
                {"email": user.email, "key": device.bin_key, "charts": charts}
            )
        owners = User.objects.filter(practice=practice)
        for n in range(max(n_clients, 1)):
            owner = owners[n % owners.count()]
            client = register_client(
                by=owner,
                given_name=f"Portal{n}",
                family_name="Example",
                date_of_birth=date(1988, 1, 9),
                referral_reason="Worry",
                email=f"portal{n}@load.example",
            )
            client.user = User.objects.create_user(
                f"portal{n}@load.example",
                PASSWORD,
                full_name=f"Portal {n}",
                role=User.Role.CLIENT,
                practice=practice,
            )
            client.save(update_fields=["user"])
            for code in ("phq9", "gad7"):
                schedule_measure(
                    client.current_episode(),
                    code,
                    when="once",
                    by=owner,
                    share_with_client=False,
                )
            clients.append({"email": client.user.email})
    if Client.objects.count() != 3 * len(clinicians) + len(clients):
        raise SystemExit("seeding went wrong")
    return clinicians, clients


def accounts_of(practice) -> tuple[list[dict], list[dict]]:
    """The accounts of a practice this script seeded before (a second run)."""
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from alliance.clients.models import Client

    clinicians = []
    for device in TOTPDevice.objects.filter(
        user__practice=practice, name="load"
    ).select_related("user"):
        charts = []
        for client in Client.objects.filter(
            clinician=device.user, given_name__startswith="Chart"
        ):
            episode = client.current_episode()
            charts.append(
                (
                    client.get_absolute_url(),
                    reverse("measures:history", args=[episode.uuid, "phq9"]),
                )
            )
        clinicians.append(
            {"email": device.user.email, "key": device.bin_key, "charts": charts}
        )
    clients = [
        {"email": client.user.email}
        for client in Client.objects.filter(
            clinician__practice=practice, user__isnull=False
        ).select_related("user")
    ]
    return clinicians, clients


def stored_counts() -> dict[str, int]:
    from django.db import connections

    from alliance.checkins.models import CheckIn
    from alliance.measures.models import Administration

    connections.close_all()
    return {
        "check-ins": CheckIn.objects.count(),
        "questionnaires": Administration.objects.filter(
            mode=Administration.Mode.PORTAL, submitted_at__isnull=False
        ).count(),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and gunicorn)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "alliance.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "1",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


# --- simulated people ----------------------------------------------------------------


class Forms(html.parser.HTMLParser):
    """The POST forms of a page: action, fields (hidden and text inputs, the
    first option of each radio group) and named submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("checkbox", "submit"):
            self._form["fields"].setdefault(a["name"], a.get("value") or "")
        elif tag == "button":
            self._form["buttons"].append((a["name"], a.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def forms_of(text: str) -> list[dict]:
    parser = Forms()
    parser.feed(text)
    return parser.forms


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.acknowledged: Counter[str] = Counter()

    def add(self, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors[error] += 1

    def ack(self, kind: str) -> None:
        with self.lock:
            self.acknowledged[kind] += 1


class Person:
    def __init__(self, base: str, stats: Stats, think: float) -> None:
        import requests

        self.base = base
        self.stats = stats
        self.think = think
        self.http = requests.Session()

    def request(self, method: str, path: str, data: dict | None = None):
        url = urljoin(self.base, path)
        started = time.perf_counter()
        try:
            response = self.http.request(
                method, url, data=data, allow_redirects=False, timeout=60
            )
        except Exception as exc:
            self.stats.add(time.perf_counter() - started, f"{method} {path}: {exc}")
            raise
        error = None
        if response.status_code >= 400:
            error = f"{method} {re.sub(r'[0-9a-f-]{36}', '<uuid>', path)}: {response.status_code}"
        self.stats.add(time.perf_counter() - started, error)
        if error:
            raise RuntimeError(error)
        return response

    def get(self, path: str):
        response = self.request("GET", path)
        while response.is_redirect:
            response = self.request("GET", response.headers["Location"])
        return response

    def post(self, path: str, data: dict):
        return self.request("POST", path, data)

    def pause(self) -> None:
        time.sleep(random.uniform(0, 2 * self.think))

    def sign_in(self, email: str) -> None:
        page = self.get("/accounts/login/")
        (form,) = [f for f in forms_of(page.text) if "username" in f["fields"]]
        response = self.post(
            "/accounts/login/",
            {**form["fields"], "username": email, "password": PASSWORD},
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in refused for {email}")
        self.landing = response.headers["Location"]


class Clinician(Person):
    def run(self, account: dict, until: float) -> None:
        from django_otp.oath import totp

        self.sign_in(account["email"])
        page = self.get(self.landing)
        (form,) = [f for f in forms_of(page.text) if "token" in f["fields"]]
        for _attempt in range(2):
            # A code expires after 30 seconds; one queued longer than that is
            # refused, and a person types the next one.
            token = f"{totp(account['key']):06d}"
            response = self.post(page.url, {**form["fields"], "token": token})
            if response.status_code == 302:
                break
            time.sleep(30 - time.time() % 30)
        else:
            raise RuntimeError("TOTP code refused")
        while time.monotonic() < until:
            self.get("/")
            self.pause()
            chart, history = random.choice(account["charts"])
            self.get(chart)
            self.pause()
            self.get(history)
            self.pause()


class Patient(Person):
    def run(self, account: dict, until: float) -> None:
        self.sign_in(account["email"])
        while time.monotonic() < until:
            home = self.get("/portal/")
            self.pause()
            starts = re.findall(r'action="(/portal/measures/[^"]+/start/)"', home.text)
            if starts:
                self.questionnaire(starts[0], until)
            self.check_in()
            self.pause()

    def questionnaire(self, start: str, until: float) -> None:
        csrf = self.http.cookies.get("csrftoken")
        response = self.post(start, {"csrfmiddlewaretoken": csrf})
        location = response.headers["Location"]
        for _ in range(60):
            if "/done/" in location:
                self.stats.ack("questionnaires")
                self.get(location)
                return
            page = self.get(location)
            if "/done/" in page.url:
                location = page.url
                continue
            forms = forms_of(page.text)
            step = [f for f in forms if ("go", "next") in f["buttons"]]
            submit = [f for f in forms if f["action"].endswith("/submit/")]
            if step:
                form = step[0]
                data = {**form["fields"], "go": "next"}
            elif submit:
                form = submit[0]
                data = form["fields"]
            else:
                raise RuntimeError(f"no questionnaire form on {page.url}")
            response = self.post(urljoin(page.url, form["action"]), data)
            if response.status_code != 302:
                raise RuntimeError(f"answer not taken on {page.url}")
            location = response.headers["Location"]
            time.sleep(random.uniform(0, self.think / 2))
        raise RuntimeError("questionnaire did not finish")

    def check_in(self) -> None:
        page = self.get("/checkins/new/")
        (form,) = [f for f in forms_of(page.text) if "submission_key" in f["fields"]]
        data = {**form["fields"], "mood": "6", "safety_concern": "no", "note": ""}
        response = self.post("/checkins/new/", data)
        if response.status_code == 302 and "/checkins/mine/" in response.headers.get(
            "Location", ""
        ):
            self.stats.ack("check-ins")
        else:
            raise RuntimeError("check-in not acknowledged")


def simulate(kind, account, base, stats, think, until, failures, delay) -> None:
    time.sleep(delay)  # people arrive over the ramp-up, not all at once
    try:
        kind(base, stats, think).run(account, until)
    except Exception as exc:
        with stats.lock:
            failures.append(f"{kind.__name__} {account['email']}: {exc}")


# --- main ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause, s")
    parser.add_argument(
        "--ramp", type=float, default=0, help="seconds over which people arrive"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (see --help).")

    # The var/ folder (with the field keys) belongs with the database: a
    # second run against it must read what the first one encrypted.
    var = str(Path(tempfile.gettempdir()) / f"alliance-load-{url.rsplit('/', 1)[1]}")
    Path(var).mkdir(exist_ok=True)
    env = environment(var, url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "alliance.settings"
    create_database(url)
    import django

    django.setup()
    n_clinicians = args.users // 2
    started = time.perf_counter()
    clinicians, clients = seed(n_clinicians, args.users - n_clinicians)
    print(
        f"seeded {len(clinicians)} clinicians, {len(clients)} portal clients "
        f"in {time.perf_counter() - started:.0f}s"
    )

    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    stats, failures = Stats(), []
    try:
        before = stored_counts()
        until = time.monotonic() + args.ramp + args.duration
        people = [(Clinician, a) for a in clinicians] + [(Patient, a) for a in clients]
        random.shuffle(people)
        threads = [
            threading.Thread(
                target=simulate,
                args=(kind, account, base, stats, args.think, until, failures, delay),
            )
            for (kind, account), delay in zip(
                people,
                (args.ramp * n / len(people) for n in range(len(people))),
                strict=True,
            )
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    after = stored_counts()
    stored = {kind: after[kind] - before[kind] for kind in after}
    latencies = sorted(stats.latencies)
    quantiles = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else [0] * 99
    )
    print(
        f"{len(people)} simulated users ({len(clinicians)} clinicians, "
        f"{len(clients)} clients), {args.workers} gunicorn processes, "
        f"{elapsed:.0f}s (arriving over {args.ramp:.0f}s), "
        f"mean think time {args.think}s"
    )
    print(f"requests: {len(latencies)} ({len(latencies) / elapsed:.1f}/s)")
    p50, p90, p95, p99 = (quantiles[n - 1] * 1000 for n in (50, 90, 95, 99))
    top = latencies[-1] * 1000 if latencies else 0
    print(
        f"latency ms: p50 {p50:.0f}  p90 {p90:.0f}  p95 {p95:.0f}  "
        f"p99 {p99:.0f}  max {top:.0f}"
    )
    print(f"errors: {sum(stats.errors.values())} {dict(stats.errors) or ''}")
    for failure in failures[:10]:
        print(f"  stopped: {failure}")
    ok = not stats.errors and not failures
    for kind in ("check-ins", "questionnaires"):
        acked, count = stats.acknowledged[kind], stored[kind]
        verdict = "ok" if acked == count else "MISMATCH"
        ok = ok and acked == count
        print(f"{kind}: acknowledged {acked}, stored {count}: {verdict}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
