"""Pytest plugin loaded first (``-p alliance.testing`` in pyproject.toml): the test
environment must exist before Django reads its settings."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# One var directory per process: pytest-xdist workers each load this plugin, so
# parallel workers never share a secret key, key file, upload or instrument.
_VAR_DIR = tempfile.mkdtemp(prefix="alliance-test-")
os.environ["ALLIANCE_VAR_DIR"] = _VAR_DIR
atexit.register(shutil.rmtree, _VAR_DIR, ignore_errors=True)

# With REDIS_URL set (`make test-redis`), every process keys its cache entries
# under its own prefix, so parallel workers and runs sharing one Redis never see
# each other's sessions or curves; the keys are deleted when the process ends.
if os.environ.get("REDIS_URL"):
    _PREFIX = f"alliance-test-{os.getpid()}-{os.urandom(4).hex()}"
    os.environ["CACHE_KEY_PREFIX"] = _PREFIX

    def _delete_redis_keys() -> None:
        import redis

        try:
            server = redis.Redis.from_url(os.environ["REDIS_URL"])
            for key in server.scan_iter(match=f"{_PREFIX}:*", count=500):
                server.delete(key)
        except redis.RedisError:
            pass

    atexit.register(_delete_redis_keys)


# Fixtures through which a test reaches the database. pytest-django refuses
# database access to any test without one of them (or the django_db mark).
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that can reach the database (the PostgreSQL "
        "leg: a test that cannot touch the database answers the same on any "
        "engine, and the SQLite leg has run it already)",
    )


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not config.getoption("database_tests_only"):
        return
    kept: list[pytest.Item] = []
    skipped: list[pytest.Item] = []
    for item in items:
        uses_database = (
            bool(_DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))
            or item.get_closest_marker("django_db") is not None
            # Reaches it another way (a server in a subprocess, say).
            or item.get_closest_marker("every_engine") is not None
        )
        (kept if uses_database else skipped).append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = kept
