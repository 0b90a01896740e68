"""Field key rotation: finding, counting and re-encrypting the values of every
EncryptedTextField, and the ``alliance rotate-keys`` procedure built on them.

Rotation adds a new key to the key file and makes it active (new writes use it
at once, in every process), then re-encrypts every stored value still under an
older key, batch by batch. The old keys stay in the file, so every row stays
readable if the run is interrupted; ``--resume`` finishes the work and
``--retire KID`` removes a key once no row uses it.

The backup manifest uses this module too (which encrypted columns exist). Rows are read and written by primary
key in batches; each write is conditional on the ciphertext that was read, so a
value a user saved in the meantime is never overwritten.
"""

from __future__ import annotations

import fcntl
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.core import crypto
from alliance.core.fields import EncryptedTextField, Sealed

UNREADABLE = "unreadable"


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every (model, field) pair holding encrypted text, in a stable order."""
    found = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        for f in opts.local_concrete_fields:
            if isinstance(f, EncryptedTextField):
                found.append((model, f))
    return sorted(found, key=lambda pair: (pair[0]._meta.label_lower, pair[1].name))


def encrypted_columns() -> dict[str, set[str]]:
    """Database table → names of its encrypted columns."""
    columns: dict[str, set[str]] = {}
    for model, f in encrypted_fields():
        columns.setdefault(model._meta.db_table, set()).add(f.column)  # type: ignore[arg-type]  # a concrete field has a column
    return columns


def key_id_or_unreadable(value: object) -> str | None:
    """The key id of a stored value, None for an empty one."""
    if isinstance(value, Sealed):
        value = value.ciphertext
    if value is None or value == "":
        return None
    try:
        return crypto.key_id_of(str(value))
    except crypto.DecryptionError:
        return UNREADABLE


def _non_empty(model: type[models.Model], f: EncryptedTextField) -> models.QuerySet:
    return (
        model._base_manager.exclude(**{f"{f.attname}__isnull": True})
        .exclude(**{f.attname: ""})
        .order_by()
    )


def _prefix(key_id: str) -> str:
    return f"{crypto.PREFIX}:{key_id}:"


def key_usage(ring: crypto.Keyring) -> dict[str, int]:
    """Rows per key id over every encrypted field (empty values not counted).

    Counted with one query per known key; values under a key the keyring does
    not know are rare and found by reading just those rows.
    """
    usage: Counter[str] = Counter()
    for model, f in encrypted_fields():
        rest = _non_empty(model, f)
        for key_id in ring.keys:
            n = rest.filter(**{f"{f.attname}__startswith": _prefix(key_id)}).count()
            if n:
                usage[key_id] += n
            rest = rest.exclude(**{f"{f.attname}__startswith": _prefix(key_id)})
        for value in rest.values_list(f.attname, flat=True).iterator():
            usage[key_id_or_unreadable(value) or UNREADABLE] += 1
    return dict(sorted(usage.items()))


def aad_for(model: type[models.Model], f: EncryptedTextField, uuid: Any) -> str:
    """The associated data the field uses for the row with this uuid."""
    return f.aad_for(SimpleNamespace(_meta=model._meta, uuid=uuid))  # type: ignore[arg-type]  # aad_for reads only _meta and uuid


def seal(plaintext: str, aad: str, ring: crypto.Keyring) -> str:
    return crypto.encrypt(plaintext, aad, ring)


@dataclass
class Progress:
    reencrypted: int = 0
    # Changed by someone else between read and write; left as they wrote it.
    changed_meanwhile: int = 0
    unreadable: int = 0
    batches: int = 0
    unreadable_rows: list[str] = field(default_factory=list)


def reencrypt_batch(
    model: type[models.Model],
    f: EncryptedTextField,
    rows: list[tuple[Any, Any, Any]],
    ring: crypto.Keyring,
    progress: Progress,
) -> None:
    """Re-encrypt (pk, uuid, stored value) rows onto ring.active, in one transaction."""
    with transaction.atomic():
        for pk, uuid, value in rows:
            old = value.ciphertext if isinstance(value, Sealed) else str(value)
            aad = aad_for(model, f, uuid)
            try:
                plain = crypto.decrypt(old, aad, ring)
            except crypto.DecryptionError:
                progress.unreadable += 1
                if len(progress.unreadable_rows) < 20:
                    progress.unreadable_rows.append(
                        f"{model._meta.label_lower}.{f.name} {uuid}"
                    )
                continue
            new = seal(plain, aad, ring)
            written = model._base_manager.filter(pk=pk, **{f.attname: old}).update(
                **{f.attname: new}
            )
            if written:
                progress.reencrypted += 1
            else:
                progress.changed_meanwhile += 1
    progress.batches += 1


def reencrypt_all(
    ring: crypto.Keyring,
    *,
    batch: int,
) -> Progress:
    """Move every encrypted value whose key is not ring.active onto it."""
    progress = Progress()
    for model, f in encrypted_fields():
        if not any(x.attname == "uuid" for x in model._meta.concrete_fields):
            raise ValueError(
                f"{model._meta.label} has encrypted text but no uuid field"
            )
        pending = _non_empty(model, f).exclude(
            **{f"{f.attname}__startswith": _prefix(ring.active)}
        )
        last_pk = None
        while True:
            page = pending if last_pk is None else pending.filter(pk__gt=last_pk)
            rows = list(
                page.order_by("pk").values_list("pk", "uuid", f.attname)[:batch]
            )
            if not rows:
                break
            reencrypt_batch(model, f, rows, ring, progress)
            last_pk = rows[-1][0]
    return progress


class KeyfileBusy(Exception):
    """Another process holds the key file lock."""


@contextmanager
def keyfile_lock(path: Path, *, wait: bool) -> Iterator[None]:
    """Hold an exclusive lock beside the key file, so two commands never write
    it at once (each would add its own new key and one would be lost)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a") as fh:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(fh.fileno(), flags)
        except BlockingIOError:
            raise KeyfileBusy(str(path)) from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --- the rotate-keys procedure --------------------------------------------------

ENV_REFUSAL = (
    "The field keys come from the ALLIANCE_FIELD_KEYS environment variable, so "
    "this command cannot change them. Rotate there instead: add a new key with a "
    "new id, make it the active one, restart Alliance with the new value, then "
    "run `alliance rotate-keys --resume` to re-encrypt the stored text. Remove "
    "the old key from the variable only when the report shows 0 values on it."
)

Say = Callable[[str], object]


class RotationError(Exception):
    """A refusal or a failed run, worded for the operator."""


def rotate_keys(
    *, batch: int = 500, resume: bool = False, retire: str | None = None, say: Say
) -> None:
    """Rotate onto a new key (or only ``resume`` re-encrypting, or ``retire`` an
    unused key), reporting each step through ``say``. Raises RotationError."""
    if batch < 1:
        raise RotationError("--batch must be at least 1.")
    if resume and retire:
        raise RotationError("Use --resume and --retire in separate runs.")
    from_env = bool(os.environ.get("ALLIANCE_FIELD_KEYS"))
    if from_env and not resume:
        raise RotationError(ENV_REFUSAL)
    path = Path(settings.ALLIANCE_KEYS_FILE)
    if from_env:
        crypto.reset_keyring_cache()
        _reencrypt(crypto.load_keyring(), batch, mode="resume", new_key=None, say=say)
        return
    try:
        with keyfile_lock(path, wait=False):
            crypto.reset_keyring_cache()
            ring = crypto.load_keyring()
            if retire:
                _retire(ring, path, retire, say=say)
                return
            new_key = None
            if not resume:
                ring, new_key = _add_key(ring, path, say=say)
            _reencrypt(
                ring,
                batch,
                mode="resume" if resume else "rotate",
                new_key=new_key,
                say=say,
            )
    except KeyfileBusy:
        raise RotationError(
            f"Another command is changing the key file {path} right now. "
            "Wait for it to finish, then run this again."
        ) from None


def _add_key(
    ring: crypto.Keyring, path: Path, *, say: Say
) -> tuple[crypto.Keyring, str]:
    new_id = ring.next_key_id()
    new_key = AESGCM.generate_key(bit_length=256)
    crypto.write_keyring(
        crypto.Keyring(
            keys={**ring.keys, new_id: new_key},
            active=new_id,
            backup_keys=dict(ring.backup_keys),
            backup_active=ring.backup_active,
        ),
        path,
    )
    crypto.reset_keyring_cache()
    # Re-encrypt only with the key as it reads back from disk: a value
    # sealed under a key that never reached the file could not be read.
    ring = crypto.load_keyring()
    if ring.active != new_id or ring.keys.get(new_id) != new_key:
        raise RotationError(
            f"The key file {path} did not keep the new key {new_id}; "
            "nothing was re-encrypted."
        )
    say(f"Added key {new_id} to {path} and made it the active key.")
    return ring, new_id


def _reencrypt(
    ring: crypto.Keyring, batch: int, *, mode: str, new_key: str | None, say: Say
) -> None:
    progress = reencrypt_all(ring, batch=batch)
    usage = key_usage(ring)
    _report(ring, progress, usage, say=say)
    failed = progress.unreadable > 0
    record(
        None,
        "keys.rotate",
        None,
        outcome=AuditEvent.Outcome.FAILED if failed else AuditEvent.Outcome.OK,
        detail={
            "mode": mode,
            "new_key_id": new_key,
            "active_key_id": ring.active,
            "key_ids": sorted(ring.keys),
            "reencrypted": progress.reencrypted,
            "changed_meanwhile": progress.changed_meanwhile,
            "unreadable": progress.unreadable,
            "batches": progress.batches,
            "values_per_key_id": usage,
        },
    )
    if failed:
        shown = "\n  ".join(progress.unreadable_rows[:20])
        raise RotationError(
            f"{progress.unreadable} stored values could not be decrypted with "
            "any key in the keyring and were left unchanged:\n  "
            f"{shown}\nPut the missing key back into the key file (or check "
            "for tampering), then run `alliance rotate-keys --resume`."
        )


def _report(
    ring: crypto.Keyring, progress: Progress, usage: dict[str, int], *, say: Say
) -> None:
    say(
        f"Re-encrypted {progress.reencrypted} values onto key {ring.active} "
        f"in {progress.batches} batches."
    )
    if progress.changed_meanwhile:
        say(
            f"{progress.changed_meanwhile} values were saved by someone else "
            "during the run and were left as they saved them."
        )
    say("Stored values per key:")
    for key_id in sorted({*ring.keys, *usage}):
        state = " (active)" if key_id == ring.active else ""
        if key_id not in ring.keys:
            state = " (not in the key file)"
        say(f"  {key_id}: {usage.get(key_id, 0)}{state}")
    for key_id in sorted(ring.keys):
        if key_id != ring.active and usage.get(key_id, 0) == 0:
            say(
                f"Key {key_id} is no longer used by the database. Keep it while "
                f"you keep backups made before this rotation, then run "
                f"`alliance rotate-keys --retire {key_id}`."
            )
        elif key_id != ring.active:
            say(
                f"{usage[key_id]} values are still on key {key_id}: "
                "run `alliance rotate-keys --resume`."
            )


def _retire(ring: crypto.Keyring, path: Path, key_id: str, *, say: Say) -> None:
    if key_id not in ring.keys:
        raise RotationError(f"There is no key {key_id} in the key file {path}.")
    if key_id == ring.active:
        raise RotationError(
            f"Key {key_id} is the active key. Rotate to a new key first "
            "(`alliance rotate-keys`), then retire this one."
        )
    in_use = key_usage(ring).get(key_id, 0)
    if in_use:
        raise RotationError(
            f"{in_use} stored values still use key {key_id}, so it cannot be "
            "retired. Run `alliance rotate-keys --resume` first."
        )
    kept = crypto.Keyring(
        keys={k: v for k, v in ring.keys.items() if k != key_id},
        active=ring.active,
        backup_keys=dict(ring.backup_keys),
        backup_active=ring.backup_active,
    )
    crypto.write_keyring(kept, path)
    crypto.reset_keyring_cache()
    # A process that had not yet seen the rotation may have written under
    # the old key while it was being counted: put the key back if so.
    late = key_usage(ring).get(key_id, 0)
    if late:
        crypto.write_keyring(ring, path)
        crypto.reset_keyring_cache()
        raise RotationError(
            f"{late} values were written under key {key_id} while it was being "
            "retired; the key was put back. Run `alliance rotate-keys --resume`, "
            "then retire it again."
        )
    record(
        None,
        "keys.retire",
        None,
        detail={"retired_key_id": key_id, "key_ids": sorted(kept.keys)},
    )
    say(
        f"Retired key {key_id}; the key file now holds {', '.join(sorted(kept.keys))}. "
        f"Backups made while {key_id} was in use need it to be read: keep a copy "
        "of the previous key file with those backups, stored apart from them."
    )
