"""Each report's counts against records built by hand, with the period's
first and last days included and the days either side left out (the
practice's wall clock, Europe/London)."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from alliance.reports import selectors
from alliance.reports.selectors import Period
from alliance.reports.tests.helpers import appointment, at, episode

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
SPRING = (date(2026, 3, 1), date(2026, 4, 30))


def _period(practice, days):
    return Period.of(practice, *days)


# --- caseload ----------------------------------------------------------------------


def _caseload_world(alice, bob):
    episode(
        alice,
        "Ash",
        at(2026, 2, 10),
        [("assessment", at(2026, 2, 20)), ("active", at(2026, 3, 5))],
    )
    # Still in referral at the end of March: it moved on in April.
    episode(alice, "Bea", at(2026, 3, 10), [("assessment", at(2026, 4, 5))])
    episode(alice, "Cy", at(2026, 1, 5), [("closed", at(2026, 3, 15))], reason="moved")
    # Opened in the last minutes of the period, then the first minute after.
    episode(bob, "Dee", at(2026, 3, 31, 23, 30))
    episode(bob, "Eli", at(2026, 4, 1, 0, 0))


def test_caseload_counts_phases_as_they_stood(practice, alice, bob):
    _caseload_world(alice, bob)
    table = selectors.caseload(practice, [alice, bob], _period(practice, MARCH))
    assert table.columns == [
        "Clinician",
        "Referral",
        "Assessment",
        "Active treatment",
        "Termination",
        "Aftercare",
        "Open episodes",
        "Opened in the period",
    ]
    assert table.rows == [
        ["Alice Clinician", 1, 0, 1, 0, 0, 2, 1],
        ["Bob Clinician", 1, 0, 0, 0, 0, 1, 1],
    ]
    assert table.totals == ["Total", 2, 0, 1, 0, 0, 3, 2]


def test_caseload_without_a_period_is_today(practice, alice, bob):
    _caseload_world(alice, bob)
    table = selectors.caseload(practice, [alice, bob], _period(practice, (None, None)))
    assert table.rows == [
        ["Alice Clinician", 0, 1, 1, 0, 0, 2, 3],
        ["Bob Clinician", 2, 0, 0, 0, 0, 2, 2],
    ]


def test_caseload_counts_only_the_clinicians_given(practice, alice, bob):
    _caseload_world(alice, bob)
    table = selectors.caseload(practice, [bob], _period(practice, MARCH))
    assert [row[0] for row in table.rows] == ["Bob Clinician"]
    assert table.totals == ["Total", 1, 0, 0, 0, 0, 1, 1]


# --- attendance --------------------------------------------------------------------


def _attendance_world(alice, bob):
    a = episode(alice, "Ash", at(2026, 1, 5))
    b = episode(bob, "Bo", at(2026, 1, 5))
    appointment(a, at(2026, 3, 3, 10))
    appointment(a, at(2026, 3, 10, 10))
    appointment(a, at(2026, 3, 17, 10), "cancelled", cancelled_before=timedelta(days=3))
    appointment(a, at(2026, 3, 24, 10), "late_cancelled")
    # Half past midnight in London on 1 April is still 31 March in UTC.
    appointment(a, at(2026, 4, 1, 0, 30))
    appointment(a, at(2026, 4, 30, 23, 0), "no_show")
    # The first minute of the period, and a cancellation two hours ahead
    # (under the practice's 24 hours' notice: late).
    appointment(
        b, at(2026, 3, 1, 0, 0), "cancelled", cancelled_before=timedelta(days=2)
    )
    appointment(b, at(2026, 3, 20, 9), "cancelled", cancelled_before=timedelta(hours=2))
    # Either side of the period: not counted.
    appointment(b, at(2026, 2, 28, 23, 59))
    appointment(b, at(2026, 5, 1, 0, 0))


def test_attendance_by_month_and_clinician(practice, alice, bob):
    _attendance_world(alice, bob)
    table = selectors.attendance(practice, [alice, bob], _period(practice, SPRING))
    assert table.columns == [
        "Period",
        "Clinician",
        "Held",
        "Cancelled with notice",
        "Cancelled late",
        "Did not attend",
        "Not yet recorded",
        "Appointments",
    ]
    assert table.rows == [
        ["2026-03", "Alice Clinician", 2, 1, 1, 0, 0, 4],
        ["2026-03", "Bob Clinician", 0, 1, 1, 0, 0, 2],
        ["2026-04", "Alice Clinician", 1, 0, 0, 1, 0, 2],
    ]
    assert table.totals == ["Total", "", 3, 2, 2, 1, 0, 8]


def test_attendance_by_week(practice, alice, bob):
    _attendance_world(alice, bob)
    march = _period(practice, MARCH)
    table = selectors.attendance(practice, [alice], march, by=selectors.WEEK)
    # Weeks start on Monday: 2 March, 9 March, 16 March, 23 March.
    assert [row[:3] for row in table.rows] == [
        ["Week of 2026-03-02", "Alice Clinician", 1],
        ["Week of 2026-03-09", "Alice Clinician", 1],
        ["Week of 2026-03-16", "Alice Clinician", 0],
        ["Week of 2026-03-23", "Alice Clinician", 0],
    ]
    assert table.totals == ["Total", "", 2, 1, 1, 0, 0, 4]


def test_attendance_follows_the_practices_notice(practice, alice, bob):
    _attendance_world(alice, bob)
    practice.cancel_notice_hours = 1
    practice.save(update_fields=["cancel_notice_hours"])
    table = selectors.attendance(practice, [bob], _period(practice, MARCH))
    # Two hours' notice is enough now.
    assert table.rows == [["2026-03", "Bob Clinician", 0, 2, 0, 0, 0, 2]]


def test_attendance_leaves_out_the_future_and_counts_unrecorded(practice, alice):
    from django.utils import timezone

    a = episode(alice, "Ash", at(2026, 1, 5))
    appointment(a, timezone.now() - timedelta(days=1), "booked")
    appointment(a, timezone.now() + timedelta(days=1), "booked")
    table = selectors.attendance(practice, [alice], _period(practice, (None, None)))
    assert table.totals == ["Total", "", 0, 0, 0, 0, 1, 1]


# --- waiting times -----------------------------------------------------------------


def _course(clinician, name, referred, *, assessed, treated, ended, sessions=2):
    # Whole days in UTC, so a change to summer time adds no hour.
    referred = referred.astimezone(UTC)
    ep = episode(
        clinician,
        name,
        referred,
        [
            ("assessment", referred + timedelta(days=1)),
            ("active", referred + timedelta(days=assessed)),
            ("termination", ended - timedelta(days=1)),
            ("closed", ended),
        ],
        reason="completed",
    )
    appointment(ep, referred + timedelta(days=assessed), purpose="assessment")
    for n in range(sessions):
        appointment(ep, referred + timedelta(days=treated + 7 * n))
    return ep


def test_waiting_times_are_exact_days(practice, alice, bob):
    _course(
        alice,
        "Ash",
        at(2026, 1, 5, 9),
        assessed=10,
        treated=24,
        ended=at(2026, 3, 1, 9),
    )
    _course(
        alice,
        "Bea",
        at(2026, 1, 5, 9),
        assessed=5,
        treated=50,
        ended=at(2026, 3, 31, 23),
    )
    _course(
        bob,
        "Cy",
        at(2026, 1, 5, 9),
        assessed=14,
        treated=140,
        ended=at(2026, 6, 1, 9),
        sessions=2,
    )
    # Not a finished course (one session), and a course that ended before.
    _course(
        bob,
        "Dee",
        at(2026, 1, 5, 9),
        assessed=3,
        treated=7,
        ended=at(2026, 3, 9),
        sessions=1,
    )
    _course(
        bob, "Eli", at(2025, 1, 5, 9), assessed=3, treated=7, ended=at(2026, 2, 28, 23)
    )
    table = selectors.waiting_times(practice, [alice, bob], _period(practice, MARCH))
    assert table.columns[0] == "Clinician"
    assert table.rows == [
        ["Alice Clinician", 2, 2, 7.5, 10, 2, 37, 50, "1 (50%)", "2 (100%)"],
        ["Bob Clinician", 0, 0, "", "", 0, "", "", "", ""],
    ]
    assert table.totals == ["Total", 2, 2, 7.5, 10, 2, 37, 50, "1 (50%)", "2 (100%)"]
    everything = selectors.waiting_times(
        practice, [bob], _period(practice, (None, None))
    )
    # Cy waited 140 days for treatment: beyond 18 weeks (126 days).
    assert everything.rows == [
        ["Bob Clinician", 2, 2, 8.5, 14, 2, 73.5, 140, "1 (50%)", "1 (50%)"]
    ]


# --- discharges --------------------------------------------------------------------


def test_discharges_by_reason_and_clinician(practice, alice, bob):
    opened = at(2026, 1, 5)
    for name, clinician, closed, reason in [
        ("Ash", alice, at(2026, 3, 1, 0, 0), "completed"),
        ("Bea", alice, at(2026, 3, 12), "completed"),
        ("Cy", alice, at(2026, 3, 20), "dropped_out"),
        ("Dee", bob, at(2026, 3, 31, 23, 59), "moved"),
        ("Eli", bob, at(2026, 3, 2), "mutual"),
        ("Fay", bob, at(2026, 3, 3), "referred_on"),
        ("Gus", bob, at(2026, 3, 4), "not_suitable"),
        ("Hal", alice, at(2026, 3, 5), "client_ended"),
        ("Ida", alice, at(2026, 3, 6), "other"),
        # Either side of March.
        ("Jo", bob, at(2026, 2, 28, 23, 59), "completed"),
        ("Kit", bob, at(2026, 4, 1, 0, 0), "completed"),
    ]:
        episode(clinician, name, opened, [("closed", closed)], reason=reason)
    # Open episodes are not discharges.
    episode(alice, "Lou", opened, [("assessment", at(2026, 3, 10))])
    table = selectors.discharges(practice, [alice, bob], _period(practice, MARCH))
    assert table.columns == [
        "Reason",
        "Ending",
        "Alice Clinician",
        "Bob Clinician",
        "Total",
    ]
    assert table.rows == [
        ["Completed treatment as planned", "Planned", 2, 0, 2],
        ["Ended early by mutual agreement", "Planned", 0, 1, 1],
        ["Client chose to stop", "Unplanned", 1, 0, 1],
        ["Client stopped attending", "Unplanned", 1, 0, 1],
        ["Client moved away", "Unplanned", 0, 1, 1],
        ["Referred on to another service", "Unplanned", 0, 1, 1],
        ["Assessed as not needing or suited to treatment", "Unplanned", 0, 1, 1],
        ["Other", "Unplanned", 1, 0, 1],
    ]
    assert table.totals == ["Total", "", 5, 4, 9]
    mine = selectors.discharges(practice, [alice], _period(practice, MARCH))
    assert mine.columns == ["Reason", "Ending", "Alice Clinician", "Total"]
    assert mine.totals == ["Total", "", 5, 5]


def test_a_discharge_without_a_reason_has_its_own_row(practice, alice):
    episode(alice, "Ash", at(2026, 1, 5), [("closed", at(2026, 3, 2))])
    table = selectors.discharges(practice, [alice], _period(practice, MARCH))
    assert table.rows[-1] == ["No reason recorded", "", 1, 1]
