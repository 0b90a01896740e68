"""The new-appointment form: caseload clients, practice time, clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime

from alliance.scheduling.models import Appointment
from alliance.scheduling.tests.conftest import at

URL = "/calendar/new/"


def _data(client, **extra):
    data = {
        "client": str(client.uuid),
        "starts_at": "2026-07-01T10:00",
        "duration_minutes": "50",
        "modality": "in_person",
        "location": "Room 2",
    }
    data.update(extra)
    return data


def test_it_offers_only_the_clinicians_own_clients(as_user, alice, cleo, dan):
    form = as_user(alice).get(URL).context["form"]
    assert list(form.fields["client"].queryset) == [cleo]
    assert "clinician" not in form.fields
    assert form.fields["duration_minutes"].initial == 50


def test_it_prefills_the_client(as_user, alice, cleo):
    response = as_user(alice).get(URL, {"client": str(cleo.uuid), "date": "2026-12-01"})
    body = response.content.decode()
    assert f'<option value="{cleo.uuid}" selected>Cleo Example</option>' in body
    assert 'value="2026-12-01T09:00"' in body


def test_it_books_in_the_practice_time_zone(as_user, alice, cleo):
    response = as_user(alice).post(URL, _data(cleo))
    appointment = Appointment.objects.get()
    # 10:00 in London on 1 July is 09:00 UTC (summer time).
    assert appointment.starts_at == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert appointment.ends_at == datetime(2026, 7, 1, 9, 50, tzinfo=UTC)
    assert appointment.clinician == alice
    assert response.status_code == 302
    assert response["Location"] == "/calendar/day/2026-07-01/"


def test_it_shows_the_double_booking_refusal(as_user, book, alice, cleo):
    book(cleo, at(2026, 7, 1, 9, 30))
    response = as_user(alice).post(URL, _data(cleo))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Alice Clinician already has an appointment 09:30–10:20 on Wed 1 Jul."
    ]
    assert Appointment.objects.count() == 1


def test_it_refuses_a_duration_out_of_range(as_user, alice, cleo):
    response = as_user(alice).post(URL, _data(cleo, duration_minutes="300"))
    assert response.status_code == 200
    assert "duration_minutes" in response.context["form"].errors
    assert Appointment.objects.count() == 0


def test_it_refuses_another_clinicians_client(as_user, alice, dan):
    response = as_user(alice).post(URL, _data(dan))
    assert response.status_code == 200
    assert "client" in response.context["form"].errors
    assert Appointment.objects.count() == 0


def test_it_does_not_let_a_supervisor_book_a_supervisees_client(as_user, sam, cleo):
    response = as_user(sam).post(URL, _data(cleo))
    assert "client" in response.context["form"].errors
    assert Appointment.objects.count() == 0


def test_it_lets_the_practice_admin_pick_client_and_clinician(
    as_user, ada, bob, cleo, dan
):
    http = as_user(ada)
    form = http.get(URL).context["form"]
    assert list(form.fields["client"].queryset) == [cleo, dan]
    assert [c.full_name for c in form.fields["clinician"].queryset] == [
        "Alice Clinician",
        "Bob Clinician",
    ]
    assert "Cleo Example (Alice Clinician)" in http.get(URL).content.decode()
    response = http.post(URL, _data(cleo, clinician=str(bob.uuid)))
    appointment = Appointment.objects.get()
    assert (appointment.client, appointment.clinician, appointment.created_by) == (
        cleo,
        bob,
        ada,
    )
    assert response["Location"] == f"/calendar/day/2026-07-01/?clinician={bob.uuid}"


def test_it_requires_a_clinician_from_the_practice_admin(as_user, ada, cleo):
    response = as_user(ada).post(URL, _data(cleo))
    assert "clinician" in response.context["form"].errors


def test_it_explains_when_no_client_can_be_booked(as_user, bob):
    body = as_user(bob).get(URL).content.decode()
    assert "There is no client with an open episode of care to book." in body


def test_it_refuses_clients(as_user, cleo):
    assert as_user(cleo.user).get(URL).status_code == 403


def test_it_prefills_the_clinician_for_the_practice_admin(as_user, ada, bob, dan):
    response = as_user(ada).get(URL, {"clinician": str(bob.uuid)})
    assert f'<option value="{bob.uuid}" selected>Bob Clinician</option>' in (
        response.content.decode()
    )
