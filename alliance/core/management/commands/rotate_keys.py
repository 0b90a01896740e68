"""``alliance rotate-keys``: move clinical free text onto a new field key.

Adds a new key to the key file and makes it active (new writes use it at once,
in every process), then re-encrypts every stored value still under an older
key, batch by batch. The old keys stay in the file, so every row stays readable
if the run is interrupted; ``--resume`` finishes the work and ``--retire KID``
removes a key once no row uses it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.core import crypto
from alliance.core.management import rotation

ENV_REFUSAL = (
    "The field keys come from the ALLIANCE_FIELD_KEYS environment variable, so "
    "this command cannot change them. Rotate there instead: add a new key with a "
    "new id, make it the active one, restart Alliance with the new value, then "
    "run `alliance rotate-keys --resume` to re-encrypt the stored text. Remove "
    "the old key from the variable only when the report shows 0 values on it."
)


class Command(BaseCommand):
    help = "Add a new field encryption key and re-encrypt all clinical text under it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            type=int,
            default=500,
            help="Rows per transaction (default 500).",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Add no new key; finish re-encrypting onto the active key.",
        )
        parser.add_argument(
            "--retire",
            metavar="KID",
            help="Remove key KID from the key file once no stored value uses it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch: int = options["batch"]
        resume: bool = options["resume"]
        retire: str | None = options["retire"]
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if resume and retire:
            raise CommandError("Use --resume and --retire in separate runs.")
        from_env = bool(os.environ.get("ALLIANCE_FIELD_KEYS"))
        if from_env and not resume:
            raise CommandError(ENV_REFUSAL)
        path = Path(settings.ALLIANCE_KEYS_FILE)
        if from_env:
            crypto.reset_keyring_cache()
            self._reencrypt(crypto.load_keyring(), batch, mode="resume", new_key=None)
            return
        try:
            with rotation.keyfile_lock(path, wait=False):
                crypto.reset_keyring_cache()
                ring = crypto.load_keyring()
                if retire:
                    self._retire(ring, path, retire)
                    return
                new_key = None
                if not resume:
                    ring, new_key = self._add_key(ring, path)
                self._reencrypt(
                    ring, batch, mode="resume" if resume else "rotate", new_key=new_key
                )
        except rotation.KeyfileBusy:
            raise CommandError(
                f"Another command is changing the key file {path} right now. "
                "Wait for it to finish, then run this again."
            ) from None

    def _add_key(self, ring: crypto.Keyring, path: Path) -> tuple[crypto.Keyring, str]:
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
            raise CommandError(
                f"The key file {path} did not keep the new key {new_id}; "
                "nothing was re-encrypted."
            )
        self.stdout.write(f"Added key {new_id} to {path} and made it the active key.")
        return ring, new_id

    def _reencrypt(
        self, ring: crypto.Keyring, batch: int, *, mode: str, new_key: str | None
    ) -> None:
        progress = rotation.reencrypt_all(ring, batch=batch)
        usage = rotation.key_usage(ring)
        self._report(ring, progress, usage)
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
            raise CommandError(
                f"{progress.unreadable} stored values could not be decrypted with "
                "any key in the keyring and were left unchanged:\n  "
                f"{shown}\nPut the missing key back into the key file (or check "
                "for tampering), then run `alliance rotate-keys --resume`."
            )

    def _report(
        self,
        ring: crypto.Keyring,
        progress: rotation.Progress,
        usage: dict[str, int],
    ) -> None:
        self.stdout.write(
            f"Re-encrypted {progress.reencrypted} values onto key {ring.active} "
            f"in {progress.batches} batches."
        )
        if progress.changed_meanwhile:
            self.stdout.write(
                f"{progress.changed_meanwhile} values were saved by someone else "
                "during the run and were left as they saved them."
            )
        self.stdout.write("Stored values per key:")
        for key_id in sorted({*ring.keys, *usage}):
            state = " (active)" if key_id == ring.active else ""
            if key_id not in ring.keys:
                state = " (not in the key file)"
            self.stdout.write(f"  {key_id}: {usage.get(key_id, 0)}{state}")
        for key_id in sorted(ring.keys):
            if key_id != ring.active and usage.get(key_id, 0) == 0:
                self.stdout.write(
                    f"Key {key_id} is no longer used by the database. Keep it while "
                    f"you keep backups made before this rotation, then run "
                    f"`alliance rotate-keys --retire {key_id}`."
                )
            elif key_id != ring.active:
                self.stdout.write(
                    f"{usage[key_id]} values are still on key {key_id}: "
                    "run `alliance rotate-keys --resume`."
                )

    def _retire(self, ring: crypto.Keyring, path: Path, key_id: str) -> None:
        if key_id not in ring.keys:
            raise CommandError(f"There is no key {key_id} in the key file {path}.")
        if key_id == ring.active:
            raise CommandError(
                f"Key {key_id} is the active key. Rotate to a new key first "
                "(`alliance rotate-keys`), then retire this one."
            )
        in_use = rotation.key_usage(ring).get(key_id, 0)
        if in_use:
            raise CommandError(
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
        late = rotation.key_usage(ring).get(key_id, 0)
        if late:
            crypto.write_keyring(ring, path)
            crypto.reset_keyring_cache()
            raise CommandError(
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
        self.stdout.write(
            f"Retired key {key_id}; the key file now holds {', '.join(sorted(kept.keys))}. "
            f"Backups made while {key_id} was in use need it to be read: keep a copy "
            "of the previous key file with those backups, stored apart from them."
        )
