"""Scale-out settings, and the shared cache on a real Redis.

With ``REDIS_URL`` set, every web and worker process shares one cache (the
expected-recovery curves) and reads sessions from Redis, written through to the
database. The Redis tests use the server at ``REDIS_URL`` (or
``redis://127.0.0.1:6379/15``) under a key prefix of their own; they are
skipped when no Redis answers, except in CI (``CI=true``), where Redis is
required as PostgreSQL is."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache.backends.redis import RedisCache
from django.test import Client as HttpClient
from django.urls import reverse

from alliance.measures import tracking
from conftest import log_in

ROOT = Path(__file__).resolve().parents[3]
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def _settings(env: dict[str, str], expr: str, tmp_path) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_REPLICA_URL", "CACHE_KEY_PREFIX"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "alliance.settings",
            "DEBUG": "1",
            "ALLIANCE_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_redis_url_shares_the_cache_and_sessions(tmp_path):
    out = _settings(
        {"REDIS_URL": "redis://cache.internal:6379/2"},
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], settings.SESSION_ENGINE",
        tmp_path,
    )
    assert out == (
        "django.core.cache.backends.redis.RedisCache redis://cache.internal:6379/2 "
        "django.contrib.sessions.backends.cached_db"
    )


def test_without_redis_each_process_caches_alone_and_sessions_use_the_database(
    tmp_path,
):
    out = _settings(
        {},
        "settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE",
        tmp_path,
    )
    assert out == (
        "django.core.cache.backends.locmem.LocMemCache "
        "django.contrib.sessions.backends.db"
    )


def test_a_replica_url_adds_the_replica_database(tmp_path):
    replica = tmp_path / "replica.sqlite3"
    out = _settings(
        {"DATABASE_REPLICA_URL": f"sqlite:///{replica}"},
        "settings.DATABASES['replica']['NAME'], settings.DATABASE_ROUTERS",
        tmp_path,
    )
    assert out == f"{replica} ['alliance.core.replica.ReplicaRouter']"


def test_lockouts_and_the_account_ceiling_do_not_depend_on_the_cache(settings):
    # django-axes counts failures in the database (its default handler), and
    # the account ceiling counts them from the audit log: every process sees
    # them with or without Redis.
    handler = getattr(
        settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler"
    )
    assert handler == "axes.handlers.database.AxesDatabaseHandler"


@pytest.fixture
def shared_redis(settings):
    """The cache on Redis under a fresh key prefix; yields (server, prefix)."""
    url = os.environ.get("REDIS_URL") or TEST_REDIS_URL
    server = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI but {url} does not answer: {exc}")
        pytest.skip(f"no Redis at {url}")
    prefix = f"alliance-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield server, prefix, url
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def test_curves_are_fitted_once_for_every_process(shared_redis, practice):
    server, prefix, url = shared_redis
    # The sweep fits the curves and publishes them to the shared cache.
    curves = tracking.fit_practice_curves(practice.pk, "phq9")
    key = tracking._curve_key(practice.pk, "phq9")
    assert server.exists(f"{prefix}:1:{key}")
    # Another process, with its own connection to the same Redis, finds them
    # and neither fits them again nor reads the stored rows.
    other = RedisCache(url, {"KEY_PREFIX": prefix})
    assert other.get(key) == curves
    with (
        mock.patch.object(tracking, "fit_curves", side_effect=AssertionError),
        mock.patch.object(
            tracking.RecoveryCurve.objects, "filter", side_effect=AssertionError
        ),
    ):
        assert tracking.practice_curves(practice.pk, "phq9") == curves


def _session_key(http: HttpClient) -> str:
    from django.conf import settings

    return http.cookies[settings.SESSION_COOKIE_NAME].value


def _another_process(http: HttpClient) -> HttpClient:
    """A browser sending the same session cookie (to another web process)."""
    from django.conf import settings

    other = HttpClient()
    other.cookies[settings.SESSION_COOKIE_NAME] = _session_key(http)
    return other


def test_a_session_is_in_redis_and_survives_a_redis_restart(shared_redis, alice):
    server, prefix, _ = shared_redis
    first = log_in(HttpClient(), alice)
    assert first.get(reverse("home:index")).status_code == 200
    key = _session_key(first)
    cached = f"{prefix}:1:django.contrib.sessions.cached_db{key}"
    assert server.exists(cached)
    # Idle timeout: the cached copy lives as long as the session may idle.
    assert 0 < server.ttl(cached) <= 15 * 60
    assert Session.objects.filter(session_key=key).exists()
    # Another web process takes the same cookie.
    second = _another_process(first)
    assert second.get(reverse("home:index")).status_code == 200
    # Redis loses everything: the session is read back from the database.
    server.delete(cached)
    assert second.get(reverse("home:index")).status_code == 200
    assert server.exists(cached)


def test_signing_out_ends_the_session_in_every_process(shared_redis, alice):
    first = log_in(HttpClient(), alice)
    first.get(reverse("home:index"))
    second = _another_process(first)
    first.post(reverse("accounts:logout"))
    response = second.get(reverse("home:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
