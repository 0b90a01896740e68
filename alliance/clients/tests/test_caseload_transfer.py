"""A clinician who leaves hands their caseload on first: deactivation is
refused while they hold clients in care, and the admin transfers them."""

from __future__ import annotations

from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.alerts.services import raise_alert


def test_it_refuses_to_deactivate_a_clinician_who_holds_clients_in_care(
    as_user, ada, alice, cleo
):
    raise_alert(cleo, source="PHQ-9 item 9", summary="Thoughts of self-harm")
    response = as_user(ada).post(
        reverse("accounts:set_active", args=[alice.uuid]), {"active": "0"}, follow=True
    )
    alice.refresh_from_db()
    assert alice.is_active is True
    assert reverse("caseload:transfer", args=[alice.uuid]).encode() in response.content
    assert b"transfer" in response.content.lower()


def test_it_lets_alice_go_once_her_caseload_is_with_bob(
    as_user, ada, alice, bob, cleo, django_user_model
):
    alert = raise_alert(cleo, source="PHQ-9 item 9", summary="Thoughts of self-harm")
    http = as_user(ada)
    refused = http.post(
        reverse("accounts:set_active", args=[alice.uuid]), {"active": "0"}, follow=True
    )
    assert b"Transfer Alice Clinician" in refused.content

    page = http.get(reverse("caseload:transfer", args=[alice.uuid]))
    assert page.status_code == 200
    assert b"Cleo Example" in page.content
    response = http.post(
        reverse("caseload:transfer", args=[alice.uuid]),
        {"all_to": str(bob.uuid), "reason": "Alice has left the practice."},
        follow=True,
    )
    assert b"1 client transferred" in response.content
    cleo.refresh_from_db()
    assert cleo.clinician == bob
    assert cleo.current_episode().clinician == bob

    http.post(reverse("accounts:set_active", args=[alice.uuid]), {"active": "0"})
    alice.refresh_from_db()
    assert alice.is_active is False

    http = as_user(bob)
    home = http.get(reverse("home:index"))
    assert alert.get_absolute_url().encode() in home.content
    http.post(alert.get_absolute_url(), {"action_taken": "Phoned Cleo; safe."})
    alert.refresh_from_db()
    assert alert.acknowledged_by == bob
    assert RiskAlert.objects.open().count() == 0
    chart = http.get(reverse("chart:section", args=[cleo.uuid, "timeline"]))
    assert b"Primary clinician changed from Alice Clinician to Bob Clinician" in (
        chart.content
    )
    assert b"Alice has left the practice." in chart.content
    thread = http.get(reverse("messaging:thread", args=[cleo.uuid]))
    assert thread.status_code == 200
    assert b"Only the client" not in thread.content


def test_it_transfers_client_by_client_all_or_nothing(
    as_user, ada, alice, bob, sam, cleo
):
    from conftest import make_client

    other = make_client(alice, given_name="Olu")
    http = as_user(ada)
    url = reverse("caseload:transfer", args=[alice.uuid])
    # A made-up colleague for one client: nothing moves.
    response = http.post(
        url,
        {
            f"to-{cleo.uuid}": str(bob.uuid),
            f"to-{other.uuid}": "00000000-0000-0000-0000-000000000000",
            "reason": "Alice is leaving.",
        },
    )
    assert response.status_code == 200
    assert b"choose a colleague from the list" in response.content
    cleo.refresh_from_db()
    assert cleo.clinician == alice
    # No reason: nothing moves.
    response = http.post(url, {f"to-{cleo.uuid}": str(bob.uuid), "reason": " "})
    assert b"Give a reason" in response.content
    cleo.refresh_from_db()
    assert cleo.clinician == alice
    # One each: Cleo to Bob, Olu to Sam (a supervisor may hold a caseload).
    http.post(
        url,
        {
            f"to-{cleo.uuid}": str(bob.uuid),
            f"to-{other.uuid}": str(sam.uuid),
            "reason": "Alice is leaving.",
        },
    )
    cleo.refresh_from_db()
    other.refresh_from_db()
    assert (cleo.clinician, other.clinician) == (bob, sam)
    from alliance.audit.models import AuditEvent

    events = AuditEvent.objects.filter(action="client.clinician_change")
    assert {e.client_uuid for e in events} == {cleo.uuid, other.uuid}


def test_it_refuses_an_inactive_or_other_practice_colleague(ada, alice, bob, zed, cleo):
    import pytest
    from django.core.exceptions import ValidationError

    from alliance.clients.services import change_primary_clinician

    with pytest.raises(ValidationError, match="clinician in this practice"):
        change_primary_clinician(cleo, to=zed, by=ada, reason="x")
    bob.is_active = False
    bob.save()
    with pytest.raises(ValidationError, match="deactivated"):
        change_primary_clinician(cleo, to=bob, by=ada, reason="x")
    with pytest.raises(ValidationError, match="Only the practice admin"):
        change_primary_clinician(cleo, to=alice, by=alice, reason="x")
    cleo.refresh_from_db()
    assert cleo.clinician == alice


def test_it_tells_the_admin_about_clients_left_with_a_deactivated_clinician(
    as_user, ada, alice, cleo
):
    # Deactivated before the rule existed (straight in the database).
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    home = as_user(ada).get(reverse("home:index"))
    assert b"still the primary clinician of 1 client in care" in home.content
    assert reverse("caseload:transfer", args=[alice.uuid]).encode() in home.content
