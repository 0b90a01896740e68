"""Who holds a client, asked two ways: of the database
(``Client.objects.in_caseload_of``, for lists) and of a client already read
(``in_caseload``, for a page's access check, with no query). The two must
always agree."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from alliance.accounts.models import Supervision, User
from alliance.clients.models import Client, in_caseload
from conftest import make_client


def _agree(users, clients) -> int:
    checked = 0
    for user in users:
        for client in clients:
            in_db = Client.objects.in_caseload_of(user).filter(pk=client.pk).exists()
            assert in_caseload(client, user) == in_db, (user, client)
            checked += in_db
    return checked


def test_the_rule_in_hand_agrees_with_the_database(
    alice, bob, sam, ada, zed, cleo, dan, django_assert_num_queries
):
    yan = User.objects.create_user(
        "yan@example.org", full_name="Yan", role="clinician", practice=zed.practice
    )
    elsewhere = make_client(yan, given_name="Zoe")
    portal = User.objects.create_user(
        "cleo@example.org", full_name="Cleo", role="client", practice=alice.practice
    )
    gone = make_client(bob, given_name="Gus")
    User.objects.filter(pk=bob.pk).update(is_active=False)
    bob.refresh_from_db()
    users = [alice, bob, sam, ada, zed, yan, portal, AnonymousUser()]
    clients = [cleo, dan, elsewhere, gone]
    # Alice's Cleo for Alice and Sam (her supervisor), Zoe for Yan; Bob is
    # no longer active, and no one else holds anyone (admins included).
    assert _agree(users, clients) == 3
    with django_assert_num_queries(0):
        assert in_caseload(cleo, alice)
        assert not in_caseload(dan, alice)


def test_a_supervision_that_ended_ends_the_supervisor_s_hold(alice, sam, cleo):
    Supervision.objects.filter(supervisor=sam).update(ended_at=timezone.now())
    sam = User.objects.get(pk=sam.pk)  # a request's user, read afresh
    assert not in_caseload(cleo, sam)
    assert _agree([sam], [cleo]) == 0


def test_a_client_moved_to_another_clinician_leaves_the_first(alice, bob, cleo):
    Client.objects.filter(pk=cleo.pk).update(clinician=bob)
    cleo = Client.objects.get(pk=cleo.pk)
    assert _agree([alice, bob], [cleo]) == 1
    assert in_caseload(cleo, bob) and not in_caseload(cleo, alice)
