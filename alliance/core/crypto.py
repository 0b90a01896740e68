"""AES-256-GCM for clinical free text, with key ids so keys can rotate.

Ciphertext format (text, so it fits any database's text column):
``v1:<key id>:<base64(nonce(12) + ciphertext + tag)>``.
The associated data binds a ciphertext to its row and field, so copying one
note's ciphertext onto another row fails to decrypt (SECURITY.md section 3.1).
Keys come from ALLIANCE_FIELD_KEYS (JSON) or the key file under var/ (mode
0600), created on first use; never from the database or SECRET_KEY.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext could not be decrypted: wrong key, wrong row, or tampered."""


@dataclass
class Keyring:
    """Field keys by id, the active id, and a separate key for backups."""

    keys: dict[str, bytes]
    active: str
    backup_keys: dict[str, bytes] = field(default_factory=dict)
    backup_active: str = ""

    def to_json(self) -> str:
        enc = base64.b64encode
        return json.dumps(
            {
                "active": self.active,
                "keys": {k: enc(v).decode() for k, v in self.keys.items()},
                "backup_active": self.backup_active,
                "backup_keys": {
                    k: enc(v).decode() for k, v in self.backup_keys.items()
                },
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        data = json.loads(text)
        dec = base64.b64decode
        ring = cls(
            keys={k: dec(v) for k, v in data["keys"].items()},
            active=data["active"],
            backup_keys={k: dec(v) for k, v in data.get("backup_keys", {}).items()},
            backup_active=data.get("backup_active", ""),
        )
        if ring.active not in ring.keys:
            raise ValueError(f"active key {ring.active!r} is not in the keyring")
        for key in [*ring.keys.values(), *ring.backup_keys.values()]:
            if len(key) != 32:
                raise ValueError("every key must be 32 bytes (AES-256)")
        return ring

    @classmethod
    def generate(cls) -> Keyring:
        return cls(
            keys={"k1": AESGCM.generate_key(bit_length=256)},
            active="k1",
            backup_keys={"b1": AESGCM.generate_key(bit_length=256)},
            backup_active="b1",
        )

    def next_key_id(self) -> str:
        numbers = [int(k[1:]) for k in self.keys if k[1:].isdigit()]
        return f"k{max(numbers, default=0) + 1}"


_lock = threading.Lock()
_cached: Keyring | None = None
# What the cached keyring was read from: the environment value, or the key
# file's path, inode, mtime and size. A change (rotate-keys replaces the file)
# makes every process re-read it, so rows re-encrypted under a new key stay
# readable by processes that were started before the rotation.
_cached_stamp: tuple[object, ...] | None = None


def _write_private(text: str, directory: Path) -> Path:
    """Write text to a new, uniquely named file with mode 0600; return its path."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".keys-", suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(tmp)


def write_keyring(ring: Keyring, path: Path) -> None:
    """Write the key file atomically with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_private(ring.to_json(), path.parent)
    os.replace(tmp, path)
    path.chmod(0o600)


def _create_keyring_file(path: Path) -> None:
    """Create the key file unless another process got there first.

    Two processes starting together must not each generate and use their own
    key: the loser's rows would be unreadable. ``os.link`` publishes the
    complete file atomically and fails if the name is taken.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_private(Keyring.generate().to_json(), path.parent)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def load_keyring() -> Keyring:
    """Return the keyring, creating the key file on first use."""
    global _cached, _cached_stamp
    with _lock:
        from_env = os.environ.get("ALLIANCE_FIELD_KEYS")
        if from_env:
            stamp: tuple[object, ...] = ("env", from_env)
            if _cached is None or _cached_stamp != stamp:
                _cached, _cached_stamp = Keyring.from_json(from_env), stamp
            return _cached
        # One stat per call (every decryption), no Path built unless the
        # file is new or changed: a page decrypts dozens of fields.
        name = os.fspath(settings.ALLIANCE_KEYS_FILE)
        try:
            info = os.stat(name)
        except FileNotFoundError:
            _create_keyring_file(Path(name))
            info = os.stat(name)
        stamp = (name, info.st_ino, info.st_mtime_ns, info.st_size)
        if _cached is None or _cached_stamp != stamp:
            _cached, _cached_stamp = Keyring.from_json(Path(name).read_text()), stamp
        return _cached


def reset_keyring_cache() -> None:
    global _cached, _cached_stamp
    with _lock:
        _cached = None
        _cached_stamp = None


def encrypt(plaintext: str, aad: str, ring: Keyring | None = None) -> str:
    ring = ring or load_keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = AESGCM(ring.keys[ring.active]).encrypt(
        nonce, plaintext.encode("utf-8"), aad.encode("utf-8")
    )
    return f"{PREFIX}:{ring.active}:{base64.b64encode(nonce + body).decode('ascii')}"


def key_id_of(ciphertext: str) -> str:
    parts = ciphertext.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not an Alliance ciphertext")
    return parts[1]


def decrypt(ciphertext: str, aad: str, ring: Keyring | None = None) -> str:
    ring = ring or load_keyring()
    kid = key_id_of(ciphertext)
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"key {kid!r} is not in the keyring")
    try:
        raw = base64.b64decode(ciphertext.split(":", 2)[2], validate=True)
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad.encode())
    except Exception as exc:
        raise DecryptionError("ciphertext failed authentication") from exc
    return plain.decode("utf-8")
