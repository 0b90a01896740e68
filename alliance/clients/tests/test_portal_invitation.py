from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from alliance.clients.models import Client

STRONG = "a long and private passphrase"


def test_the_client_is_invited_and_lands_in_their_portal(
    as_user, alice, client, django_capture_on_commit_callbacks
):
    from conftest import make_client

    rosa = make_client(alice, given_name="Rosa", email="rosa@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(alice).post(
            reverse("clients:invite_portal", args=[rosa.uuid])
        )
    assert response.status_code == 302
    assert "client portal" in mail.outbox[0].body
    path = re.search(
        r"http://testserver(/accounts/invitation/\S+/)", mail.outbox[0].body
    )
    client.post(reverse("accounts:logout"))
    accepted = client.post(
        path.group(1),
        {"full_name": "Rosa Example", "password1": STRONG, "password2": STRONG},
    )
    assert accepted["Location"] == reverse("portal:home")
    rosa = Client.objects.get(pk=rosa.pk)
    assert rosa.user.role == "client"
    assert rosa.user.email == "rosa@example.net"
    assert client.get(reverse("portal:home")).status_code == 200


def test_no_second_invitation_and_no_invitation_without_email(as_user, alice, cleo):
    from conftest import make_client

    http = as_user(alice)
    # Cleo already has a login.
    page = http.post(reverse("clients:invite_portal", args=[cleo.uuid]), follow=True)
    assert b"already has a portal login" in page.content
    no_email = make_client(alice, given_name="Noemail", email="")
    page = http.post(
        reverse("clients:invite_portal", args=[no_email.uuid]), follow=True
    )
    assert b"Add the client" in page.content
    assert mail.outbox == []


def test_the_chart_says_an_invitation_was_sent(as_user, alice):
    from conftest import make_client

    rosa = make_client(alice, given_name="Rosa", email="rosa@example.net")
    http = as_user(alice)
    chart = http.get(
        reverse("chart:section", args=[rosa.uuid, "documents"])
    ).content.decode()
    assert "not invited yet" in chart
    http.post(reverse("clients:invite_portal", args=[rosa.uuid]))
    chart = http.get(
        reverse("chart:section", args=[rosa.uuid, "documents"])
    ).content.decode()
    assert "not invited yet" not in chart
    assert "invitation sent" in chart
    assert "Send the invitation again" in chart


def test_the_client_invitation_page_does_not_promise_a_two_factor_step(
    as_user, alice, client
):
    from conftest import make_client

    rosa = make_client(alice, given_name="Rosa", email="rosa@example.net")
    link = services_invite(rosa, alice)
    page = client.get(link).content.decode()
    assert "two-factor" not in page
    assert "two-step login" in page


def services_invite(rosa, alice):
    from alliance.clients.services import invite_to_portal

    link = invite_to_portal(rosa, by=alice, base_url="http://testserver/")
    return link.removeprefix("http://testserver")


def test_accepting_links_the_account_to_the_client_record(alice):
    from alliance.accounts.models import Invitation
    from alliance.accounts.services import accept_invitation
    from alliance.audit.models import AuditEvent
    from conftest import make_client

    rosa = make_client(alice, given_name="Rosa", email="rosa@example.net")
    services_invite(rosa, alice)
    invitation = Invitation.objects.get(client_uuid=rosa.uuid)
    user = accept_invitation(invitation, full_name="Rosa Example", password=STRONG)
    rosa.refresh_from_db()
    assert rosa.user == user
    assert AuditEvent.objects.filter(
        action="client.portal_link", actor=user, client_uuid=rosa.uuid
    ).exists()


def test_an_invitation_that_no_longer_matches_creates_no_account(alice, client):
    from alliance.accounts.models import Invitation, User
    from conftest import make_client

    rosa = make_client(alice, given_name="Rosa", email="rosa@example.net")
    link = services_invite(rosa, alice)
    # Meanwhile the record was linked to another login.
    other = User.objects.create_user(
        "rosa.other@example.net",
        STRONG,
        full_name="Rosa Other",
        role="client",
        practice=alice.practice,
    )
    Client.objects.filter(pk=rosa.pk).update(user=other)
    page = client.post(
        link, {"full_name": "Rosa Example", "password1": STRONG, "password2": STRONG}
    )
    assert page.status_code == 200
    assert "no longer matches the client record" in page.content.decode()
    assert not User.objects.filter(email="rosa@example.net").exists()
    assert Invitation.objects.get(client_uuid=rosa.uuid).accepted_at is None
    assert Client.objects.get(pk=rosa.pk).user == other
