from __future__ import annotations

from django.urls import reverse

from alliance.accounts.models import Supervision


def test_admin_deactivates_and_reactivates_a_clinician(as_user, ada, bob):
    http = as_user(ada)
    http.post(reverse("accounts:set_active", args=[bob.uuid]), {"active": "0"})
    bob.refresh_from_db()
    assert bob.is_active is False
    http.post(reverse("accounts:set_active", args=[bob.uuid]), {"active": "1"})
    bob.refresh_from_db()
    assert bob.is_active is True


def test_admin_cannot_deactivate_themselves(as_user, ada):
    response = as_user(ada).post(
        reverse("accounts:set_active", args=[ada.uuid]), {"active": "0"}, follow=True
    )
    ada.refresh_from_db()
    assert ada.is_active is True
    assert b"cannot deactivate your own account" in response.content


def test_admin_records_supervision(as_user, ada, sam, bob):
    as_user(ada).post(
        reverse("accounts:add_supervision"),
        {"supervisor": sam.pk, "supervisee": bob.pk},
    )
    assert (
        Supervision.objects.filter(
            supervisor=sam, supervisee=bob, ended_at=None
        ).count()
        == 1
    )


def test_supervision_needs_a_supervisor(as_user, ada, alice, bob):
    as_user(ada).post(
        reverse("accounts:add_supervision"),
        {"supervisor": alice.pk, "supervisee": bob.pk},
    )
    assert not Supervision.objects.filter(supervisee=bob).exists()


def test_ending_supervision_removes_read_access(as_user, ada, sam, cleo):
    supervision = Supervision.objects.get(supervisor=sam)
    assert as_user(sam).get(cleo.get_absolute_url()).status_code == 200
    as_user(ada).post(reverse("accounts:end_supervision", args=[supervision.pk]))
    assert as_user(sam).get(cleo.get_absolute_url()).status_code == 404


def test_practice_settings_refuse_an_unknown_time_zone(as_user, ada):
    response = as_user(ada).post(
        reverse("accounts:practice"), {"name": "Riverside", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    ada.practice.refresh_from_db()
    assert ada.practice.time_zone == "Europe/London"


def test_practice_settings_save_crisis_lines(as_user, ada):
    as_user(ada).post(
        reverse("accounts:practice"),
        {"name": "Riverside", "time_zone": "Europe/Dublin", "crisis_lines": "Call 112"},
    )
    ada.practice.refresh_from_db()
    assert ada.practice.crisis_line_list() == ["Call 112"]
    assert ada.practice.time_zone == "Europe/Dublin"
