"""Finding, counting and re-encrypting the values of every EncryptedTextField.

Used by ``alliance rotate-keys`` (re-encryption, key usage) and by the backup
manifest (which encrypted columns exist). Rows are read and written by primary
key in batches; each write is conditional on the ciphertext that was read, so a
value a user saved in the meantime is never overwritten.
"""

from __future__ import annotations

import fcntl
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import models, transaction

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
        columns.setdefault(model._meta.db_table, set()).add(f.column)
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
    return f.aad_for(SimpleNamespace(_meta=model._meta, uuid=uuid))  # type: ignore[arg-type]


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
