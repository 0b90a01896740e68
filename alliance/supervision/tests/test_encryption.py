"""The notes and agreed actions of a supervision record are stored encrypted."""

from __future__ import annotations

from alliance.core.tests.test_encryption_at_rest import _every_stored_value
from alliance.supervision.tests.helpers import recorded


def test_notes_and_actions_are_not_stored_in_plaintext(sam, alice):
    session = recorded(
        sam, alice, actions=["CANARY-ACTION-71f3"], notes="CANARY-NOTES-0c9a"
    )
    for _, value in _every_stored_value():
        text = value if isinstance(value, str) else ""
        if isinstance(value, bytes | memoryview):
            text = bytes(value).decode("latin-1")
        assert "CANARY-ACTION-71f3" not in text
        assert "CANARY-NOTES-0c9a" not in text
    session.refresh_from_db()
    assert session.notes == "CANARY-NOTES-0c9a"
    assert session.actions.get().text == "CANARY-ACTION-71f3"
