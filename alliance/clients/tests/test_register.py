from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.clients.models import Client, Episode

VALID = {
    "given_name": "Rosa",
    "family_name": "Ortiz",
    "preferred_name": "Ro",
    "pronouns": "they/them",
    "date_of_birth": "1988-03-04",
    "email": "rosa@example.net",
    "phone": "07700 900123",
    "address": "2 Canal St",
    "emergency_contact_name": "Marta Ortiz",
    "emergency_contact_relationship": "Sister",
    "emergency_contact_phone": "07700 900456",
    "referral_source": "gp",
    "referral_reason": "Panic attacks on the bus",
}


def test_it_registers_a_client_and_opens_a_referral(as_user, alice):
    response = as_user(alice).post(
        reverse("clients:create"), {**VALID, "clinician": alice.pk}
    )
    client = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == client.get_absolute_url()
    assert client.display_name == "Ro Ortiz"
    assert client.referral_reason == "Panic attacks on the bus"
    episode = client.episodes.get()
    assert episode.phase == Episode.Phase.REFERRAL
    assert episode.transitions.get().to_phase == "referral"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"client.create", "episode.open"} <= actions


def test_it_refuses_a_future_birth_date_and_writes_nothing(as_user, alice):
    response = as_user(alice).post(
        reverse("clients:create"),
        {**VALID, "clinician": alice.pk, "date_of_birth": "2999-01-01"},
    )
    assert response.status_code == 200
    assert b"cannot be in the future" in response.content
    assert Client.objects.count() == 0
    assert Episode.objects.count() == 0


def test_it_requires_a_name_and_reason(as_user, alice):
    data = {**VALID, "clinician": alice.pk, "given_name": "", "referral_reason": ""}
    response = as_user(alice).post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert response.content.count(b"This field is required") == 2
    assert Client.objects.count() == 0


def test_it_refuses_a_clinician_of_another_practice(as_user, alice, zed):
    response = as_user(alice).post(
        reverse("clients:create"), {**VALID, "clinician": zed.pk}
    )
    assert response.status_code == 200
    assert Client.objects.count() == 0


def test_editing_saves_only_changes_and_audits(as_user, alice, cleo):
    data = {
        **VALID,
        "given_name": "Cleo",
        "family_name": "Example",
        "referral_reason": "Updated",
        "version": cleo.version,
    }
    response = as_user(alice).post(reverse("clients:edit", args=[cleo.uuid]), data)
    assert response.status_code == 302
    cleo.refresh_from_db()
    assert cleo.referral_reason == "Updated"
    event = AuditEvent.objects.filter(action="client.update").get()
    assert "referral_reason" in event.detail["fields"]


def test_the_list_shows_only_the_caseload(
    as_user, alice, cleo, dan, django_assert_max_num_queries
):
    http = as_user(alice)
    response = http.get(reverse("clients:list"))
    assert b"Cleo Example" in response.content
    assert b"Dan Example" not in response.content


def test_the_list_searches_by_name(as_user, alice, cleo):
    from conftest import make_client

    make_client(alice, given_name="Zoe", family_name="Quill")
    response = as_user(alice).get(reverse("clients:list"), {"q": "quill"})
    assert b"Zoe Quill" in response.content
    assert b"Cleo Example" not in response.content


def test_the_list_queries_are_bounded_by_caseload_size(
    as_user, alice, django_assert_max_num_queries
):
    from conftest import make_client

    for i in range(30):
        make_client(alice, given_name=f"Client{i}")
    http = as_user(alice)
    with django_assert_max_num_queries(12):
        response = http.get(reverse("clients:list"))
    assert response.content.count(b"badge phase-referral") == 30
