"""Fail honestly: liveness apart from readiness, and a plain 503 (not a generic
500 and never a traceback) while the database cannot be reached."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.urls import path

from alliance.core import crypto
from alliance.core.health import DatabaseUnavailableMiddleware

ROOT = Path(__file__).resolve().parents[3]


def test_it_answers_healthz_without_touching_the_database(client):
    # No db fixture: any query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_it_answers_readyz_when_database_and_keys_are_there(db, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert b"database: ok" in response.content


def test_it_names_the_keys_when_they_cannot_be_loaded(db, client, monkeypatch):
    def broken():
        raise ValueError("bad key file")

    monkeypatch.setattr(crypto, "load_keyring", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert b"keys: cannot be loaded" in response.content
    assert b"database" not in response.content
    assert b"bad key file" not in response.content


@login_not_required
def _database_gone(request):
    raise OperationalError("could not connect to server")


urlpatterns = [path("gone", _database_gone)]


@pytest.mark.urls(__name__)
def test_it_answers_503_when_a_view_loses_the_database(client):
    client.raise_request_exception = False
    response = client.get("/gone")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"temporarily unavailable" in response.content
    assert b"could not connect" not in response.content


def test_it_leaves_other_errors_to_the_500_handler(rf):
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(rf.get("/"), ValueError("x")) is None


# A real server over loopback, pointed at a database that then goes away.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


class _Sqlite:
    def __init__(self, tmp: Path) -> None:
        self.path = tmp / "gone.sqlite3"
        self.url = f"sqlite:///{self.path}"
        with sqlite3.connect(self.path) as db:
            db.execute("CREATE TABLE django_migrations (id integer)")

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        # A directory where the file was: SQLite cannot open or recreate it.
        self.path.mkdir()

    def cleanup(self) -> None:
        pass


class _Postgres:
    def __init__(self) -> None:
        import psycopg

        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        self.name = f"h7_gone_{uuid.uuid4().hex[:8]}"
        self.admin = f"{base}/postgres"
        self.url = f"{base}/{self.name}"
        with psycopg.connect(self.admin, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{self.name}"')
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute("CREATE TABLE django_migrations (id integer)")

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    cleanup = drop


@pytest.fixture
def vanishing_database(tmp_path) -> Iterator[_Sqlite | _Postgres]:
    engine = settings.DATABASES["default"]["ENGINE"]
    database = _Postgres() if "postgresql" in engine else _Sqlite(tmp_path)
    try:
        yield database
    finally:
        database.cleanup()


# Its server really uses the leg's database engine (no db fixture needed).
@pytest.mark.every_engine
def test_it_fails_honestly_when_the_database_is_dropped(tmp_path, vanishing_database):
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": "test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "ALLIANCE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": vanishing_database.url,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("ALLIANCE_FIELD_KEYS", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "alliance.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "20",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    session = "__Host-sessionid=" + "a" * 32
    try:
        for _ in range(150):
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        assert _get(f"{base}/readyz")[0] == 200

        vanishing_database.drop()

        status, _, body = _get(f"{base}/healthz")
        assert (status, body) == (200, "ok")
        status, headers, body = _get(f"{base}/readyz")
        assert status == 503
        assert "database: cannot be reached" in body
        assert "keys" not in body
        for page in ("/", "/clients/", "/portal/"):
            status, headers, body = _get(f"{base}{page}", cookie=session)
            assert status == 503, page
            assert "temporarily unavailable" in body
            assert headers.get("Retry-After") == "30"
            assert "Traceback" not in body
            assert "OperationalError" not in body
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
