"""Who holds a client, asked two ways: of the database
(``Client.objects.in_caseload_of``, for lists) and of a client already read
(``in_caseload``, for a page's access check, with no query). The two must
always agree."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from alliance.accounts.models import Supervision, User
from alliance.alerts.models import RiskAlert
from alliance.clients.models import Client, Episode, in_caseload
from conftest import make_client


def _agree(users, clients) -> int:
    checked = 0
    for user in users:
        for client in clients:
            in_db = Client.objects.in_caseload_of(user).filter(pk=client.pk).exists()
            assert in_caseload(client, user) == in_db, (user, client)
            # Read through a join to the client (``in_caseload_q``), the
            # rule gives the same answer for the client's episodes and alerts.
            assert (
                Episode.objects.in_caseload_of(user).filter(client=client).exists()
                == in_db
            ), (user, client)
            alerts = RiskAlert.objects.in_caseload_of(user).filter(client=client)
            has_alert = RiskAlert.objects.filter(client=client).exists()
            assert alerts.exists() == (in_db and has_alert), (user, client)
            checked += in_db
    return checked


def _alert(client: Client) -> None:
    RiskAlert.objects.create(
        client=client,
        episode=client.episodes.first(),
        severity=RiskAlert.Severity.HIGH,
        source="test",
        summary="A risk answer",
        action_taken="",
    )


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
    for client in clients:
        _alert(client)
    # Alice's Cleo for Alice and Sam (her supervisor), Zoe for Yan; Bob is
    # no longer active, and no one else holds anyone (admins included).
    assert _agree(users, clients) == 3
    with django_assert_num_queries(0):
        assert in_caseload(cleo, alice)
        assert not in_caseload(dan, alice)


def test_a_supervision_that_ended_ends_the_supervisor_s_hold(alice, sam, cleo):
    _alert(cleo)
    Supervision.objects.filter(supervisor=sam).update(ended_at=timezone.now())
    sam = User.objects.get(pk=sam.pk)  # a request's user, read afresh
    assert not in_caseload(cleo, sam)
    assert _agree([sam], [cleo]) == 0


def test_a_client_moved_to_another_clinician_leaves_the_first(alice, bob, cleo):
    _alert(cleo)
    Client.objects.filter(pk=cleo.pk).update(clinician=bob)
    cleo = Client.objects.get(pk=cleo.pk)
    assert _agree([alice, bob], [cleo]) == 1
    assert in_caseload(cleo, bob) and not in_caseload(cleo, alice)


def _open_by_phase(queryset) -> list[tuple[int, str]]:
    return sorted(queryset.values_list("pk", "phase"))


def test_open_episodes_read_alone_are_the_caseload_s(
    alice, bob, sam, ada, cleo, dan, consent_text
):
    """``Episode.objects.open_in_caseload_of`` (the home's count by phase,
    from the episodes alone) gives the rows ``in_caseload_of(...).open()``
    gives, through a move to another clinician, a discharge and a return."""
    from alliance.clients.services import change_primary_clinician, open_episode
    from alliance.measures.tests.admin.helpers import move

    eve = make_client(alice, given_name="Eve")
    move(cleo.current_episode(), "assessment", "active", consent_text=consent_text)
    change_primary_clinician(eve, to=bob, by=ada, reason="Closer to home")
    closed = make_client(bob, given_name="Cal")
    episode = closed.current_episode()
    move(episode, "closed")
    open_episode(closed, by=bob, reason="Returned", previous=episode)
    change_primary_clinician(closed, to=alice, by=ada, reason="Her speciality")
    for user in (alice, bob, sam, ada):
        user = User.objects.get(pk=user.pk)
        expected = _open_by_phase(Episode.objects.in_caseload_of(user).open())
        assert _open_by_phase(Episode.objects.open_in_caseload_of(user)) == expected
    alice = User.objects.get(pk=alice.pk)
    assert {
        c
        for (c,) in Episode.objects.open_in_caseload_of(alice).values_list(
            "client__given_name"
        )
    } == {"Cleo", "Cal"}


def test_a_new_episode_takes_the_clinician_the_database_has(alice, bob, ada):
    """``open_episode`` reads the client's clinician under a lock, not from
    the object in hand: a change of clinician made meanwhile is followed."""
    from alliance.clients.services import change_primary_clinician, open_episode
    from alliance.measures.tests.admin.helpers import move

    gil = make_client(alice, given_name="Gil")
    episode = gil.current_episode()
    move(episode, "closed")
    stale = Client.objects.get(pk=gil.pk)  # read before the change
    change_primary_clinician(gil, to=bob, by=ada, reason="Moved nearer")
    new = open_episode(stale, by=bob, reason="Returned", previous=episode)
    assert new.clinician_id == bob.pk
    assert _agree([alice, bob], [Client.objects.get(pk=gil.pk)]) == 1


def test_lists_ask_the_rule_of_the_joined_client_not_a_subquery(alice):
    """``in_caseload_q`` filters on the client row a list already joins:
    one join fewer for the database to plan on each home card (issue #13)."""
    for queryset in (
        Client.objects.in_caseload_of(alice),
        Episode.objects.in_caseload_of(alice),
        RiskAlert.objects.in_caseload_of(alice),
    ):
        sql = str(queryset.query).upper()
        assert sql.count("SELECT") == 1, sql
        assert sql.count('JOIN "CLIENTS_CLIENT"') <= 1, sql
