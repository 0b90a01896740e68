"""The practice risk queue: every open alert by severity and age; admins see
it without clinical text, supervisors and the duty clinician with it (for the
alerts they may read), other clinicians get 403."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.models import DutyShift
from alliance.alerts.selectors import queue
from alliance.alerts.services import acknowledge_alert, raise_alert, run_alert_sweep
from alliance.alerts.tests.conftest import CANARY
from conftest import make_client

QUEUE = reverse("alerts:queue")


def _alert(client, *, severity="high", summary=None):
    return raise_alert(
        client,
        source="Session risk check",
        summary=summary or f"{CANARY}-{client.given_name}",
        severity=severity,
    )


def test_the_admin_sees_every_open_alert_without_clinical_text(
    cleo, dan, ada, alice, as_user, clock
):
    _alert(cleo)
    _alert(dan, severity="medium")
    done = _alert(cleo, severity="low", summary="CANARY-closed")
    acknowledge_alert(done, by=alice, action_taken="Reviewed.")
    page = as_user(ada).get(QUEUE).content.decode()
    assert "2 open alerts" in page
    assert "Alice Clinician" in page and "Bob Clinician" in page
    assert "Session risk check" in page
    assert CANARY not in page
    assert "CANARY-closed" not in page
    # No client names: the admin follows up with the clinician.
    assert "Cleo" not in page and "Dan" not in page
    assert reverse("alerts:duty_open", args=[done.uuid]) not in page


def test_high_alerts_come_first_then_the_oldest(cleo, dan, clock):
    low = _alert(cleo, severity="low")
    clock.advance(minutes=1)
    old_high = _alert(dan)
    clock.advance(minutes=1)
    new_high = _alert(cleo)
    assert list(queue(cleo.practice_id)) == [old_high, new_high, low]


def test_escalation_state_shows_in_the_queue(cleo, sam, ada, as_user, clock):
    _alert(cleo)
    assert "Escalates at" in as_user(ada).get(QUEUE).content.decode()
    clock.advance(hours=4)
    run_alert_sweep()
    page = as_user(ada).get(QUEUE).content.decode()
    assert "Escalated" in page
    assert "Sam Supervisor (supervisor)" in page


def test_another_practices_admin_sees_nothing_of_it(cleo, zed, as_user):
    _alert(cleo)
    page = as_user(zed).get(QUEUE).content.decode()
    assert "0 open alerts" in page
    assert "Alice Clinician" not in page


def test_the_supervisor_reads_supervisees_alerts_and_opens_others_with_a_reason(
    cleo, dan, sam, as_user
):
    own = _alert(cleo)
    others = _alert(dan)
    page = as_user(sam).get(QUEUE).content.decode()
    assert f"{CANARY}-Cleo" in page
    assert own.get_absolute_url() in page
    assert f"{CANARY}-Dan" not in page
    assert "Dan Example" not in page
    assert reverse("alerts:duty_open", args=[others.uuid]) in page


def test_the_duty_clinician_sees_the_queue_and_others_do_not(
    cleo, dan, alice, bob, as_user, clock
):
    _alert(cleo)
    assert as_user(bob).get(QUEUE).status_code == 403
    DutyShift.objects.create(practice=bob.practice, clinician=bob, date=clock.at.date())
    page = as_user(bob).get(QUEUE)
    assert page.status_code == 200
    assert "1 open alert" in page.content.decode()
    assert f"{CANARY}-Cleo" not in page.content.decode()
    assert as_user(alice).get(QUEUE).status_code == 403


def test_the_queue_takes_the_same_queries_for_3_or_30_alerts(
    cleo, dan, ada, sam, as_user, clock
):
    def count(who):
        http = as_user(who)
        http.get(QUEUE)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert http.get(QUEUE).status_code == 200
        return len(queries)

    for _ in range(3):
        _alert(cleo)
    few = {who: count(who) for who in (ada, sam)}
    for n in range(27):
        _alert(dan if n % 2 else cleo)
    clock.advance(hours=4)
    run_alert_sweep()  # with escalation messages to show
    many = {who: count(who) for who in (ada, sam)}
    assert many == few


def test_a_long_queue_is_paged(alice, ada, as_user, clock):
    client = make_client(alice, given_name="Pia")
    for _ in range(55):
        _alert(client)
    first = as_user(ada).get(QUEUE).content.decode()
    assert "Page 1 of 2" in first
    second = as_user(ada).get(QUEUE, {"page": "2"}).content.decode()
    assert "Page 2 of 2" in second
    assert as_user(ada).get(QUEUE, {"page": "junk"}).status_code == 200
