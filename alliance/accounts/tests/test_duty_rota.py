"""The duty rota: the practice admin puts clinicians on duty on given days
(optionally every week until a date); ``duty_clinicians`` answers who is on
duty."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.accounts.duty import duty_clinicians, is_on_duty
from alliance.accounts.models import DutyShift, User
from alliance.accounts.services import add_duty_days, remove_duty_day
from alliance.audit.models import AuditEvent

MONDAY = date(2031, 3, 3)


def test_it_adds_a_day_and_weekly_repeats(practice, ada, alice):
    added = add_duty_days(
        practice,
        clinician=alice,
        start=MONDAY,
        repeat_weekly_until=MONDAY + timedelta(days=22),
        by=ada,
    )
    assert [s.date for s in added] == [MONDAY + timedelta(weeks=n) for n in range(4)]
    again = add_duty_days(
        practice, clinician=alice, start=MONDAY + timedelta(weeks=3), by=ada
    )
    assert again == []
    assert DutyShift.objects.count() == 4
    assert AuditEvent.objects.filter(action="duty.add", actor=ada).count() == 2


def test_duty_clinicians_are_those_on_the_rota_that_day(practice, ada, alice, bob):
    add_duty_days(practice, clinician=alice, start=MONDAY, by=ada)
    add_duty_days(practice, clinician=bob, start=MONDAY + timedelta(days=1), by=ada)
    assert list(duty_clinicians(practice, on=MONDAY)) == [alice]
    assert is_on_duty(alice, MONDAY) and not is_on_duty(bob, MONDAY)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert list(duty_clinicians(practice, on=MONDAY)) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"repeat_weekly_until": MONDAY - timedelta(days=1)}, "ends before"),
        ({"repeat_weekly_until": MONDAY + timedelta(weeks=70)}, "at most 60"),
    ],
)
def test_it_refuses_bad_repeats(practice, ada, alice, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        add_duty_days(practice, clinician=alice, start=MONDAY, by=ada, **kwargs)
    assert not DutyShift.objects.exists()


def test_only_clinicians_of_the_practice_go_on_duty(practice, ada, zed):
    with pytest.raises(ValidationError, match="of your practice"):
        add_duty_days(practice, clinician=ada, start=MONDAY, by=ada)
    other = User.objects.create_user(
        "o@example.org",
        "x" * 16,
        full_name="O",
        role="clinician",
        practice=zed.practice,
    )
    with pytest.raises(ValidationError, match="of your practice"):
        add_duty_days(practice, clinician=other, start=MONDAY, by=ada)


def test_the_admin_page_adds_and_removes_days(practice, ada, alice, as_user):
    today = practice.today()
    http = as_user(ada)
    response = http.post(
        reverse("accounts:duty"),
        {
            "clinician": alice.pk,
            "date": today.isoformat(),
            "repeat_weekly_until": (today + timedelta(weeks=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert DutyShift.objects.filter(clinician=alice).count() == 3
    page = http.get(reverse("accounts:duty")).content.decode()
    assert "Alice Clinician" in page and "(today)" in page
    shift = DutyShift.objects.get(date=today)
    http.post(reverse("accounts:duty_remove", args=[shift.pk]))
    assert DutyShift.objects.filter(clinician=alice).count() == 2
    assert AuditEvent.objects.filter(action="duty.remove").count() == 1


def test_bad_input_changes_nothing(practice, ada, alice, as_user):
    response = as_user(ada).post(
        reverse("accounts:duty"), {"clinician": alice.pk, "date": "someday"}
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert not DutyShift.objects.exists()


def test_another_practices_admin_cannot_remove_a_day(practice, ada, zed, alice):
    shift = add_duty_days(practice, clinician=alice, start=MONDAY, by=ada)[0]
    with pytest.raises(ValidationError):
        remove_duty_day(shift, by=zed)
    assert DutyShift.objects.count() == 1
