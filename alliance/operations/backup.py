"""Encrypted, verifiable database backups (``alliance backup`` / ``alliance restore``).

A backup is a consistent snapshot of the database (SQLite's online backup API,
or ``pg_dump -Fc`` on an exported PostgreSQL snapshot), encrypted with the
*backup* key from the keyring, never with or containing the field keys.

File layout::

    MAGIC | header length (4 bytes) | header JSON | record 0 | record 1 | ...

The header (format, cipher, backup key id, nonce prefix, chunk size) is in
clear but authenticated: every record's associated data starts with its
SHA-256. Each record is ``length (4 bytes) | AES-256-GCM ciphertext``, with the
nonce ``prefix (8 random bytes) | record index (4 bytes)`` and the associated
data ``sha256(header) | kind | index | final flag``. Record 0 is the manifest
(kind ``M``), so table names and row counts are not readable without the key;
records 1..n are the snapshot in 1 MiB chunks (kind ``D``), the last one
flagged final. Reordering, truncation, appended data or a changed byte all
fail authentication.

The manifest records what the snapshot must contain: row count and SHA-256 of
every table (rows in primary-key order), the latest migration per app, the
field key ids in use, and the SHA-256 of the snapshot itself. Restore checks
all of it before the target is replaced (SQLite) or after pg_restore
(PostgreSQL, which restores into a database the operator chose).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

import dj_database_url
import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.core import crypto
from alliance.operations.keys import (
    KeyfileBusy,
    encrypted_columns,
    key_id_or_unreadable,
    keyfile_lock,
)

MAGIC = b"ALLIANCE-BACKUP\n"
FORMAT = 1
CHUNK_SIZE = 1 << 20
MAX_HEADER = 64 * 1024
MAX_MANIFEST = 64 * 1024 * 1024
SUFFIX = ".alliance-backup"
# Connection options that libpq understands (the rest of Django's OPTIONS are
# Django's own, such as isolation_level or pool).
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "application_name": "PGAPPNAME",
}
# Session settings that make PostgreSQL's text form of a row the same on every
# connection, so a table's hash depends only on its contents.
PG_STABLE_TEXT = (
    "SET TIME ZONE 'UTC'",
    "SET DateStyle TO 'ISO, YMD'",
    "SET IntervalStyle TO 'postgres'",
    "SET extra_float_digits TO 3",
    "SET bytea_output TO 'hex'",
)


# Errors from the disk or the database that a backup or restore reports as a
# plain message rather than a traceback.
FAILURES = (OSError, sqlite3.Error, DatabaseError, psycopg.Error)


class BackupError(Exception):
    """A backup or restore failed; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    key_id: str
    size: int
    seconds: float


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    target: str
    key_id: str
    seconds: float
    checked_only: bool = False
    # What was verified, in words for the report.
    checks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- keys ----------------------------------------------------------------------


def backup_key() -> tuple[str, bytes]:
    """The active backup key id and key, adding one to the key file if missing."""
    ring = crypto.load_keyring()
    if ring.backup_active in ring.backup_keys:
        return ring.backup_active, ring.backup_keys[ring.backup_active]
    if os.environ.get("ALLIANCE_FIELD_KEYS"):
        raise BackupError(
            "ALLIANCE_FIELD_KEYS has no backup key. Add a 32-byte key under "
            '"backup_keys" and name it in "backup_active", then run the backup again.'
        )
    path = Path(settings.ALLIANCE_KEYS_FILE)
    try:
        with keyfile_lock(path, wait=True):
            crypto.reset_keyring_cache()
            ring = crypto.load_keyring()
            if ring.backup_active not in ring.backup_keys:
                numbers = [int(k[1:]) for k in ring.backup_keys if k[1:].isdigit()]
                key_id = f"b{max(numbers, default=0) + 1}"
                crypto.write_keyring(
                    crypto.Keyring(
                        keys=dict(ring.keys),
                        active=ring.active,
                        backup_keys={
                            **ring.backup_keys,
                            key_id: AESGCM.generate_key(bit_length=256),
                        },
                        backup_active=key_id,
                    ),
                    path,
                )
                crypto.reset_keyring_cache()
                ring = crypto.load_keyring()
    except KeyfileBusy:  # pragma: no cover - only raised with wait=False
        raise BackupError(f"The key file {path} is locked.") from None
    return ring.backup_active, ring.backup_keys[ring.backup_active]


# --- manifest ------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_render(row: tuple[Any, ...]) -> str:
    values = [{"hex": v.hex()} if isinstance(v, bytes) else v for v in row]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _sqlite_tables(
    db: sqlite3.Connection,
) -> Iterator[tuple[str, Iterator[tuple[str, dict[str, Any]]]]]:
    names = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    for name in names:
        info = db.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
        columns = [c[1] for c in info]
        keys = [c[1] for c in sorted((c for c in info if c[5]), key=lambda c: c[5])]
        order = ", ".join(_quote(k) for k in keys) or "_rowid_"
        cursor = db.execute(f"SELECT * FROM {_quote(name)} ORDER BY {order}")  # noqa: S608

        def rows(
            cursor: sqlite3.Cursor = cursor, columns: list[str] = columns
        ) -> Iterator[tuple[str, dict[str, Any]]]:
            for row in cursor:
                yield _sqlite_render(row), dict(zip(columns, row, strict=True))

        yield name, rows()


def _pg_tables(
    db: Any, encrypted: dict[str, set[str]]
) -> Iterator[tuple[str, Iterator[tuple[str, dict[str, Any]]]]]:
    with db.cursor() as cur:
        cur.execute(
            "SELECT c.oid, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname"
        )
        tables = cur.fetchall()
    for oid, name in tables:
        with db.cursor() as cur:
            cur.execute(
                "SELECT a.attname, a.attcollation <> 0 FROM pg_index i "
                "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE i.indrelid = %s AND i.indisprimary ORDER BY k.ord",
                [oid],
            )
            # Text keys sort byte-wise, so a target database created with
            # another locale lists the rows in the same order.
            keys = [
                _quote(r[0]) + (' COLLATE "C"' if r[1] else "") for r in cur.fetchall()
            ]
            cur.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum",
                [oid],
            )
            columns = [r[0] for r in cur.fetchall()]
        wanted = sorted(encrypted.get(name, set()) & set(columns))
        order = ", ".join(keys) or 'alliance_row_::text COLLATE "C"'
        select = ", ".join(["alliance_row_::text", *(_quote(c) for c in wanted)])

        def rows(
            name: str = name,
            select: str = select,
            order: str = order,
            wanted: list[str] = wanted,
        ) -> Iterator[tuple[str, dict[str, Any]]]:
            with db.cursor(name=f"manifest_{secrets.token_hex(4)}") as cur:
                cur.itersize = 2000
                cur.execute(
                    f"SELECT {select} FROM {_quote(name)} AS alliance_row_ ORDER BY {order}"  # noqa: S608
                )
                for row in cur:
                    yield row[0], dict(zip(wanted, row[1:], strict=True))

        yield name, rows()


def compute_manifest(db: Any, vendor: str) -> dict[str, Any]:
    """Row counts, table hashes, migrations and field key ids of a database.

    ``db`` is a DB-API connection: sqlite3 on a snapshot file, or psycopg inside
    the transaction whose snapshot pg_dump exported.
    """
    encrypted = encrypted_columns()
    tables: dict[str, dict[str, Any]] = {}
    key_ids: Counter[str] = Counter()
    migrations: dict[str, str] = {}
    walker = _sqlite_tables(db) if vendor == "sqlite" else _pg_tables(db, encrypted)
    for name, rows in walker:
        digest = hashlib.sha256()
        count = 0
        for text, values in rows:
            digest.update(text.encode("utf-8") + b"\n")
            count += 1
            for column in encrypted.get(name, ()):
                key_id = key_id_or_unreadable(values.get(column))
                if key_id:
                    key_ids[key_id] += 1
        tables[name] = {"rows": count, "sha256": digest.hexdigest()}
    if "django_migrations" in tables:
        cur = db.cursor()
        try:
            cur.execute("SELECT app, name FROM django_migrations ORDER BY id")
            for app, name in cur.fetchall():
                migrations[app] = name
        finally:
            cur.close()
    return {
        "migrations": dict(sorted(migrations.items())),
        "tables": tables,
        "field_key_ids": dict(sorted(key_ids.items())),
    }


def _comparable(manifest: dict[str, Any]) -> dict[str, Any]:
    return {k: manifest[k] for k in ("migrations", "tables", "field_key_ids")}


def _differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    problems = []
    for name in sorted(set(expected["tables"]) | set(found["tables"])):
        want, got = expected["tables"].get(name), found["tables"].get(name)
        if want is None:
            problems.append(f"table {name} is not in the backup")
        elif got is None:
            problems.append(f"table {name} is missing")
        elif want["rows"] != got["rows"]:
            problems.append(
                f"table {name} has {got['rows']} rows, expected {want['rows']}"
            )
        elif want["sha256"] != got["sha256"]:
            problems.append(f"table {name} has different contents")
    if expected["migrations"] != found["migrations"]:
        problems.append("the migration state differs")
    if expected["field_key_ids"] != found["field_key_ids"]:
        problems.append("the field key ids in use differ")
    return problems


# --- encryption ----------------------------------------------------------------


def _aad(header_digest: bytes, kind: bytes, index: int, final: bool) -> bytes:
    return (
        header_digest
        + kind
        + struct.pack(">I", index)
        + (b"\x01" if final else b"\x00")
    )


def _encrypt(
    out: BinaryIO, snapshot: Path, manifest: dict[str, Any], key_id: str, key: bytes
) -> None:
    prefix = secrets.token_bytes(8)
    header = json.dumps(
        {
            "format": FORMAT,
            "cipher": "AES-256-GCM",
            "key_id": key_id,
            "nonce_prefix": base64.b64encode(prefix).decode("ascii"),
            "chunk_size": CHUNK_SIZE,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    out.write(MAGIC + struct.pack(">I", len(header)) + header)
    header_digest = hashlib.sha256(header).digest()
    aead = AESGCM(key)

    def put(index: int, kind: bytes, final: bool, data: bytes) -> None:
        if index >= 2**32:
            raise BackupError("The database is too large for this backup format.")
        nonce = prefix + struct.pack(">I", index)
        sealed = aead.encrypt(nonce, data, _aad(header_digest, kind, index, final))
        out.write(struct.pack(">I", len(sealed)) + sealed)

    put(0, b"M", False, json.dumps(manifest, sort_keys=True).encode("utf-8"))
    with open(snapshot, "rb") as fh:
        index, chunk = 1, fh.read(CHUNK_SIZE)
        while True:
            following = fh.read(CHUNK_SIZE)
            put(index, b"D", not following, chunk)
            if not following:
                break
            index, chunk = index + 1, following


def _read_exact(fh: BinaryIO, n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise BackupError("The backup file is truncated: it ends before its last part.")
    return data


def read_header(fh: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """Return the header and its SHA-256; the file is left after the header."""
    if fh.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not an Alliance backup file.")
    (length,) = struct.unpack(">I", _read_exact(fh, 4))
    if length > MAX_HEADER:
        raise BackupError("The backup file header is damaged.")
    raw = _read_exact(fh, length)
    try:
        header = json.loads(raw)
    except ValueError:
        raise BackupError("The backup file header is damaged.") from None
    if header.get("format") != FORMAT or header.get("cipher") != "AES-256-GCM":
        raise BackupError(
            f"This backup uses format {header.get('format')!r}, which this version "
            "of Alliance cannot read."
        )
    return header, hashlib.sha256(raw).digest()


class _Reader:
    """Reads and authenticates the records of an open backup file in order."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        header, self.header_digest = read_header(fh)
        self.key_id = str(header.get("key_id"))
        key = crypto.load_keyring().backup_keys.get(self.key_id)
        if key is None:
            raise BackupError(
                f"This backup was made with backup key {self.key_id}, which is not "
                "in the key file. Put back the key file that was in use when the "
                "backup was made (from your separate key archive) and try again."
            )
        try:
            self.prefix = base64.b64decode(header["nonce_prefix"], validate=True)
            self.chunk_size = int(header["chunk_size"])
        except (KeyError, ValueError, TypeError):
            raise BackupError("The backup file header is damaged.") from None
        if len(self.prefix) != 8:
            raise BackupError("The backup file header is damaged.")
        self.aead = AESGCM(key)

    def manifest(self) -> dict[str, Any]:
        sealed = self._sealed(0, MAX_MANIFEST)
        if sealed is None:
            raise BackupError("The backup file is truncated: it holds no data.")
        try:
            raw = self.aead.decrypt(
                self._nonce(0), sealed, _aad(self.header_digest, b"M", 0, False)
            )
        except InvalidTag:
            raise BackupError(
                f"The backup cannot be decrypted with backup key {self.key_id}: the "
                "key is not the one it was made with, or the file was altered."
            ) from None
        return json.loads(raw)

    def chunk(self, index: int) -> tuple[bytes, bool]:
        """The next snapshot chunk and whether it is the final one."""
        sealed = self._sealed(index, self.chunk_size)
        if sealed is None:
            raise BackupError(
                "The backup file is truncated: it ends before its last part."
            )
        position = self.fh.tell()
        at_end = self.fh.read(1) == b""
        self.fh.seek(position)
        try:
            data = self._open(index, sealed, final=at_end)
        except InvalidTag:
            # Tell a cut or extended file from an altered one: the part is
            # intact but its final flag does not match where the file ends.
            try:
                self._open(index, sealed, final=not at_end)
            except InvalidTag:
                raise BackupError(
                    f"The backup file was altered or damaged: part {index} fails "
                    "its authentication check."
                ) from None
            if at_end:
                raise BackupError(
                    "The backup file is truncated: it ends before its last part."
                ) from None
            raise BackupError(
                "The backup file has unexpected data after its last part."
            ) from None
        return data, at_end

    def _open(self, index: int, sealed: bytes, *, final: bool) -> bytes:
        aad = _aad(self.header_digest, b"D", index, final)
        return self.aead.decrypt(self._nonce(index), sealed, aad)

    def _nonce(self, index: int) -> bytes:
        return self.prefix + struct.pack(">I", index)

    def _sealed(self, index: int, limit: int) -> bytes | None:
        start = self.fh.read(4)
        if not start:
            return None
        if len(start) != 4:
            raise BackupError("The backup file is truncated.")
        (length,) = struct.unpack(">I", start)
        if length > limit + 16:
            raise BackupError(f"The backup file is damaged at part {index}.")
        return _read_exact(self.fh, length)


def read_manifest(path: Path) -> tuple[dict[str, Any], str]:
    """Decrypt only the manifest; returns it and the backup key id."""
    with open(path, "rb") as fh:
        reader = _Reader(fh)
        return reader.manifest(), reader.key_id


def _decrypt(path: Path, out: BinaryIO | None) -> tuple[dict[str, Any], str]:
    """Decrypt and authenticate the whole file, writing the snapshot to ``out``.

    Returns the manifest and the backup key id. Raises BackupError on a wrong
    key, any altered byte, truncation, extra data, or a snapshot whose hash
    differs from the manifest.
    """
    with open(path, "rb") as fh:
        reader = _Reader(fh)
        manifest = reader.manifest()
        digest = hashlib.sha256()
        size = 0
        index, final = 1, False
        while not final:
            data, final = reader.chunk(index)
            digest.update(data)
            size += len(data)
            if out is not None:
                out.write(data)
            index += 1
    if digest.hexdigest() != manifest.get("snapshot_sha256") or size != manifest.get(
        "snapshot_bytes"
    ):
        raise BackupError(
            "The decrypted snapshot does not match its recorded checksum."
        )
    return manifest, reader.key_id


# --- snapshots -------------------------------------------------------------------


@contextmanager
def _private_dir(parent: Path) -> Iterator[Path]:
    """A mode-0700 directory for plaintext snapshots, removed afterwards."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=".alliance-backup-", dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    """Make a rename in this directory survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _private_file(path: Path) -> BinaryIO:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def _sqlite_snapshot(dest: Path) -> dict[str, Any]:
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    source = connection.connection
    if source.in_transaction:
        # The online backup API cannot copy from a connection that is writing
        # (it would wait forever); serialize() gives the same consistent image,
        # including this transaction's own rows.
        with _private_file(dest) as fh:
            fh.write(source.serialize())
    else:
        _private_file(dest).close()
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
        finally:
            target.close()
    db = sqlite3.connect(dest, isolation_level=None)
    try:
        # A self-contained file: no -wal beside it when restored.
        db.execute("PRAGMA journal_mode=DELETE")
        return compute_manifest(db, "sqlite")
    finally:
        db.close()


def _pg_params(settings_dict: Mapping[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"dbname": settings_dict["NAME"]}
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        if settings_dict.get(key):
            params[key.lower()] = str(settings_dict[key])
    for key in LIBPQ_OPTIONS:
        if key in settings_dict.get("OPTIONS", {}):
            params[key] = str(settings_dict["OPTIONS"][key])
    return params


def _pg_env(params: dict[str, Any]) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore, passed by environment so the
    password never shows in the process list."""
    env = dict(os.environ)
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
    names |= {"host": "PGHOST", "port": "PGPORT", **LIBPQ_OPTIONS}
    for key, value in params.items():
        env[names[key]] = value
    return env


def _pg_connect(params: dict[str, Any]) -> Any:
    try:
        db = psycopg.connect(**params, autocommit=True)
    except psycopg.Error as exc:
        raise BackupError(
            f"Cannot connect to PostgreSQL database {params['dbname']}: {exc}"
        ) from None
    for statement in PG_STABLE_TEXT:
        db.execute(statement)
    return db


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools "
            "matching the server's major version."
        )
    return path


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _pg_snapshot(dest: Path) -> dict[str, Any]:
    params = _pg_params(connections[DEFAULT_DB_ALIAS].settings_dict)
    pg_dump = _tool("pg_dump")
    db = _pg_connect(params)
    try:
        db.autocommit = False
        db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        db.read_only = True
        # pg_dump imports this transaction's snapshot, so the dump and the
        # manifest computed below see exactly the same rows.
        (snapshot,) = db.execute("SELECT pg_export_snapshot()").fetchone()
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(dest)],
            _pg_env(params),
            "pg_dump",
        )
        dest.chmod(0o600)
        manifest = compute_manifest(db, "postgresql")
        db.rollback()
        return manifest
    finally:
        db.close()


def _file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK_SIZE):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _version() -> str:
    try:
        return metadata.version("alliance")
    except metadata.PackageNotFoundError:
        return "unknown"


def default_output() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"alliance-{stamp}{SUFFIX}"


def create_backup(output: Path | None = None) -> BackupResult:
    """Snapshot the database, encrypt it with the backup key, write it to output.

    The file appears under its final name only when complete, so a failed run
    (disk full, pg_dump error) never leaves a truncated file looking like a
    good backup.
    """
    try:
        return _create_backup(output)
    except BackupError:
        raise
    except FAILURES as exc:
        raise BackupError(f"The backup failed: {exc}") from exc


def _create_backup(output: Path | None) -> BackupResult:
    started = time.monotonic()
    output = Path(output or default_output())
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output.")
    key_id, key = backup_key()
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _private_dir(Path(settings.VAR_DIR)) as work:
        snapshot = work / "snapshot"
        created_at = datetime.now(UTC).isoformat(timespec="seconds")
        content = (
            _sqlite_snapshot(snapshot) if vendor == "sqlite" else _pg_snapshot(snapshot)
        )
        snapshot_sha256, snapshot_bytes = _file_sha256(snapshot)
        manifest = {
            "format": FORMAT,
            "created_at": created_at,
            "vendor": vendor,
            "alliance_version": _version(),
            **content,
            "snapshot_sha256": snapshot_sha256,
            "snapshot_bytes": snapshot_bytes,
        }
        partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.partial")
        try:
            with _private_file(partial) as out:
                _encrypt(out, snapshot, manifest, key_id, key)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, output)
            _fsync_dir(output.parent)
        finally:
            with suppress(FileNotFoundError):
                partial.unlink()
    return BackupResult(
        path=output,
        manifest=manifest,
        key_id=key_id,
        size=output.stat().st_size,
        seconds=time.monotonic() - started,
    )


# --- restore -------------------------------------------------------------------


def _migration_notes(manifest: dict[str, Any]) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest = dict(loader.graph.leaf_nodes())
    behind = sorted(
        app for app, name in latest.items() if manifest["migrations"].get(app) != name
    )
    if not behind:
        return []
    return [
        "The backup's schema differs from this version of Alliance for: "
        f"{', '.join(behind)}. Run `alliance migrate` on the restored database "
        "(after upgrading Alliance if the backup is newer)."
    ]


def _key_notes(manifest: dict[str, Any]) -> list[str]:
    ring = crypto.load_keyring()
    missing = {k: n for k, n in manifest["field_key_ids"].items() if k not in ring.keys}
    if not missing:
        return []
    listed = ", ".join(f"{k} ({n} values)" for k, n in sorted(missing.items()))
    return [
        f"Encrypted text under keys not in the current key file: {listed}. Put "
        "those keys back from your key archive, or that text cannot be read."
    ]


def _sqlite_target(target: str | None) -> Path:
    if target is None:
        name = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    elif target.startswith("sqlite:"):
        name = str(dj_database_url.parse(target)["NAME"])
    elif "://" in target:
        raise BackupError(
            "This is a backup of a SQLite database: --target must be a file path."
        )
    else:
        name = target
    if name in ("", ":memory:") or "mode=memory" in name:
        raise BackupError("Restore needs a database file path as --target.")
    return Path(name).resolve()


def _restore_sqlite(
    path: Path, target: str | None, *, force: bool, check_only: bool
) -> RestoreResult:
    started = time.monotonic()
    destination = None if check_only else _sqlite_target(target)
    if (
        destination is not None
        and destination.exists()
        and destination.stat().st_size > 0
        and not force
    ):
        raise BackupError(
            f"{destination} already holds a database. Restore into a new path with "
            "--target, or add --force to replace it."
        )
    work_parent = Path(settings.VAR_DIR) if destination is None else destination.parent
    with _private_dir(work_parent) as work:
        restored = work / "restored.sqlite3"
        with _private_file(restored) as out:
            manifest, key_id = _decrypt(path, out)
            out.flush()
            os.fsync(out.fileno())
        if manifest.get("vendor") != "sqlite":
            raise BackupError(
                "This is a backup of a PostgreSQL database: restore it with "
                "--target postgres://..."
            )
        db = sqlite3.connect(restored, isolation_level=None)
        try:
            integrity = db.execute("PRAGMA integrity_check").fetchall()
            if integrity != [("ok",)]:
                raise BackupError(
                    f"The restored database fails SQLite's integrity check: {integrity[:5]}"
                )
            found = compute_manifest(db, "sqlite")
        finally:
            db.close()
        problems = _differences(_comparable(manifest), found)
        if problems:
            raise BackupError(
                "The restored database does not match the backup's manifest: "
                + "; ".join(problems)
            )
        if destination is not None:
            if destination.exists() and destination.stat().st_size > 0 and not force:
                raise BackupError(
                    f"{destination} appeared during the restore; not replaced."
                )
            _replace_sqlite(restored, destination)
    return RestoreResult(
        manifest=manifest,
        target=str(destination or ""),
        key_id=key_id,
        seconds=time.monotonic() - started,
        checked_only=check_only,
        checks=[
            "every part decrypted and authenticated; snapshot checksum matches",
            "SQLite integrity check ok",
            "row counts and table checksums match the manifest",
        ],
        notes=_migration_notes(manifest) + _key_notes(manifest),
    )


def _replace_sqlite(restored: Path, destination: Path) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if (
        connection.vendor == "sqlite"
        and str(connection.settings_dict["NAME"])
        and (Path(str(connection.settings_dict["NAME"])).resolve() == destination)
    ):
        connection.close()
    # The old database's journal files would be replayed into the new one.
    for suffix in ("-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            Path(f"{destination}{suffix}").unlink()
    os.replace(restored, destination)
    destination.chmod(0o600)
    _fsync_dir(destination.parent)


def _pg_target_params(target: str | None) -> dict[str, Any]:
    if target is None:
        return _pg_params(connections[DEFAULT_DB_ALIAS].settings_dict)
    parsed = dj_database_url.parse(target)
    if parsed["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "For a PostgreSQL backup, --target must be a postgres:// URL."
        )
    return _pg_params(parsed)


def _pg_is_empty(db: Any) -> bool:
    (count,) = db.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'S', 'f', 'p')"
    ).fetchone()
    return count == 0


def _restore_pg(
    path: Path, target: str | None, *, force: bool, check_only: bool
) -> RestoreResult:
    started = time.monotonic()
    params = _pg_target_params(target)
    pg_restore = _tool("pg_restore")
    if not check_only:
        db = _pg_connect(params)
        try:
            empty = _pg_is_empty(db)
        finally:
            db.close()
        if not empty and not force:
            raise BackupError(
                f"The database {params['dbname']} is not empty. Restore into a new, "
                "empty database with --target, or add --force to replace its tables."
            )
    with _private_dir(Path(settings.VAR_DIR)) as work:
        dump = work / "restore.dump"
        with _private_file(dump) as out:
            manifest, key_id = _decrypt(path, out)
        if manifest.get("vendor") != "postgresql":
            raise BackupError(
                "This is a backup of a SQLite database: restore it with --target "
                "pointing at a file path."
            )
        if check_only:
            _run(
                [pg_restore, "--list", str(dump)], dict(os.environ), "pg_restore --list"
            )
        else:
            connection = connections[DEFAULT_DB_ALIAS]
            if (
                connection.vendor == "postgresql"
                and connection.settings_dict["NAME"] == params["dbname"]
            ):
                # Its open session would hold locks pg_restore --clean needs.
                connection.close()
            command = [
                pg_restore,
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
            ]
            if force:
                command += ["--clean", "--if-exists"]
            command += ["--dbname", params["dbname"], str(dump)]
            _run(command, _pg_env(params), "pg_restore")
    if not check_only:
        db = _pg_connect(params)
        try:
            db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with db.transaction():
                found = compute_manifest(db, "postgresql")
        finally:
            db.close()
        problems = _differences(_comparable(manifest), found)
        if problems:
            raise BackupError(
                f"The database {params['dbname']} was restored but does not match the "
                "backup's manifest: " + "; ".join(problems)
            )
    return RestoreResult(
        manifest=manifest,
        target=str(params["dbname"]),
        key_id=key_id,
        seconds=time.monotonic() - started,
        checked_only=check_only,
        checks=[
            "every part decrypted and authenticated; snapshot checksum matches",
            "pg_restore reads the archive"
            if check_only
            else "row counts and table checksums match the manifest",
        ],
        notes=_migration_notes(manifest) + _key_notes(manifest),
    )


def restore_backup(
    path: Path,
    *,
    target: str | None = None,
    force: bool = False,
    check_only: bool = False,
) -> RestoreResult:
    """Verify a backup completely, then restore it (or only verify it)."""
    try:
        return _restore_backup(Path(path), target, force=force, check_only=check_only)
    except BackupError:
        raise
    except FAILURES as exc:
        raise BackupError(f"The restore failed: {exc}") from exc


def _restore_backup(
    path: Path, target: str | None, *, force: bool, check_only: bool
) -> RestoreResult:
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    vendor = str(read_manifest(path)[0].get("vendor"))
    if vendor == "sqlite":
        return _restore_sqlite(path, target, force=force, check_only=check_only)
    if vendor == "postgresql":
        return _restore_pg(path, target, force=force, check_only=check_only)
    raise BackupError(
        f"This backup holds a {vendor} database, which Alliance cannot restore."
    )


# --- audited runs, for ``alliance backup`` and ``alliance restore`` ---------------


def audited_backup(output: Path | None = None) -> BackupResult:
    """``create_backup``, with the outcome written to the audit log."""
    try:
        result = create_backup(output)
    except BackupError as exc:
        record(
            None,
            "backup.create",
            None,
            outcome=AuditEvent.Outcome.FAILED,
            detail={"error": str(exc)},
        )
        raise
    manifest = result.manifest
    record(
        None,
        "backup.create",
        None,
        detail={
            "file": result.path.name,
            "bytes": result.size,
            "backup_key_id": result.key_id,
            "vendor": manifest["vendor"],
            "tables": len(manifest["tables"]),
            "rows": manifest_rows(manifest),
            "field_key_ids": sorted(manifest["field_key_ids"]),
            "snapshot_sha256": manifest["snapshot_sha256"],
            "seconds": round(result.seconds, 2),
        },
    )
    return result


def audited_restore(
    path: Path, *, target: str | None, force: bool, check_only: bool
) -> RestoreResult:
    """``restore_backup`` (or only its checks), with the outcome written to the
    audit log."""
    action = "backup.verify" if check_only else "backup.restore"
    try:
        result = restore_backup(path, target=target, force=force, check_only=check_only)
    except BackupError as exc:
        record(
            None,
            action,
            None,
            outcome=AuditEvent.Outcome.FAILED,
            detail={"file": path.name, "error": str(exc)},
        )
        raise
    manifest = result.manifest
    record(
        None,
        action,
        None,
        detail={
            "file": path.name,
            "target": "" if result.checked_only else result.target,
            "backup_created_at": manifest["created_at"],
            "backup_key_id": result.key_id,
            "tables": len(manifest["tables"]),
            "rows": manifest_rows(manifest),
            "snapshot_sha256": manifest["snapshot_sha256"],
            "seconds": round(result.seconds, 2),
        },
    )
    return result


def manifest_rows(manifest: dict[str, Any]) -> int:
    """Rows in the snapshot, over every table."""
    return sum(t["rows"] for t in manifest["tables"].values())
