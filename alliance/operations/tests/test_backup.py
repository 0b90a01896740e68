"""``alliance backup`` / ``alliance restore``: encrypted snapshots that round-trip
and fail closed (SECURITY.md section 4.6)."""

from __future__ import annotations

import base64
import secrets
import shutil
import sqlite3
import struct
import uuid
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from alliance.alerts.services import raise_alert
from alliance.audit.models import AuditEvent
from alliance.clients.models import Client
from alliance.clients.services import transition_episode
from alliance.core import crypto
from alliance.operations import backup, keys
from conftest import make_client

ENCRYPTED_CANARY = "CANARY-ENCRYPTED-5d1e"
PLAIN_CANARY = "Zzcanaryfamily"
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite backup and restore"
)


def _populate(alice) -> Client:
    for i in range(5):
        client = make_client(
            alice,
            given_name=f"Client{i}",
            family_name=PLAIN_CANARY,
            referral_reason=f"Reason {i} ({ENCRYPTED_CANARY})",
        )
        transition_episode(
            client.current_episode(), "assessment", by=alice, reason=f"Seen {i}"
        )
        raise_alert(client, source="Check", summary=f"Risk {i}", raised_by=alice)
    return client


def _backup(path) -> str:
    out = StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    return out.getvalue()


def _restore(path, *args: str) -> str:
    out = StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def _decrypted_values(db) -> dict[tuple[str, str], str]:
    """Every non-empty encrypted value in a restored database, decrypted."""
    values = {}
    for model, field in keys.encrypted_fields():
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(field.column)
        cursor = db.cursor()
        cursor.execute(f"SELECT uuid, {column} FROM {table}")  # noqa: S608
        for row_uuid, value in cursor.fetchall():
            if value:
                row_uuid = uuid.UUID(str(row_uuid))
                aad = keys.aad_for(model, field, row_uuid)
                values[(field.name, str(row_uuid))] = crypto.decrypt(value, aad)
        cursor.close()
    return values


def _latest_migration(app: str) -> str:
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(connection).graph.leaf_nodes()
    return next(name for label, name in leaves if label == app)


@pytest.fixture
def made(alice, tmp_path):
    """A populated database and a backup of it."""
    last = _populate(alice)
    path = tmp_path / "practice.alliance-backup"
    output = _backup(path)
    return path, last, output


@on_sqlite
def test_it_round_trips_a_populated_database(made, tmp_path):
    path, last, output = made
    target = tmp_path / "restored" / "alliance.sqlite3"
    target.parent.mkdir()

    report = _restore(path, "--target", str(target))

    manifest, key_id = backup.read_manifest(path)
    assert key_id == "b1"
    assert manifest["vendor"] == "sqlite"
    assert manifest["tables"]["clients_client"]["rows"] == 5
    assert manifest["field_key_ids"] == {"k1": 25}
    assert manifest["migrations"]["clients"] == _latest_migration("clients")
    db = sqlite3.connect(target)
    try:
        restored = backup.compute_manifest(db, "sqlite")
        assert restored["tables"] == manifest["tables"]
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        values = _decrypted_values(db)
    finally:
        db.close()
    for table in ("clients_client", "clients_episodetransition", "alerts_riskalert"):
        assert manifest["tables"][table]["rows"] == _live_count(table)
    assert (
        values[("referral_reason", str(last.uuid))] == f"Reason 4 ({ENCRYPTED_CANARY})"
    )
    assert len(values) == 25
    assert f"Backup written to {path}" in output
    assert f"Restored into {target}" in report
    assert "row counts and table checksums match the manifest" in report


def _live_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


@on_sqlite
def test_it_holds_no_plaintext_and_no_keys(made, settings):
    path, _, _ = made
    data = path.read_bytes()
    ring = crypto.load_keyring()
    for key in [*ring.keys.values(), *ring.backup_keys.values()]:
        assert key not in data
        assert base64.b64encode(key) not in data
    assert settings.ALLIANCE_KEYS_FILE.read_bytes() not in data
    for canary in (ENCRYPTED_CANARY, PLAIN_CANARY, "Client4", "Risk 4"):
        assert canary.encode() not in data
    assert b"CREATE TABLE" not in data
    assert b"SQLite format 3" not in data
    assert b"clients_client" not in data
    assert data.startswith(backup.MAGIC)


@on_sqlite
def test_it_records_audit_events_without_client_data(made, tmp_path):
    path, _, _ = made
    _restore(path, "--target", str(tmp_path / "restored.sqlite3"))
    created = AuditEvent.objects.get(action="backup.create")
    restored = AuditEvent.objects.get(action="backup.restore")
    assert (created.actor, created.outcome) == (None, "ok")
    assert created.detail["file"] == path.name
    assert created.detail["rows"] == sum(
        t["rows"] for t in backup.read_manifest(path)[0]["tables"].values()
    )
    assert restored.detail["target"] == str(tmp_path / "restored.sqlite3")
    for event in (created, restored):
        assert PLAIN_CANARY not in str(event.detail)
        assert ENCRYPTED_CANARY not in str(event.detail)


@on_sqlite
def test_it_writes_to_var_backups_by_default(alice, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    _populate(alice)
    out = StringIO()
    call_command("backup", stdout=out)
    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("alliance-")
    assert written.name.endswith("Z.alliance-backup")
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@on_sqlite
def test_it_refuses_to_replace_a_database_without_force(made, tmp_path):
    path, _, _ = made
    target = tmp_path / "existing.sqlite3"
    sqlite3.connect(target).execute("CREATE TABLE kept (x)").connection.close()
    before = target.read_bytes()

    with pytest.raises(CommandError, match="already holds a database"):
        _restore(path, "--target", str(target))
    assert target.read_bytes() == before

    _restore(path, "--target", str(target), "--force")
    db = sqlite3.connect(target)
    assert db.execute("SELECT count(*) FROM clients_client").fetchone() == (5,)
    db.close()


def _flip(path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _offset_of(path, marker: bytes) -> int:
    return path.read_bytes().index(marker) + len(marker)


@on_sqlite
@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("header", "cannot be decrypted with backup key b1"),
        ("manifest", "cannot be decrypted with backup key b1"),
        ("middle", r"altered or damaged: part \d+ fails"),
        ("last byte", r"altered or damaged: part \d+ fails"),
    ],
)
def test_it_rejects_a_tampered_file_and_leaves_the_target_untouched(
    made, tmp_path, where, message
):
    path, _, _ = made
    size = path.stat().st_size
    offset = {
        "header": _offset_of(path, b'"nonce_prefix":"') + 2,
        "manifest": _offset_of(path, b"}") + 300,
        "middle": size // 2,
        "last byte": size - 1,
    }[where]
    if where == "header":
        # Swap one base64 letter of the nonce for another, so the header still
        # parses and the tampering is caught by authentication, not by chance.
        data = bytearray(path.read_bytes())
        data[offset] = ord("A") if data[offset] != ord("A") else ord("B")
        path.write_bytes(bytes(data))
    else:
        _flip(path, offset)
    target = tmp_path / "existing.sqlite3"
    target.write_bytes(b"the practice's current database")

    with pytest.raises(CommandError, match=message):
        _restore(path, "--target", str(target), "--force")
    assert target.read_bytes() == b"the practice's current database"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    failed = AuditEvent.objects.get(action="backup.restore")
    assert failed.outcome == "failed"


@on_sqlite
@pytest.mark.parametrize("cut", [1, 100, 5000])
def test_it_rejects_a_truncated_file(made, tmp_path, cut):
    path, _, _ = made
    path.write_bytes(path.read_bytes()[:-cut])
    target = tmp_path / "new.sqlite3"
    with pytest.raises(CommandError, match="truncated"):
        _restore(path, "--target", str(target))
    assert not target.exists()


@on_sqlite
def test_it_rejects_a_file_cut_after_a_whole_part(made, tmp_path):
    path, _, _ = made
    with open(path, "rb") as fh:
        reader = backup._Reader(fh)
        reader.manifest()
        end_of_manifest = fh.tell()
    path.write_bytes(path.read_bytes()[:end_of_manifest])
    with pytest.raises(CommandError, match="truncated"):
        _restore(path, "--target", str(tmp_path / "new.sqlite3"))


def _parts(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each encrypted part of a backup file."""
    position = len(backup.MAGIC)
    (length,) = struct.unpack(">I", data[position : position + 4])
    position += 4 + length
    parts = []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        parts.append((position, position + 4 + length))
        position += 4 + length
    return parts


@on_sqlite
def test_it_detects_dropped_and_reordered_parts(alice, monkeypatch, tmp_path):
    monkeypatch.setattr(backup, "CHUNK_SIZE", 4096)
    _populate(alice)
    path = tmp_path / "small-parts.alliance-backup"
    _backup(path)
    data = path.read_bytes()
    parts = _parts(data)
    assert len(parts) > 10
    assert "SQLite integrity check ok" in _restore(path, "--check")

    path.write_bytes(data[: parts[-1][0]])
    with pytest.raises(CommandError, match="truncated: it ends before its last part"):
        _restore(path, "--check")

    (a, b), (c, d) = parts[1], parts[2]
    path.write_bytes(data[:a] + data[c:d] + data[a:b] + data[d:])
    with pytest.raises(CommandError, match="altered or damaged: part 1 fails"):
        _restore(path, "--check")


@on_sqlite
def test_it_rejects_data_appended_after_the_last_part(made, tmp_path):
    path, _, _ = made
    with open(path, "ab") as fh:
        fh.write(b"\x00\x00\x00\x10" + b"x" * 16)
    with pytest.raises(CommandError, match="unexpected data after its last part"):
        _restore(path, "--target", str(tmp_path / "new.sqlite3"))


@on_sqlite
def test_it_rejects_a_wrong_backup_key(made, settings, tmp_path):
    path, _, _ = made
    ring = crypto.load_keyring()
    crypto.write_keyring(
        crypto.Keyring(
            keys=ring.keys,
            active=ring.active,
            backup_keys={"b1": secrets.token_bytes(32)},
            backup_active="b1",
        ),
        settings.ALLIANCE_KEYS_FILE,
    )
    with pytest.raises(CommandError, match="cannot be decrypted with backup key b1"):
        _restore(path, "--target", str(tmp_path / "new.sqlite3"))
    assert not (tmp_path / "new.sqlite3").exists()


@on_sqlite
def test_it_names_a_missing_backup_key(made, settings, tmp_path):
    path, _, _ = made
    ring = crypto.load_keyring()
    crypto.write_keyring(
        crypto.Keyring(keys=ring.keys, active=ring.active), settings.ALLIANCE_KEYS_FILE
    )
    with pytest.raises(CommandError, match="backup key b1, which is not in the key"):
        _restore(path, "--check")


@on_sqlite
def test_it_adds_a_backup_key_when_the_key_file_has_none(alice, settings, tmp_path):
    ring = crypto.load_keyring()
    crypto.write_keyring(
        crypto.Keyring(keys=ring.keys, active=ring.active), settings.ALLIANCE_KEYS_FILE
    )
    _populate(alice)
    _backup(tmp_path / "b.alliance-backup")
    saved = crypto.Keyring.from_json(settings.ALLIANCE_KEYS_FILE.read_text())
    assert saved.backup_active == "b1"
    assert saved.keys == ring.keys
    assert saved.backup_keys["b1"] != ring.backup_keys["b1"]


@on_sqlite
def test_it_verifies_without_restoring(made, tmp_path):
    path, _, _ = made
    report = _restore(path, "--check")
    assert report.startswith("Verified backup of ")
    assert "SQLite integrity check ok" in report
    assert AuditEvent.objects.get(action="backup.verify").outcome == "ok"


@on_sqlite
def test_it_warns_when_field_keys_of_the_backup_are_gone(made, tmp_path):
    path, _, _ = made
    call_command("rotate_keys", stdout=StringIO())
    call_command("rotate_keys", "--retire", "k1", stdout=StringIO())
    report = _restore(path, "--target", str(tmp_path / "old.sqlite3"))
    assert "keys not in the current key file: k1 (25 values)" in report


@on_sqlite
def test_it_leaves_no_file_when_writing_fails(alice, monkeypatch, tmp_path):
    _populate(alice)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_encrypt", disk_full)
    with pytest.raises(CommandError, match="No space left on device"):
        _backup(tmp_path / "b.alliance-backup")
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]
    assert AuditEvent.objects.get(action="backup.create").outcome == "failed"


@on_sqlite
def test_it_refuses_to_overwrite_an_existing_backup(made):
    path, _, _ = made
    with pytest.raises(CommandError, match="already exists"):
        _backup(path)


@on_sqlite
def test_it_rejects_a_file_that_is_not_a_backup(db, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not an Alliance backup"):
        _restore(path, "--check")


# --- PostgreSQL -------------------------------------------------------------------


def _pg_url(name: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{name}"


@pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="PostgreSQL with pg_dump on PATH",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_log_emptied_after")
def test_it_round_trips_on_postgresql(alice, tmp_path):
    import psycopg

    last = _populate(alice)
    path = tmp_path / "pg.alliance-backup"
    _backup(path)
    name = f"alliance_restore_test_{secrets.token_hex(4)}"
    params = backup._pg_params(connection.settings_dict)
    admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        report = _restore(path, "--target", _pg_url(name))

        manifest, _ = backup.read_manifest(path)
        assert manifest["vendor"] == "postgresql"
        assert manifest["tables"]["clients_client"]["rows"] == 5
        assert manifest["field_key_ids"] == {"k1": 25}
        restored = backup._pg_connect({**params, "dbname": name})
        try:
            with restored.transaction():
                assert (
                    backup.compute_manifest(restored, "postgresql")["tables"]
                    == (manifest["tables"])
                )
                values = _decrypted_values(restored)
        finally:
            restored.close()
        assert values[("referral_reason", str(last.uuid))] == (
            f"Reason 4 ({ENCRYPTED_CANARY})"
        )
        assert "row counts and table checksums match the manifest" in report
        data = path.read_bytes()
        assert ENCRYPTED_CANARY.encode() not in data
        assert PLAIN_CANARY.encode() not in data
        assert b"CREATE TABLE" not in data

        with pytest.raises(CommandError, match="is not empty"):
            _restore(path, "--target", _pg_url(name))
        _restore(path, "--target", _pg_url(name), "--force")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
