"""Production is the same settings module with production environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings(env: dict[str, str], expr: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "alliance.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


PROD = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "alliance.example.org"}


def test_argon2_is_the_first_hasher(tmp_path):
    out = _settings(
        {**PROD, "ALLIANCE_VAR_DIR": str(tmp_path)}, "settings.PASSWORD_HASHERS[0]"
    )
    assert out == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_is_https_only_with_hsts(tmp_path):
    env = {**PROD, "ALLIANCE_VAR_DIR": str(tmp_path)}
    out = _settings(
        env,
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE",
    )
    assert out == "True 31536000 True True"


def test_kept_database_connections_are_checked_before_reuse(tmp_path):
    env = {
        **PROD,
        "ALLIANCE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://alliance@db1/alliance",
        "DATABASE_REPLICA_URL": "postgres://alliance@db2/alliance",
        "DB_CONN_MAX_AGE": "60",
    }
    expr = ", ".join(
        f"settings.DATABASES['{alias}']['{key}']"
        for alias in ("default", "replica")
        for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
    )
    assert _settings(env, expr) == "60 True 60 True"
    # Without the variable: a connection per request, as before.
    env.pop("DB_CONN_MAX_AGE")
    assert _settings(env, "settings.DATABASES['default']['CONN_MAX_AGE']") == "0"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    code = "import alliance.settings"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
        | {"DEBUG": "0", "ALLIANCE_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_nonsense_boolean_fails_loudly(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import alliance.settings"],
        env={**os.environ, "DEBUG": "yes", "ALLIANCE_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_responses_carry_security_headers(as_user, alice):
    response = as_user(alice).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_load_nothing_from_other_origins(as_user, alice, cleo):
    import re

    for url in ("/", cleo.get_absolute_url(), "/clients/"):
        html = as_user(alice).get(url).content.decode()
        refs = re.findall(r'(?:src|href)="(https?:)?//', html)
        assert refs == [], url
        assert "<script>" not in html and "style=" not in html
