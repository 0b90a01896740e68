from __future__ import annotations

from django.urls import reverse

from alliance.alerts.services import raise_alert
from alliance.notes.tests.helpers import signed, start


def test_it_shows_the_caseload_by_phase(as_user, alice, cleo):
    response = as_user(alice).get(reverse("home:index"))
    assert response.status_code == 200
    assert b"Referral</a>: 1" in response.content


def test_it_lists_unsigned_notes(as_user, alice, cleo):
    start(cleo)
    response = as_user(alice).get(reverse("home:index"))
    assert b"Cleo Example, session on" in response.content


def test_it_shows_open_alerts(as_user, alice, cleo, dan):
    raise_alert(cleo, source="Session risk check", summary="x")
    raise_alert(dan, source="Session risk check", summary="y")
    response = as_user(alice).get(reverse("home:index"))
    assert b"Open risk alerts (1)" in response.content


def test_the_supervisor_sees_notes_awaiting_co_signature(as_user, sam, cleo):
    signed(cleo)
    response = as_user(sam).get(reverse("home:index"))
    assert b"Awaiting your co-signature" in response.content
    assert b"by Alice Clinician" in response.content


def test_clinicians_do_not_see_the_co_signature_list(as_user, alice, cleo):
    signed(cleo)
    response = as_user(alice).get(reverse("home:index"))
    assert b"Awaiting your co-signature" not in response.content


def test_the_admin_sees_counts_without_clinical_text(as_user, ada, cleo):
    raise_alert(cleo, source="Session risk check", summary="CANARY-alert")
    response = as_user(ada).get(reverse("home:index"))
    assert response.status_code == 200
    assert b"Referral: 1" in response.content
    assert b"Cleo" not in response.content
    assert b"CANARY" not in response.content


def test_home_queries_are_bounded(as_user, alice, django_assert_max_num_queries):
    from conftest import make_client

    clients = [make_client(alice, given_name=f"C{i}") for i in range(8)]
    for i, client in enumerate(clients):
        start(client, hours_ago=2 + i)
        raise_alert(client, source="Session risk check", summary="x")
    http = as_user(alice)
    http.get(reverse("home:index"))
    # A fixed number whatever the caseload; it includes the cover card, the
    # duty line, the appointment-requests card, the supervision card and the
    # audit chain's head.
    with django_assert_max_num_queries(23):
        response = http.get(reverse("home:index"))
    assert b"Open risk alerts (8)" in response.content
