"""Test-only settings and the people every test meets:

- alice: clinician; bob: another clinician; sam: clinical supervisor of alice;
- ada: practice admin; cleo: alice's client (a Client, with a portal login);
- dan: bob's client; zed: admin of another practice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client as HttpClient

TEST_PASSWORD = "correct horse battery staple"


def settings_for_tests(tmp_path: Path) -> dict[str, Any]:
    """The settings every test runs under, with its files in ``tmp_path``."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TASKS": {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        },
        "SECURE_SSL_REDIRECT": False,
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        "MEDIA_ROOT": tmp_path / "uploads",
        "ALLIANCE_KEYS_FILE": tmp_path / "keys.json",
        # Every prepared query is compared with Django's compile of it.
        "PREPARED_QUERIES_CHECK": True,
    }


def query_plan(sql: str) -> str:
    """The database's plan for a query as a test captured it, as it would be
    with a large table: PostgreSQL reads a handful of test rows by a scan
    whatever the indexes, so sequential and bitmap scans are ruled out while
    the plan is made."""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        try:
            explain = "EXPLAIN" if postgresql else "EXPLAIN QUERY PLAN"
            cursor.execute(f"{explain} {sql}")
            return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())
        finally:
            if postgresql:
                cursor.execute("RESET enable_seqscan")
                cursor.execute("RESET enable_bitmapscan")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    for name, value in settings_for_tests(tmp_path).items():
        setattr(settings, name, value)
    from alliance.core.crypto import reset_keyring_cache

    reset_keyring_cache()
    yield
    reset_keyring_cache()


@contextmanager
def shared_data(django_db_blocker: Any, path: Path) -> Iterator[None]:
    """Data made once for many tests (a module-scoped fixture), e.g. the demo.

    Inside, the test settings hold with their files (keys, uploads) in ``path``,
    and the database is open in one transaction that is rolled back afterwards;
    each test still runs in its own savepoint, so no test sees another's writes.
    Tests that use the data must keep the same keys file: see
    ``alliance/demo/tests/test_demo.py``."""
    from django.db import transaction
    from django.test import override_settings

    from alliance.core.crypto import reset_keyring_cache

    with django_db_blocker.unblock(), override_settings(**settings_for_tests(path)):
        reset_keyring_cache()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            reset_keyring_cache()


def make_practice():
    from alliance.accounts.models import Practice

    return Practice.objects.create(
        name="Riverside Therapy",
        letterhead="1 River Walk, Exampleton",
        crisis_lines="Emergency: 999\nSamaritans: 116 123 (free, 24 hours)",
    )


def make_other_practice():
    from alliance.accounts.models import Practice

    return Practice.objects.create(name="Hilltop Counselling")


@pytest.fixture
def practice(db):
    return make_practice()


@pytest.fixture
def other_practice(db):
    return make_other_practice()


# The staff every test meets: e-mail, full name, role.
STAFF = {
    "alice": ("alice@example.org", "Alice Clinician", "clinician"),
    "bob": ("bob@example.org", "Bob Clinician", "clinician"),
    "sam": ("sam@example.org", "Sam Supervisor", "supervisor"),
    "ada": ("ada@example.org", "Ada Admin", "admin"),
    "zed": ("zed@example.org", "Zed Admin", "admin"),
}


def _person(practice, name):
    from alliance.accounts.models import User

    email, full_name, role = STAFF[name]
    return User.objects.create_user(
        email, TEST_PASSWORD, full_name=full_name, role=role, practice=practice
    )


@pytest.fixture
def alice(practice):
    return _person(practice, "alice")


@pytest.fixture
def bob(practice):
    return _person(practice, "bob")


def make_sam(practice, alice):
    from alliance.accounts.models import Supervision

    sam = _person(practice, "sam")
    Supervision.objects.create(supervisor=sam, supervisee=alice)
    return sam


@pytest.fixture
def sam(practice, alice):
    return make_sam(practice, alice)


@pytest.fixture
def ada(practice):
    return _person(practice, "ada")


@pytest.fixture
def zed(other_practice):
    return _person(other_practice, "zed")


def make_client(clinician, *, given_name, family_name="Example", **extra):
    """Register a client through the service, as the app does."""
    from alliance.clients.services import register_client

    fields = {
        "date_of_birth": date(1990, 5, 17),
        "referral_reason": f"Low mood and worry (CANARY-{given_name})",
        "email": f"{given_name.lower()}@example.net",
    }
    fields.update(extra)
    return register_client(
        by=clinician, given_name=given_name, family_name=family_name, **fields
    )


@pytest.fixture
def cleo(alice):
    return make_cleo(alice)


def make_cleo(alice):
    from alliance.accounts.models import User

    client = make_client(alice, given_name="Cleo", pronouns="she/her")
    client.user = User.objects.create_user(
        "cleo@example.net",
        TEST_PASSWORD,
        full_name="Cleo Example",
        role=User.Role.CLIENT,
        practice=alice.practice,
    )
    client.save(update_fields=["user"])
    return client


@pytest.fixture
def dan(bob):
    return make_client(bob, given_name="Dan")


def make_consent_text(practice, ada):
    from alliance.clients.services import publish_consent_text

    return publish_consent_text(
        practice, title="Agreement to therapy", body="What therapy involves...", by=ada
    )


@pytest.fixture
def consent_text(practice, ada):
    return make_consent_text(practice, ada)


def make_people() -> dict[str, Any]:
    """Everyone the fixtures above make, made at once (for data shared by a
    module's tests, see ``shared_data``): each principal by name, and Cleo
    and Dan; the practice's consent text is published."""
    practice = make_practice()
    alice = _person(practice, "alice")
    bob = _person(practice, "bob")
    sam = make_sam(practice, alice)
    ada = _person(practice, "ada")
    zed = _person(make_other_practice(), "zed")
    cleo = make_cleo(alice)
    dan = make_client(bob, given_name="Dan")
    make_consent_text(practice, ada)
    return {
        "alice": alice,
        "bob": bob,
        "sam": sam,
        "ada": ada,
        "zed": zed,
        "cleo": cleo,
        "dan": dan,
    }


def log_in(http: HttpClient, user, *, verified: bool = True) -> HttpClient:
    """Log in as a fully signed-in user: password and, for staff, TOTP done."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    http.force_login(user, backend="alliance.accounts.backends.EmailBackend")
    if verified and user.needs_second_factor:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return http


@pytest.fixture
def as_user(client):
    """`as_user(alice)` returns the test client signed in as alice."""

    def _as(user, *, verified=True):
        return log_in(client, user, verified=verified)

    return _as


@pytest.fixture
def audit_log_emptied_after():
    """For transactional tests on PostgreSQL: after such a test Django
    truncates every table, and the audit table refuses TRUNCATE while it holds
    events (alliance/audit, issue #11). Empty it first, as the superuser the
    tests run as, with the triggers off for the moment."""
    from django.db import connection

    yield
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute("DELETE FROM audit_auditevent")
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
