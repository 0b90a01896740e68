"""The clinician's inbox: every caseload thread, unread first, in a bounded
number of queries."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.messaging.selectors import inbox
from alliance.messaging.services import read_thread
from alliance.messaging.tests.helpers import from_client, from_clinician
from conftest import make_client


def _clients_with_messages(clinician, n, start=0):
    clients = []
    User = get_user_model()
    for i in range(start, start + n):
        client = make_client(clinician, given_name=f"Client{i}")
        client.user = User.objects.create_user(
            f"client{i}@example.net", "x", full_name=f"Client {i}", role="client"
        )
        client.save(update_fields=["user"])
        from_client(client, f"Hello {i}")
        from_clinician(client, f"Reply {i}")
        clients.append(client)
    return clients


def test_it_lists_unread_first_then_the_latest(alice, cleo):
    first, second, third = _clients_with_messages(alice, 3)
    for c in (first, second, third):
        read_thread(c, by=alice)
    from_client(first, "New question")
    from_clinician(third, "Latest")
    rows = inbox(alice)
    assert [r.client for r in rows] == [first, third, second]
    assert [r.unread for r in rows] == [1, 0, 0]
    assert rows[0].total == 3
    # Cleo has no messages, so no thread.
    assert cleo not in [r.client for r in rows]


def test_the_page_shows_counts_but_no_text(as_user, alice):
    _clients_with_messages(alice, 1)
    response = as_user(alice).get(reverse("messaging:inbox"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Client0 Example" in body
    assert "1 unread" in body
    assert "Hello 0" not in body
    assert AuditEvent.objects.filter(action="message.inbox_view", actor=alice).exists()


def test_the_supervisor_sees_the_supervisees_threads(alice, sam, bob):
    (client,) = _clients_with_messages(alice, 1)
    _clients_with_messages(bob, 0)
    assert [r.client for r in inbox(sam)] == [client]
    assert inbox(bob) == []


def test_the_inbox_queries_are_bounded(as_user, alice, django_assert_max_num_queries):
    http = as_user(alice)
    _clients_with_messages(alice, 2)
    with django_assert_max_num_queries(13) as few:
        http.get(reverse("messaging:inbox"))
    _clients_with_messages(alice, 18, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get(reverse("messaging:inbox"))
    assert response.content.decode().count("Client1") >= 1
    assert len(inbox(alice)) == 20


def test_the_thread_queries_are_bounded(
    as_user, alice, cleo, django_assert_max_num_queries
):
    http = as_user(alice)
    url = reverse("messaging:thread", args=[cleo.uuid])
    from_client(cleo, "one")
    with django_assert_max_num_queries(40) as few:
        http.get(url)
    for n in range(30):
        from_client(cleo, f"more {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        http.get(url)
