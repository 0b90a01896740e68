"""Entering aftercare schedules one follow-up per practice month; leaving it
cancels the ones still pending."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance.aftercare.models import FollowUp
from alliance.aftercare.services import add_months, schedule_followups
from alliance.aftercare.tests.helpers import gad7, noon, score, to_aftercare
from alliance.audit.models import AuditEvent
from alliance.clients.services import transition_episode


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 1, 31), 6, date(2026, 7, 31)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_it_adds_calendar_months_clamped_to_the_month_end(start, months, due):
    assert add_months(start, months) == due


def test_it_schedules_one_followup_per_practice_month(in_aftercare, alice):
    followups = list(FollowUp.objects.filter(episode=in_aftercare))
    entered = noon(200).date()
    assert [f.months for f in followups] == [1, 3, 6]
    assert [f.due_on for f in followups] == [
        add_months(entered, 1),
        add_months(entered, 3),
        add_months(entered, 6),
    ]
    assert {f.status for f in followups} == {FollowUp.Status.SCHEDULED}
    assert {f.client_id for f in followups} == {in_aftercare.client_id}
    # Only PHQ-9 was given during treatment.
    assert [f.instruments for f in followups] == [["phq9"]] * 3
    events = AuditEvent.objects.filter(action="followup.schedule")
    assert events.count() == 3
    assert set(events.values_list("actor", flat=True)) == {alice.pk}


def test_it_clamps_dates_entered_at_a_month_end(cleo, alice, consent_text):
    from alliance.aftercare.tests.helpers import to_active

    episode = to_active(cleo.current_episode(), alice, consent_text, at=noon(400))
    to_aftercare(episode, alice, at=datetime(2026, 1, 31, 12, tzinfo=UTC))
    assert list(
        FollowUp.objects.filter(episode=episode).values_list("due_on", flat=True)
    ) == [date(2026, 2, 28), date(2026, 4, 30), date(2026, 7, 31)]


def test_it_counts_from_the_practice_date(cleo, alice, consent_text):
    from alliance.aftercare.tests.helpers import to_active

    practice = cleo.practice
    practice.time_zone = "Pacific/Auckland"
    practice.save()
    episode = to_active(cleo.current_episode(), alice, consent_text, at=noon(400))
    # 23:30 UTC on 31 March is already 1 April in Auckland.
    to_aftercare(episode, alice, at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    first = FollowUp.objects.filter(episode=episode).first()
    assert first.due_on == date(2026, 5, 1)


def test_the_practice_sets_the_months(cleo, alice, treated):
    practice = cleo.practice
    practice.followup_months = "2,12"
    practice.save()
    to_aftercare(treated, alice, at=noon(10))
    assert list(
        FollowUp.objects.filter(episode=treated).values_list("months", flat=True)
    ) == [2, 12]


def test_a_bad_months_setting_never_blocks_the_move(cleo, alice, treated):
    practice = cleo.practice
    practice.followup_months = "one, three"
    practice.save()
    to_aftercare(treated, alice, at=noon(10))
    treated.refresh_from_db()
    assert treated.phase == "aftercare"
    assert list(
        FollowUp.objects.filter(episode=treated).values_list("months", flat=True)
    ) == [1, 3, 6]


def test_scheduling_again_for_the_same_entry_adds_nothing(in_aftercare):
    followup = FollowUp.objects.filter(episode=in_aftercare).first()
    again = schedule_followups(in_aftercare, entered_at=followup.aftercare_from)
    assert again == []
    assert FollowUp.objects.filter(episode=in_aftercare).count() == 3


def test_it_gives_the_measures_the_episode_used(cleo, alice, treated):
    score(treated, alice, "gad7", gad7(9), at=noon(250))
    to_aftercare(treated, alice, at=noon(10))
    assert FollowUp.objects.filter(episode=treated).first().instruments == [
        "phq9",
        "gad7",
    ]


def test_without_scores_it_gives_phq9_and_gad7(cleo, alice, consent_text):
    from alliance.aftercare.tests.helpers import to_active

    episode = to_active(cleo.current_episode(), alice, consent_text, at=noon(100))
    to_aftercare(episode, alice, at=noon(10))
    assert FollowUp.objects.filter(episode=episode).first().instruments == [
        "phq9",
        "gad7",
    ]


def test_reopening_treatment_cancels_pending_followups(in_aftercare, alice):
    transition_episode(in_aftercare, "active", by=alice, reason="Relapse")
    statuses = set(
        FollowUp.objects.filter(episode=in_aftercare).values_list("status", flat=True)
    )
    assert statuses == {FollowUp.Status.CANCELLED}
    assert AuditEvent.objects.filter(action="followup.cancelled").count() == 3


def test_closing_cancels_pending_followups(in_aftercare, alice):
    transition_episode(
        in_aftercare,
        "closed",
        by=alice,
        reason="Aftercare ended",
        discharge="completed",
    )
    assert set(
        FollowUp.objects.filter(episode=in_aftercare).values_list("status", flat=True)
    ) == {FollowUp.Status.CANCELLED}


def test_closing_keeps_finished_followups(in_aftercare, alice):
    first = FollowUp.objects.filter(episode=in_aftercare).first()
    first.status = FollowUp.Status.COMPLETED
    first.save()
    transition_episode(
        in_aftercare,
        "closed",
        by=alice,
        reason="Aftercare ended",
        discharge="completed",
    )
    first.refresh_from_db()
    assert first.status == FollowUp.Status.COMPLETED


def test_entering_aftercare_again_schedules_a_fresh_set(in_aftercare, alice):
    transition_episode(in_aftercare, "active", by=alice, reason="Relapse", at=noon(50))
    to_aftercare(in_aftercare, alice, at=noon(5))
    followups = FollowUp.objects.filter(episode=in_aftercare)
    assert followups.count() == 6
    assert followups.filter(status=FollowUp.Status.SCHEDULED).count() == 3
    assert set(
        followups.filter(status=FollowUp.Status.SCHEDULED).values_list(
            "due_on", flat=True
        )
    ) == {add_months(noon(5).date(), m) for m in (1, 3, 6)}


def test_a_failed_move_schedules_nothing(treated, alice):
    from django.core.exceptions import ValidationError

    transition_episode(treated, "termination", by=alice, reason="Goals met")
    with pytest.raises(ValidationError):
        transition_episode(treated, "aftercare", by=alice, reason="  ")
    assert not FollowUp.objects.exists()
