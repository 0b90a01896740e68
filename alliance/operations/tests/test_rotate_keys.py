"""``alliance rotate-keys``: new key, re-encryption, resume, retire (SECURITY.md 4.7)."""

from __future__ import annotations

import base64
import json
import stat
from io import StringIO

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import CommandError, call_command

from alliance.alerts.services import raise_alert
from alliance.audit.models import AuditEvent
from alliance.clients.models import Client
from alliance.clients.services import transition_episode, update_client
from alliance.core import crypto
from alliance.operations import keys
from conftest import make_client


def _ring(settings) -> crypto.Keyring:
    return crypto.Keyring.from_json(settings.ALLIANCE_KEYS_FILE.read_text())


def _plaintexts() -> dict[tuple[str, str, int], str]:
    """Every encrypted value, read through the models (so decrypted)."""
    values = {}
    for model, field in keys.encrypted_fields():
        for obj in model._base_manager.order_by("pk"):
            values[(model._meta.label_lower, field.name, obj.pk)] = getattr(
                obj, field.attname
            )
    return values


def _rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def populated(alice):
    for i in range(7):
        client = make_client(
            alice, given_name=f"Client{i}", referral_reason=f"Reason {i} 😀"
        )
        transition_episode(
            client.current_episode(), "assessment", by=alice, reason=f"Seen {i}"
        )
        if i % 2:
            raise_alert(client, source="Check", summary=f"Risk {i}", raised_by=alice)
    # 7 referral reasons, 14 transition reasons, 3 alert summaries and
    # sources (severity stays plain: docs/decisions/0004).
    return 27


def test_it_rotates_every_value_onto_a_new_key(settings, populated):
    before = _plaintexts()
    assert keys.key_usage(crypto.load_keyring()) == {"k1": populated}

    output = _rotate("--batch", "5")

    ring = _ring(settings)
    assert ring.active == "k2"
    assert sorted(ring.keys) == ["k1", "k2"]
    assert stat.S_IMODE(settings.ALLIANCE_KEYS_FILE.stat().st_mode) == 0o600
    assert keys.key_usage(ring) == {"k2": populated}
    assert _plaintexts() == before
    assert f"Re-encrypted {populated} values onto key k2" in output
    assert f"  k1: 0\n  k2: {populated} (active)" in output
    assert "--retire k1" in output


def test_it_records_one_audit_event_per_run(populated):
    _rotate()
    events = AuditEvent.objects.filter(action="keys.rotate")
    assert events.count() == 1
    event = events.get()
    assert event.actor is None
    assert event.outcome == "ok"
    assert event.detail["mode"] == "rotate"
    assert event.detail["new_key_id"] == "k2"
    assert event.detail["reencrypted"] == populated
    assert event.detail["values_per_key_id"] == {"k2": populated}
    assert event.detail["key_ids"] == ["k1", "k2"]


def test_it_keeps_the_old_key_until_it_is_retired(settings, populated):
    before = _plaintexts()
    _rotate()
    assert "k1" in _ring(settings).keys

    output = _rotate("--retire", "k1")

    assert sorted(_ring(settings).keys) == ["k2"]
    assert "Retired key k1" in output
    crypto.reset_keyring_cache()
    assert _plaintexts() == before
    assert AuditEvent.objects.filter(action="keys.retire").get().detail == {
        "retired_key_id": "k1",
        "key_ids": ["k2"],
    }


def test_it_refuses_to_retire_the_active_key(populated):
    with pytest.raises(CommandError, match="k1 is the active key"):
        _rotate("--retire", "k1")


def test_it_refuses_to_retire_an_unknown_key(populated):
    with pytest.raises(CommandError, match="no key k5"):
        _rotate("--retire", "k5")


def test_it_resumes_an_interrupted_rotation(settings, monkeypatch, populated):
    before = _plaintexts()
    real = keys.reencrypt_batch
    calls = []

    def killed_after_two_batches(*args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(keys, "reencrypt_batch", killed_after_two_batches)
    with pytest.raises(KeyboardInterrupt):
        _rotate("--batch", "2")
    monkeypatch.setattr(keys, "reencrypt_batch", real)

    # Halfway: both keys in the file, every value still readable.
    ring = _ring(settings)
    assert (ring.active, sorted(ring.keys)) == ("k2", ["k1", "k2"])
    # The two batches were the 3 alert summaries (fields go in label order).
    assert keys.key_usage(ring) == {"k1": populated - 3, "k2": 3}
    assert _plaintexts() == before
    with pytest.raises(CommandError, match=f"{populated - 3} stored values still use"):
        _rotate("--retire", "k1")

    output = _rotate("--resume")

    assert sorted(_ring(settings).keys) == ["k1", "k2"]
    assert keys.key_usage(_ring(settings)) == {"k2": populated}
    assert f"Re-encrypted {populated - 3} values onto key k2" in output
    assert _plaintexts() == before
    _rotate("--retire", "k1")
    assert sorted(_ring(settings).keys) == ["k2"]


def test_it_never_overwrites_a_value_saved_during_the_run(
    settings, monkeypatch, alice, populated
):
    client = Client.objects.order_by("pk").last()
    aad_prefix = f"clients.client.referral_reason:{client.uuid}"
    real = keys.seal

    def seal_while_someone_edits(plaintext, aad, ring):
        if aad == aad_prefix:
            # Between the rotation's read and its write, a clinician saves.
            update_client(
                Client.objects.get(pk=client.pk),
                by=alice,
                referral_reason="Edited during rotation",
            )
        return real(plaintext, aad, ring)

    monkeypatch.setattr(keys, "seal", seal_while_someone_edits)
    output = _rotate()

    assert Client.objects.get(pk=client.pk).referral_reason == "Edited during rotation"
    assert "1 values were saved by someone else" in output
    # The edit was sealed under the new active key, so nothing is left behind.
    assert keys.key_usage(_ring(settings)) == {"k2": populated}


def test_it_refuses_when_keys_come_from_the_environment(monkeypatch, populated):
    ring = crypto.load_keyring()
    monkeypatch.setenv("ALLIANCE_FIELD_KEYS", ring.to_json())
    with pytest.raises(CommandError, match="ALLIANCE_FIELD_KEYS"):
        _rotate()
    with pytest.raises(CommandError, match="ALLIANCE_FIELD_KEYS"):
        _rotate("--retire", "k1")


def test_it_resumes_onto_a_key_rotated_in_the_environment(monkeypatch, populated):
    ring = crypto.load_keyring()
    encoded = {k: base64.b64encode(v).decode() for k, v in ring.keys.items()}
    encoded["k2"] = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
    monkeypatch.setenv(
        "ALLIANCE_FIELD_KEYS", json.dumps({"active": "k2", "keys": encoded})
    )

    output = _rotate("--resume")

    assert f"Re-encrypted {populated} values onto key k2" in output
    assert keys.key_usage(crypto.load_keyring()) == {"k2": populated}


def test_it_reports_values_it_cannot_decrypt(settings, populated):
    client = Client.objects.order_by("pk").first()
    other = Client.objects.order_by("pk").last()
    sealed = Client.objects.values_list("referral_reason", flat=True).get(pk=other.pk)
    Client.objects.filter(pk=client.pk).update(referral_reason=sealed.ciphertext)

    with pytest.raises(CommandError, match="1 stored values could not be decrypted"):
        _rotate()

    assert AuditEvent.objects.get(action="keys.rotate").outcome == "failed"
    assert keys.key_usage(_ring(settings)) == {"k1": 1, "k2": populated - 1}


def test_it_rejects_a_zero_batch(populated):
    with pytest.raises(CommandError, match="at least 1"):
        _rotate("--batch", "0")


def test_it_stops_while_another_command_changes_the_key_file(settings, populated):
    with (
        keys.keyfile_lock(settings.ALLIANCE_KEYS_FILE, wait=False),
        pytest.raises(CommandError, match="Another command is changing the key file"),
    ):
        _rotate()
    assert sorted(_ring(settings).keys) == ["k1"]


def test_saving_a_row_read_before_rotation_does_not_undo_it(settings, alice):
    client = make_client(alice, given_name="Stale", referral_reason="Read before")
    stale = Client.objects.get(pk=client.pk)
    assert stale.referral_reason == "Read before"  # decrypts, remembers k1 ciphertext
    _rotate()
    stale.save()  # unchanged value, saved by a process that read it under k1
    raw = Client.objects.filter(pk=client.pk).values_list("referral_reason", flat=True)
    assert crypto.key_id_of(raw.get().ciphertext) == "k2"
