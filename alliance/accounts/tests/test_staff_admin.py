from __future__ import annotations

import pytest
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
        {
            **PRACTICE_FORM,
            "name": "Riverside",
            "time_zone": "Europe/Dublin",
            "crisis_lines": "Call 112",
        },
    )
    ada.practice.refresh_from_db()
    assert ada.practice.crisis_line_list() == ["Call 112"]
    assert ada.practice.time_zone == "Europe/Dublin"


PRACTICE_FORM = {
    "name": "Riverside",
    "time_zone": "Europe/London",
    "crisis_lines": "",
    "portal_days_after_close": "90",
    "quiet_hours_start": "21:00",
    "quiet_hours_end": "08:00",
    "followup_months": "1,3,6",
    "retention_years": "20",
    "alert_escalation_hours": "4",
    "drink_measure": "who",
    "cancel_notice_hours": "24",
    "video_url_template": "https://meet.jit.si/{room}",
    "version": "1",
}


def test_practice_settings_save_between_session_and_ending_rules(as_user, ada):
    as_user(ada).post(
        reverse("accounts:practice"),
        {
            **PRACTICE_FORM,
            "portal_days_after_close": "30",
            "allow_message_attachments": "on",
            "quiet_hours_start": "22:30",
            "quiet_hours_end": "07:00",
            "followup_months": " 6, 1,3 ,3",
            "retention_years": "10",
            "alert_escalation_hours": "2",
            "cancel_notice_hours": "12",
            "video_url_template": " https://video.example.org/{room} ",
        },
    )
    practice = ada.practice
    practice.refresh_from_db()
    assert practice.portal_days_after_close == 30
    assert practice.allow_message_attachments is True
    assert practice.followup_month_list() == [1, 3, 6]
    assert practice.followup_months == "1,3,6"
    assert practice.retention_years == 10
    assert practice.alert_escalation_hours == 2
    assert practice.cancel_notice_hours == 12
    assert practice.video_url_template == "https://video.example.org/{room}"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("followup_months", "one, three", "whole months"),
        ("followup_months", "0,3", "1 to 60 months"),
        ("retention_years", "0", "1 to 100 years"),
        ("portal_days_after_close", "5000", "ten years"),
        ("alert_escalation_hours", "0", "1 to 72 hours"),
        ("alert_escalation_hours", "100", "1 to 72 hours"),
        ("cancel_notice_hours", "500", "0 to 168 hours"),
        ("video_url_template", "http://meet.example.org/{room}", "https:// address"),
        ("video_url_template", "https://meet.example.org/{name}", "https:// address"),
    ],
)
def test_practice_settings_refuse_bad_rules(as_user, ada, field, value, message):
    response = as_user(ada).post(
        reverse("accounts:practice"), {**PRACTICE_FORM, field: value}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    ada.practice.refresh_from_db()
    assert ada.practice.followup_months == "1,3,6"
    assert ada.practice.retention_years == 20


@pytest.mark.parametrize(
    ("start", "end", "moment", "quiet"),
    [
        ("21:00", "08:00", "22:15", True),
        ("21:00", "08:00", "07:59", True),
        ("21:00", "08:00", "08:00", False),
        ("21:00", "08:00", "20:59", False),
        ("13:00", "14:00", "13:30", True),
        ("13:00", "14:00", "14:00", False),
        ("09:00", "09:00", "09:00", False),
    ],
)
def test_quiet_hours_may_run_over_midnight(ada, start, end, moment, quiet):
    from datetime import time

    practice = ada.practice
    practice.quiet_hours_start = time.fromisoformat(start)
    practice.quiet_hours_end = time.fromisoformat(end)
    assert practice.in_quiet_hours(time.fromisoformat(moment)) is quiet


def test_records_are_kept_20_years_by_default():
    """NHS England Records Management Code of Practice (2021, updated 2023):
    mental-health and psychology records, 20 years after care ends."""
    from alliance.accounts.models import Practice

    assert Practice(name="New").retention_years == 20
