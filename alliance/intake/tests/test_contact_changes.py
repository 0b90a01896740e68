from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.clients.models import Client
from alliance.clients.services import update_client
from alliance.intake.services import review_contact_changes
from alliance.intake.tests.helpers import answer, send


@pytest.fixture
def proposed(alice, cleo):
    update_client(cleo, by=alice, phone="01632 960001", address="14 Heron Lane")
    pre, _ = send(cleo)
    return answer(
        pre,
        contact_unchanged=False,
        email="CLEO@example.net",  # the same address, in capitals: not a change
        phone="07700 900123",
        address="14 Heron Lane",  # unchanged
        emergency_contact_name="Priya Example",
        emergency_contact_phone="",  # left blank: never proposes erasing
    )


def test_it_proposes_only_details_that_differ(cleo, proposed):
    assert proposed.contact_proposals() == [
        ("phone", "Phone", "01632 960001", "07700 900123"),
        ("emergency_contact_name", "Emergency contact", "", "Priya Example"),
    ]


def test_it_never_changes_the_client_by_itself(cleo, proposed):
    stored = Client.objects.get(pk=cleo.pk)
    assert (stored.phone, stored.emergency_contact_name) == ("01632 960001", "")


def test_it_proposes_nothing_when_the_client_says_nothing_changed(cleo):
    pre, _ = send(cleo)
    assert answer(pre, contact_unchanged=True).contact_proposals() == []


def test_it_applies_the_chosen_details_through_update_client(alice, cleo, proposed):
    review_contact_changes(proposed, by=alice, accept=["phone"])
    stored = Client.objects.get(pk=cleo.pk)
    assert stored.phone == "07700 900123"
    assert stored.emergency_contact_name == ""
    # The fixture's own update_client came first.
    update = AuditEvent.objects.filter(action="client.update").order_by("-id")[0]
    assert update.detail == {"fields": ["phone"]}
    accepted = AuditEvent.objects.get(action="preintake.contact.accept")
    assert accepted.actor == alice
    assert accepted.object_uuid == proposed.uuid
    assert accepted.detail == {"fields": ["phone"]}


def test_it_stops_proposing_once_reviewed(alice, proposed):
    review_contact_changes(proposed, by=alice, accept=["phone"])
    proposed.refresh_from_db()
    assert proposed.contact_proposals() == []
    with pytest.raises(ValidationError, match="already reviewed"):
        review_contact_changes(proposed, by=alice, accept=["emergency_contact_name"])


def test_it_keeps_the_details_on_file(alice, cleo, proposed):
    review_contact_changes(proposed, by=alice, accept=[])
    assert Client.objects.get(pk=cleo.pk).phone == "01632 960001"
    assert AuditEvent.objects.filter(action="preintake.contact.keep").count() == 1
    assert AuditEvent.objects.filter(action="client.update").count() == 1  # the setup


def test_it_refuses_a_detail_not_proposed(alice, cleo, proposed):
    with pytest.raises(
        ValidationError, match="Choose only details the client proposed"
    ):
        review_contact_changes(proposed, by=alice, accept=["phone", "address"])
    assert Client.objects.get(pk=cleo.pk).phone == "01632 960001"
    proposed.refresh_from_db()
    assert proposed.contact_reviewed_at is None


def test_it_refuses_bob_and_sam(bob, sam, cleo, proposed):
    for user in (bob, sam):
        with pytest.raises(
            ValidationError, match="Only the client's primary clinician"
        ):
            review_contact_changes(proposed, by=user, accept=["phone"])
    assert Client.objects.get(pk=cleo.pk).phone == "01632 960001"


def test_it_shows_the_proposals_on_the_chart(as_user, alice, cleo, proposed):
    html = (
        as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "documents"])).text
    )
    assert "New contact details from the questionnaire" in html
    assert "07700 900123" in html
    assert 'name="fields_to_accept" value="phone"' in html
    assert 'value="phone" id="accept-phone" checked' not in html


def test_it_shows_the_supervisor_proposals_without_buttons(
    as_user, sam, cleo, proposed
):
    html = (
        as_user(sam).get(reverse("chart:section", args=[cleo.uuid, "documents"])).text
    )
    assert "07700 900123" in html
    assert "fields_to_accept" not in html


def test_it_accepts_from_the_chart(as_user, alice, cleo, proposed):
    url = reverse("intake:review_contact", args=[proposed.uuid])
    response = as_user(alice).post(
        url,
        {"action": "accept", "fields_to_accept": ["phone", "emergency_contact_name"]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "chart:section", args=[cleo.uuid, "documents"]
    )
    stored = Client.objects.get(pk=cleo.pk)
    assert (stored.phone, stored.emergency_contact_name) == (
        "07700 900123",
        "Priya Example",
    )


def test_it_asks_for_a_choice_when_nothing_is_ticked(as_user, alice, cleo, proposed):
    url = reverse("intake:review_contact", args=[proposed.uuid])
    response = as_user(alice).post(url, {"action": "accept"}, follow=True)
    assert "Tick the details to update" in response.text
    proposed.refresh_from_db()
    assert proposed.contact_reviewed_at is None


def test_it_refuses_bob_and_sam_on_the_page(as_user, bob, sam, cleo, proposed):
    url = reverse("intake:review_contact", args=[proposed.uuid])
    data = {"action": "accept", "fields_to_accept": ["phone"]}
    assert as_user(bob).post(url, data).status_code == 404
    assert as_user(sam).post(url, data).status_code == 403
    assert Client.objects.get(pk=cleo.pk).phone == "01632 960001"
