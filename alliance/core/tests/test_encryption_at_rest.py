"""Clinical free text never reaches the database as plaintext (issue: "a test
reads the raw database and finds no plaintext")."""

from __future__ import annotations

from django.db import connection

from alliance.alerts.models import DutyAccess, RiskAlert
from alliance.alerts.services import acknowledge_alert, raise_alert
from alliance.clients.models import EpisodeTransition
from alliance.clients.services import change_primary_clinician, transition_episode
from conftest import make_client

CANARIES = {
    "referral": "CANARY-REFERRAL-b41f",
    "opened": "CANARY-OPENED-77c2",
    "transition": "CANARY-TRANSITION-9e0d",
    "summary": "CANARY-ALERT-SUMMARY-3a5b",
    "action": "CANARY-ACTION-TAKEN-c6e8",
    "clinician_change": "CANARY-CLINICIAN-CHANGE-5d21",
    "duty_reason": "CANARY-DUTY-REASON-5d1f",
}


def _every_stored_value() -> list[tuple[str, object]]:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            for row in cursor.fetchall():
                values.extend((table, value) for value in row)
    return values


def test_it_stores_no_clinical_text_in_plaintext(alice, bob, ada):
    client = make_client(
        alice,
        given_name="Rowan",
        referral_reason=f"Worry about work ({CANARIES['referral']})",
        open_episode_reason=CANARIES["opened"],
    )
    episode = client.current_episode()
    transition_episode(
        episode, "assessment", by=alice, reason=f"Seen ({CANARIES['transition']})"
    )
    alert = raise_alert(
        client,
        source="Session risk check",
        summary=f"Passive thoughts ({CANARIES['summary']})",
        raised_by=alice,
    )
    DutyAccess.objects.create(
        alert=alert,
        user=alice,
        reason=f"On duty ({CANARIES['duty_reason']})",
        expires_at=alert.raised_at,
    )
    acknowledge_alert(alert, by=alice, action_taken=f"Called ({CANARIES['action']})")
    change = change_primary_clinician(
        client, to=bob, by=ada, reason=f"Leaving ({CANARIES['clinician_change']})"
    )

    stored = _every_stored_value()
    texts = [(t, v) for t, v in stored if isinstance(v, str | bytes | memoryview)]
    # The scan does see plain columns: the given name is stored as typed.
    assert ("clients_client", "Rowan") in texts
    for canary in CANARIES.values():
        found = [
            table
            for table, value in texts
            if canary
            in (value if isinstance(value, str) else bytes(value).decode("latin-1"))
        ]
        assert found == [], f"{canary} is stored in plaintext in {found}"
    # The encrypted columns hold ciphertext, and the models still read plaintext.
    assert any(isinstance(v, str) and v.startswith("v1:k1:") for _, v in texts)
    client.refresh_from_db()
    assert client.referral_reason == f"Worry about work ({CANARIES['referral']})"
    reasons = [t.reason for t in EpisodeTransition.objects.filter(episode=episode)]
    assert reasons == [CANARIES["opened"], f"Seen ({CANARIES['transition']})"]
    alert = RiskAlert.objects.get(pk=alert.pk)
    assert alert.summary == f"Passive thoughts ({CANARIES['summary']})"
    assert alert.action_taken == f"Called ({CANARIES['action']})"
    change.refresh_from_db()
    assert change.reason == f"Leaving ({CANARIES['clinician_change']})"
