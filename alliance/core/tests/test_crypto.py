"""AES-GCM field encryption: round trip, tampering, row binding, the keyring."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from alliance.clients.models import Client
from alliance.core import crypto
from conftest import make_client


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_round_trips():
    sealed = crypto.encrypt("Low mood since the winter", "clients.client.x:1")
    assert sealed.startswith("v1:k1:")
    assert crypto.decrypt(sealed, "clients.client.x:1") == "Low mood since the winter"


def test_it_uses_a_fresh_nonce_each_time():
    first = crypto.encrypt("same text", "aad")
    second = crypto.encrypt("same text", "aad")
    assert first != second


def test_it_detects_tampering():
    sealed = crypto.encrypt("Panic attacks on the train", "aad")
    prefix, body = sealed.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[20] ^= 0x01
    tampered = f"{prefix}:{base64.b64encode(bytes(raw)).decode()}"
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(tampered, "aad")


def test_it_binds_ciphertext_to_its_row(alice):
    rowan = make_client(alice, given_name="Rowan", referral_reason="Rowan's reason")
    sky = make_client(alice, given_name="Sky", referral_reason="Sky's reason")
    rowan_cipher = Client.objects.values_list("referral_reason", flat=True).get(
        pk=rowan.pk
    )
    Client.objects.filter(pk=sky.pk).update(referral_reason=rowan_cipher.ciphertext)

    moved = Client.objects.get(pk=sky.pk)
    with pytest.raises(crypto.DecryptionError):
        _ = moved.referral_reason
    assert Client.objects.get(pk=rowan.pk).referral_reason == "Rowan's reason"


def test_it_binds_ciphertext_to_its_field():
    sealed = crypto.encrypt("text", "clients.client.referral_reason:abc")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, "clients.episodetransition.reason:abc")


def test_it_refuses_an_unknown_key_id():
    sealed = crypto.encrypt("text", "aad").replace("v1:k1:", "v1:k9:", 1)
    with pytest.raises(crypto.DecryptionError, match="'k9' is not in the keyring"):
        crypto.decrypt(sealed, "aad")


@pytest.mark.parametrize("value", ["", "plain text", "v1:k1", "v2:k1:AAAA"])
def test_it_refuses_values_without_a_key_id(value):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(value, "aad")


def test_it_refuses_a_value_sealed_under_another_keyring():
    other = crypto.Keyring.generate()
    sealed = crypto.encrypt("text", "aad", other)
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(sealed, "aad")


def test_it_creates_the_key_file_with_mode_0600_on_first_use(settings, tmp_path):
    settings.ALLIANCE_KEYS_FILE = tmp_path / "fresh" / "keys.json"
    crypto.reset_keyring_cache()
    ring = crypto.load_keyring()
    path = settings.ALLIANCE_KEYS_FILE
    assert _mode(path) == 0o600
    assert ring.active == "k1"
    assert ring.backup_active == "b1"
    assert crypto.Keyring.from_json(path.read_text()).keys == ring.keys
    assert sorted(p.name for p in path.parent.iterdir()) == ["keys.json"]


def test_it_never_replaces_an_existing_key_file(settings, tmp_path):
    # Two processes starting together: the second must adopt the first's keys.
    path = tmp_path / "keys.json"
    settings.ALLIANCE_KEYS_FILE = path
    first = crypto.Keyring.generate()
    crypto.write_keyring(first, path)
    crypto._create_keyring_file(path)
    crypto.reset_keyring_cache()
    assert crypto.load_keyring().keys == first.keys


def test_it_writes_the_key_file_atomically_with_mode_0600(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text("{}")
    path.chmod(0o644)
    crypto.write_keyring(crypto.Keyring.generate(), path)
    assert _mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json"]


def test_it_rereads_the_key_file_when_it_changes(settings):
    before = crypto.load_keyring()
    rotated = crypto.Keyring(
        keys={**before.keys, "k2": AESGCM.generate_key(bit_length=256)},
        active="k2",
        backup_keys=before.backup_keys,
        backup_active=before.backup_active,
    )
    crypto.write_keyring(rotated, settings.ALLIANCE_KEYS_FILE)
    # No cache reset: a running process must see the new key by itself.
    sealed = crypto.encrypt("after rotation", "aad", rotated)
    assert crypto.decrypt(sealed, "aad") == "after rotation"
    assert crypto.load_keyring().active == "k2"


def test_it_reads_keys_from_the_environment(monkeypatch, settings, tmp_path):
    settings.ALLIANCE_KEYS_FILE = tmp_path / "unused" / "keys.json"
    key = AESGCM.generate_key(bit_length=256)
    monkeypatch.setenv(
        "ALLIANCE_FIELD_KEYS",
        json.dumps({"active": "e1", "keys": {"e1": base64.b64encode(key).decode()}}),
    )
    crypto.reset_keyring_cache()
    ring = crypto.load_keyring()
    assert ring.active == "e1"
    assert ring.keys == {"e1": key}
    assert crypto.encrypt("text", "aad").startswith("v1:e1:")
    assert not settings.ALLIANCE_KEYS_FILE.exists()


def test_it_refuses_a_keyring_whose_active_key_is_missing():
    with pytest.raises(ValueError, match="active key 'k2'"):
        crypto.Keyring.from_json(json.dumps({"active": "k2", "keys": {}}))


def test_it_refuses_short_keys():
    short = base64.b64encode(b"x" * 16).decode()
    with pytest.raises(ValueError, match="32 bytes"):
        crypto.Keyring.from_json(json.dumps({"active": "k1", "keys": {"k1": short}}))


def test_it_counts_key_ids_upwards():
    ring = crypto.Keyring.generate()
    ring.keys["k7"] = AESGCM.generate_key(bit_length=256)
    assert ring.next_key_id() == "k8"
