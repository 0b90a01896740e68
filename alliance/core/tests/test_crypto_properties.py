"""Property tests for field encryption (SECURITY.md section 4.4, P1 and P2)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alliance.core import crypto

RING = crypto.Keyring.generate()
# Function-scoped fixtures (the autouse test settings) are not used here: every
# call passes RING explicitly.
PROPERTY = settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
aads = st.text(min_size=1, max_size=80)


@PROPERTY
@given(text=st.text(), aad=aads)
@example(text="\x00", aad="clients.client.referral_reason:0")
@example(text="before\x00after 😀 𝄞 \U0010ffff", aad="a")
@example(text="", aad="a")
def test_it_round_trips_any_text(text, aad):
    assert crypto.decrypt(crypto.encrypt(text, aad, RING), aad, RING) == text


@PROPERTY
@given(text=st.text(), aad=aads, other=aads)
def test_it_never_decrypts_under_other_associated_data(text, aad, other):
    if aad == other:
        return
    sealed = crypto.encrypt(text, aad, RING)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, other, RING)


@PROPERTY
@given(text=st.text(min_size=8, max_size=300), aad=aads)
@example(text="AAAAAAAAAAAAAAAA", aad="a")
@example(text="v1:k1:v1:k1:v1:k1:", aad="a")
def test_the_ciphertext_never_contains_the_plaintext(text, aad):
    sealed = crypto.encrypt(text, aad, RING)
    raw = base64.b64decode(sealed.split(":", 2)[2])
    plain = text.encode("utf-8")
    windows = {plain[i : i + 8] for i in range(len(plain) - 7)}
    assert text not in sealed
    assert not any(window in raw for window in windows)
