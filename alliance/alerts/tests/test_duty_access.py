"""Duty access ("break the glass"): a duty clinician or supervisor opens an
alert of a client outside their caseload after giving a reason; the access
is audited as such, the reason is kept encrypted and out of the audit
details, and the access ends with the practice's day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from alliance.accounts.duty import end_of_practice_day
from alliance.accounts.models import DutyShift, User
from alliance.alerts.models import DutyAccess
from alliance.alerts.services import raise_alert
from alliance.alerts.tests.conftest import CANARY
from alliance.audit.models import AuditEvent

REASON = "On duty; Alice is away today (REASON-7f)"


@pytest.fixture
def alert(cleo):
    return raise_alert(cleo, source="Session risk check", summary=f"{CANARY}-Cleo")


@pytest.fixture
def bob_on_duty(bob, clock):
    DutyShift.objects.create(
        practice=bob.practice,
        clinician=bob,
        date=bob.practice.today(clock.at),
    )
    return bob


def duty_url(alert):
    return reverse("alerts:duty_open", args=[alert.uuid])


def test_the_duty_clinician_gives_a_reason_then_reads_and_acknowledges(
    alert, bob_on_duty, as_user
):
    http = as_user(bob_on_duty)
    assert http.get(alert.get_absolute_url()).status_code == 404
    form = http.get(duty_url(alert))
    assert form.status_code == 200
    assert CANARY not in form.content.decode()
    assert "Cleo" not in form.content.decode()
    response = http.post(duty_url(alert), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == alert.get_absolute_url()
    page = http.get(alert.get_absolute_url()).content.decode()
    assert f"{CANARY}-Cleo" in page
    assert "duty access" in page
    grant = DutyAccess.objects.get(alert=alert, user=bob_on_duty)
    assert grant.reason == REASON
    events = AuditEvent.objects.filter(
        actor=bob_on_duty,
        action="riskalert.view",
        object_uuid=alert.uuid,
        outcome="ok",
    )
    assert events.count() == 2  # the grant, then the page
    for event in events:
        assert event.detail == {"via": "duty", "grant": str(grant.uuid)}
        assert event.client_uuid == alert.client.uuid
    assert not [e for e in AuditEvent.objects.all() if "REASON-7f" in str(e.detail)]
    done = http.post(alert.get_absolute_url(), {"action_taken": "Phoned the client."})
    assert done.status_code == 302
    assert done["Location"] == reverse("alerts:queue")
    alert.refresh_from_db()
    assert alert.acknowledged_by == bob_on_duty


def test_a_blank_reason_opens_nothing(alert, bob_on_duty, as_user):
    response = as_user(bob_on_duty).post(duty_url(alert), {"reason": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not DutyAccess.objects.exists()


def test_the_access_ends_with_the_day(alert, bob_on_duty, as_user, clock):
    http = as_user(bob_on_duty)
    http.post(duty_url(alert), {"reason": REASON})
    assert http.get(alert.get_absolute_url()).status_code == 200
    grant = DutyAccess.objects.get()
    assert grant.expires_at == end_of_practice_day(alert.client.practice, clock.at)
    DutyAccess.objects.update(expires_at=clock.at - timedelta(seconds=1))
    assert http.get(alert.get_absolute_url()).status_code == 404


def test_a_clinician_off_duty_may_not(alert, bob, as_user):
    assert as_user(bob).get(duty_url(alert)).status_code == 403
    assert as_user(bob).post(duty_url(alert), {"reason": REASON}).status_code == 403
    assert not DutyAccess.objects.exists()
    assert AuditEvent.objects.filter(
        actor=bob, action="riskalert.duty", outcome="denied"
    ).exists()


def test_the_supervisor_may_act_on_any_alert_of_the_practice(dan, sam, as_user, clock):
    others = raise_alert(dan, source="Session risk check", summary=f"{CANARY}-Dan")
    http = as_user(sam)
    assert http.get(others.get_absolute_url()).status_code == 404
    http.post(duty_url(others), {"reason": REASON})
    assert http.get(others.get_absolute_url()).status_code == 200


def test_the_supervisor_acknowledges_a_supervisees_alert_only_with_a_reason(
    alert, sam, as_user, clock
):
    http = as_user(sam)
    page = http.get(alert.get_absolute_url()).content.decode()
    assert "open it with a reason" in page
    post = {"action_taken": "Called."}
    assert http.post(alert.get_absolute_url(), post).status_code == 403
    http.post(duty_url(alert), {"reason": REASON})
    assert http.post(alert.get_absolute_url(), post).status_code == 302


def test_another_practices_duty_clinician_gets_404(alert, zed, as_user, clock):
    other = User.objects.create_user(
        "hill@example.org",
        "x" * 16,
        full_name="Hill Duty",
        role="clinician",
        practice=zed.practice,
    )
    DutyShift.objects.create(
        practice=zed.practice, clinician=other, date=zed.practice.today()
    )
    assert as_user(other).get(duty_url(alert)).status_code == 404
    assert as_user(other).post(duty_url(alert), {"reason": REASON}).status_code == 404
    assert as_user(other).get(reverse("alerts:queue")).status_code == 200


def test_admins_and_clients_get_403(alert, ada, cleo, as_user):
    assert as_user(ada).get(duty_url(alert)).status_code == 403
    assert as_user(cleo.user).get(duty_url(alert)).status_code == 403
