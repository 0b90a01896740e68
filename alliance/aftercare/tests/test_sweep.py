"""The hourly sweep opens follow-ups on their due day (practice time zone),
emails the client once, marks unanswered ones missed after 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail

from alliance.aftercare.models import FollowUp
from alliance.aftercare.services import run_followups
from alliance.aftercare.tests.helpers import noon, to_aftercare
from alliance.audit.models import AuditEvent
from alliance.measures.models import Administration
from alliance.measures.selectors import client_drafts

S = FollowUp.Status


@pytest.fixture
def entered_40_days_ago(treated, alice):
    return to_aftercare(treated, alice, at=noon(40))


def _by_months(episode):
    return {f.months: f for f in FollowUp.objects.filter(episode=episode)}


def test_it_opens_only_the_followups_that_are_due(entered_40_days_ago, cleo):
    counts = run_followups(now=noon(0))
    assert counts["opened"] == 1
    followups = _by_months(entered_40_days_ago)
    assert followups[1].status == S.OPEN
    assert followups[1].opened_at == noon(0)
    assert followups[3].status == S.SCHEDULED
    assert followups[6].status == S.SCHEDULED
    # The questionnaire waits on the portal home as a draft.
    drafts = client_drafts(cleo)
    assert [(d.instrument, d.mode) for d in drafts] == [("phq9", "portal")]
    assert list(followups[1].administrations.all()) == drafts
    assert AuditEvent.objects.filter(
        action="followup.open", object_uuid=followups[1].uuid
    ).exists()


def test_it_waits_for_the_due_day_in_the_practice_zone(treated, alice, cleo):
    practice = cleo.practice
    practice.time_zone = "Pacific/Auckland"
    practice.save()
    # Entered at 12:00 on 10 March 2026 in Auckland (23:00 UTC on 9 March).
    to_aftercare(treated, alice, at=datetime(2026, 3, 9, 23, 0, tzinfo=UTC))
    first = FollowUp.objects.filter(episode=treated).first()
    assert str(first.due_on) == "2026-04-10"
    # 11:59 UTC on 9 April is 23:59 on 9 April in Auckland: not yet.
    run_followups(now=datetime(2026, 4, 9, 11, 59, tzinfo=UTC))
    first.refresh_from_db()
    assert first.status == S.SCHEDULED
    # 12:00 UTC on 9 April is already 10 April there.
    run_followups(now=datetime(2026, 4, 9, 12, 0, tzinfo=UTC))
    first.refresh_from_db()
    assert first.status == S.OPEN


def test_it_emails_the_client_once(entered_40_days_ago, cleo):
    run_followups(now=noon(0))
    run_followups(now=noon(0) + timedelta(hours=1))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Your follow-up check-in is ready"
    assert message.to == [cleo.email]
    followup = _by_months(entered_40_days_ago)[1]
    assert f"/aftercare/mine/{followup.uuid}/" in message.body
    # Crisis lines, and nothing clinical.
    assert "Samaritans" in message.body
    for word in ("PHQ", "depress", "score", "CANARY"):
        assert word not in message.body
    followup.refresh_from_db()
    assert followup.email_sent_at == noon(0)
    assert AuditEvent.objects.filter(action="followup.email").count() == 1


def test_it_holds_the_email_in_quiet_hours(entered_40_days_ago):
    late = noon(1) + timedelta(hours=10)  # 22:00 UTC: 22:00 or 23:00 in London
    counts = run_followups(now=late)
    assert counts == {**counts, "opened": 1, "emailed": 0}
    assert mail.outbox == []
    counts = run_followups(now=noon(0))
    assert counts["emailed"] == 1
    assert len(mail.outbox) == 1


def test_a_failed_email_is_retried(entered_40_days_ago):
    with mock.patch(
        "alliance.aftercare.services.send_mail", side_effect=OSError("SMTP down")
    ):
        counts = run_followups(now=noon(1))
    assert counts["emailed"] == 0
    followup = _by_months(entered_40_days_ago)[1]
    assert followup.email_sent_at is None
    assert run_followups(now=noon(0))["emailed"] == 1
    assert len(mail.outbox) == 1


def test_a_client_without_a_portal_login_gets_no_email(dan, bob, consent_text):
    from alliance.aftercare.tests.helpers import to_active

    episode = to_active(dan.current_episode(), bob, consent_text, at=noon(100))
    to_aftercare(episode, bob, at=noon(40))
    assert run_followups(now=noon(0))["opened"] == 1
    assert mail.outbox == []


def test_it_marks_an_unanswered_followup_missed_after_30_days(treated, alice):
    to_aftercare(treated, alice, at=noon(100))
    run_followups(now=noon(65))
    first = _by_months(treated)[1]
    first.refresh_from_db()
    assert first.status == S.OPEN
    run_followups(now=noon(36))  # 29 days on: still open
    first.refresh_from_db()
    assert first.status == S.OPEN
    counts = run_followups(now=noon(35))  # 30 days on
    assert counts["missed"] == 1
    first.refresh_from_db()
    assert first.status == S.MISSED
    assert first.ended_at == noon(35)
    assert first.deteriorated is None
    assert AuditEvent.objects.filter(action="followup.missed").count() == 1


def test_a_long_overdue_episode_gets_one_checkin_not_a_pile(in_aftercare):
    # Entered aftercare 200 days ago: the 1- and 3-month follow-ups are past.
    counts = run_followups(now=noon(0))
    assert counts["opened"] == 1
    followups = _by_months(in_aftercare)
    assert followups[6].status == S.OPEN
    assert followups[1].status == S.MISSED
    assert followups[3].status == S.MISSED
    assert followups[1].opened_at is None
    assert Administration.objects.drafts().count() == 1
    assert len(mail.outbox) == 1


def test_a_newer_followup_closes_the_older_open_one(treated, alice):
    from alliance.aftercare.services import open_followup

    to_aftercare(treated, alice, at=noon(100))
    run_followups(now=noon(68))
    followups = _by_months(treated)
    assert followups[1].status == S.OPEN
    # However it comes to be opened, one check-in is open at a time.
    assert open_followup(followups[3], now=noon(60)) is True
    followups = _by_months(treated)
    assert followups[1].status == S.MISSED
    assert followups[3].status == S.OPEN
    assert AuditEvent.objects.filter(
        action="followup.missed", detail__superseded_by=3
    ).exists()


def test_the_sweep_is_safe_to_run_again(entered_40_days_ago):
    first = run_followups(now=noon(0))
    second = run_followups(now=noon(0))
    assert first["opened"] == 1
    assert second == {
        "completed": 0,
        "compared": 0,
        "missed": 0,
        "opened": 0,
        "emailed": 0,
    }


def test_one_failing_followup_does_not_stop_the_others(
    entered_40_days_ago, dan, bob, consent_text
):
    from alliance.aftercare.tests.helpers import to_active

    other = to_active(dan.current_episode(), bob, consent_text, at=noon(100))
    to_aftercare(other, bob, at=noon(40))
    real = __import__(
        "alliance.aftercare.services", fromlist=["x"]
    ).start_administration
    calls = []

    def flaky(episode, *args, **kwargs):
        calls.append(episode.pk)
        if episode.pk == entered_40_days_ago.pk:
            raise RuntimeError("boom")
        return real(episode, *args, **kwargs)

    with mock.patch("alliance.aftercare.services.start_administration", flaky):
        counts = run_followups(now=noon(0))
    assert counts["opened"] == 1
    assert _by_months(entered_40_days_ago)[1].status == S.SCHEDULED
    assert _by_months(other)[1].status == S.OPEN


def test_a_missed_followup_takes_its_unanswered_questionnaires_away(
    treated, alice, cleo
):
    from alliance.measures.services import save_answers

    to_aftercare(treated, alice, at=noon(100))
    run_followups(now=noon(65))
    first = _by_months(treated)[1]
    [draft] = first.administrations.all()
    save_answers(draft, {"q1": 2})  # begun, never sent
    run_followups(now=noon(35))
    first.refresh_from_db()
    assert first.status == S.MISSED
    assert client_drafts(cleo) == []
    assert not Administration.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(
        action="administration.discard", object_uuid=draft.uuid
    ).exists()


def test_the_next_followup_starts_afresh_not_on_an_old_draft(treated, alice, cleo):
    from alliance.measures.services import save_answers, start_administration

    # A questionnaire begun in the portal during treatment and never sent.
    stale = start_administration(treated, "phq9", mode="portal")
    save_answers(stale, {"q1": 3})
    to_aftercare(treated, alice, at=noon(40))
    run_followups(now=noon(0))
    first = _by_months(treated)[1]
    [fresh] = first.administrations.all()
    assert fresh.pk != stale.pk
    assert fresh.answer_dict() == {}
    assert [d.pk for d in client_drafts(cleo)] == [fresh.pk]
