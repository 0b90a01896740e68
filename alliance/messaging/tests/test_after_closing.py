"""After care ends the thread can be read, for the practice's read period, but
no one writes in it."""

from __future__ import annotations

from django.urls import reverse

from alliance.messaging.models import Message
from alliance.messaging.tests.helpers import close_care, from_client, from_clinician


def test_the_client_reads_but_cannot_send_after_closing(portal, cleo):
    from_clinician(cleo, "Take care")
    close_care(cleo)
    page = portal.get(reverse("messaging:mine"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Take care" in body
    assert "messages can be read here but no longer sent" in body
    assert 'name="body"' not in body
    response = portal.post(reverse("messaging:mine"), {"body": "Hello?"})
    assert response.status_code == 403
    assert Message.objects.count() == 1


def test_the_clinician_cannot_send_after_closing(as_user, alice, cleo):
    from_client(cleo, "Thanks for everything")
    close_care(cleo)
    http = as_user(alice)
    page = http.get(reverse("messaging:thread", args=[cleo.uuid])).content.decode()
    assert "Thanks for everything" in page
    assert "no open episode of care" in page
    response = http.post(reverse("messaging:thread", args=[cleo.uuid]), {"body": "Hi"})
    assert response.status_code == 200
    assert "no open episode of care" in response.content.decode()
    assert Message.objects.count() == 1


def test_after_the_read_period_the_thread_closes(portal, cleo):
    from_clinician(cleo, "Take care")
    close_care(cleo, days_ago=400)
    response = portal.get(reverse("messaging:mine"))
    assert response.status_code == 403
    assert "Take care" not in response.content.decode()


def test_a_new_episode_reopens_the_thread(as_user, alice, cleo):
    from alliance.clients.services import open_episode

    close_care(cleo)
    open_episode(cleo, by=alice, reason="Returned")
    response = as_user(alice).post(
        reverse("messaging:thread", args=[cleo.uuid]), {"body": "Welcome back"}
    )
    assert response.status_code == 302
    assert Message.objects.count() == 1
