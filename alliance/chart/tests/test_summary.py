"""The chart's summary: what a clinician reads in ten seconds, and its
bounded cost; the sections reached by plain links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.alerts.services import raise_alert
from alliance.chart.selectors import SECTIONS
from alliance.measures.tests.admin.helpers import days_ago, move, phq9, record


def _summary(html: str) -> str:
    start = html.index('<section id="summary" aria-labelledby="summary-heading"')
    return html[start:]


def _book_ahead(client, days: float = 3):
    from alliance.scheduling.services import book_appointment

    return book_appointment(
        client=client,
        clinician=client.clinician,
        starts_at=timezone.now() + timedelta(days=days),
        duration_minutes=50,
        modality="video",
        location="",
        by=client.clinician,
    )


@pytest.fixture
def busy_cleo(alice, cleo, consent_text):
    """Cleo in active treatment with a risk alert, a worsening PHQ-9, a booked
    appointment, an unsigned note and a missed homework."""
    from alliance.homework.tests.helpers import daily
    from alliance.notes.tests.helpers import start

    episode = cleo.current_episode()
    move(episode, "assessment", "active", consent_text=consent_text)
    raise_alert(cleo, source="Session risk check", summary="Passive thoughts of death")
    record(cleo, "phq9", phq9(8), at=days_ago(21))
    record(cleo, "phq9", phq9(19), at=days_ago(1))
    start(cleo, hours_ago=26)
    daily(cleo, days_ago=3)
    _book_ahead(cleo)
    return cleo


def test_the_summary_shows_what_needs_attention(as_user, alice, busy_cleo):
    html = as_user(alice).get(busy_cleo.get_absolute_url()).text
    assert '<h2 id="summary-heading">Summary</h2>' in html
    summary = _summary(html)
    # The open risk alert first, prominent, with its link.
    assert "1 open risk alert" in summary
    assert "Session risk check" in summary
    # The worsening score: not on track, with a chart and its text.
    assert "change-not_on_track" in summary and "Not on track" in summary
    assert "<svg" in summary and "<polyline" in summary
    assert re.search(
        r"<figcaption>PHQ-9, the last 2 scores<span class=\"visually-hidden\">, oldest first: 8 on",
        summary,
    )
    assert "19 on" in summary
    # The next appointment, the unsigned note and the missed homework.
    appointment = busy_cleo.appointments.filter(status="booked").latest("starts_at")
    assert appointment.get_absolute_url() in summary
    assert "note-unsigned" in summary
    assert "Missed in the last four weeks: 3" in summary
    assert "Breathing practice" in summary
    # Active treatment without a plan: writing it is the next step.
    assert "Write the treatment plan with the client." in summary
    assert "In <strong>active treatment</strong>" in summary


def test_the_summary_reports_recovery(as_user, alice, cleo, consent_text):
    move(cleo.current_episode(), "assessment", "active", consent_text=consent_text)
    record(cleo, "phq9", phq9(18), at=days_ago(40))
    record(cleo, "phq9", phq9(4), at=days_ago(1))
    summary = _summary(as_user(alice).get(cleo.get_absolute_url()).text)
    assert "change-recovery" in summary and ">Recovery<" in summary
    assert "-14 since the first score (18)" in summary


def test_the_summary_says_when_nothing_waits(as_user, alice, cleo):
    summary = _summary(as_user(alice).get(cleo.get_absolute_url()).text)
    assert "No open risk alerts." in summary
    assert "None booked." in summary
    assert "No scores yet." in summary
    assert "Nothing to sign." in summary
    assert "No unread messages." in summary
    # In referral, consent comes first.
    assert "Record the client&#x27;s informed consent" in summary


def test_a_signed_note_awaits_the_supervisor_s_co_signature(as_user, alice, sam, cleo):
    from alliance.notes.tests.helpers import signed

    signed(cleo, hours_ago=5)
    summary = _summary(as_user(sam).get(cleo.get_absolute_url()).text)
    assert "Awaiting co-signature" in summary
    assert "signed by Alice Clinician" in summary


def test_notes_to_sign_read_nothing_more_per_row(as_user, alice, sam, cleo):
    """The summary's notes to sign read only what they show (issue #13): a
    signed note awaiting co-signature and an unsigned one, then three of
    each, cost the same queries."""
    from alliance.notes.tests.helpers import signed, start

    http = as_user(sam)
    signed(cleo, hours_ago=30)
    start(cleo, hours_ago=3)
    few = _queries(http, cleo.get_absolute_url())
    for hours in (50, 70):
        signed(cleo, hours_ago=hours)
        start(cleo, hours_ago=hours - 45)
    assert _queries(http, cleo.get_absolute_url()) == few
    summary = _summary(http.get(cleo.get_absolute_url()).text)
    assert summary.count("signed by Alice Clinician") == 3
    assert summary.count("note-unsigned") == 3


def test_the_phase_change_is_an_action_not_the_top_of_the_page(as_user, alice, cleo):
    http = as_user(alice)
    transition = reverse("clients:transition", args=[cleo.current_episode().uuid])
    summary = http.get(cleo.get_absolute_url()).text
    assert f'action="{transition}"' not in summary
    episode_page = reverse("chart:episode", args=[cleo.uuid])
    assert f'href="{episode_page}"' in summary
    assert ">Change phase</a>" in summary
    page = http.get(episode_page).text
    assert f'action="{transition}"' in page
    assert 'id="episode-heading"' in page


def test_the_tabs_are_links_that_work_without_script(as_user, alice, cleo):
    http = as_user(alice)
    html = http.get(cleo.get_absolute_url()).text
    nav = html[html.index('<nav aria-label="Chart sections"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="{cleo.get_absolute_url()}" aria-current="page">Summary' in nav
    for slug, label in SECTIONS:
        url = reverse("chart:section", args=[cleo.uuid, slug])
        assert f'href="{url}">{label}</a>' in nav
        page = http.get(url)
        assert page.status_code == 200
        assert f'href="{url}" aria-current="page">{label}' in page.text
        assert 'id="summary-heading"' not in page.text
    # Only the section's own cards: notes are not on the measures page.
    assert (
        'id="notes-heading"'
        in http.get(reverse("chart:section", args=[cleo.uuid, "notes"])).text
    )
    assert (
        'id="notes-heading"'
        not in http.get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    )


def test_an_unknown_section_is_not_found(as_user, alice, cleo):
    response = as_user(alice).get(f"/clients/{cleo.uuid}/nothing-here/")
    assert response.status_code == 404


def test_each_section_shows_its_cards(as_user, alice, cleo, consent_text):
    from alliance.homework.tests.helpers import one_off
    from alliance.notes.tests.helpers import signed

    move(cleo.current_episode(), "assessment", "active", consent_text=consent_text)
    signed(cleo, hours_ago=4)
    one_off(cleo)
    http = as_user(alice)
    expected = {
        "notes": ['id="appointments-heading"', 'id="notes-heading"', "note-signed"],
        "measures": ['id="measures-heading"', "Assign a measure"],
        "plan": ['id="chart-plan-heading"', "Goals and ratings"],
        "homework": [
            'id="chart-homework-heading"',
            'id="chart-checkins-heading"',
            'id="chart-journal-heading"',
            'id="chart-toolbox-heading"',
            'id="chart-guides-heading"',
            'id="chart-messages-heading"',
            "Solution-focused scaling",
        ],
        "documents": [
            'id="details-heading"',
            'id="intake-heading"',
            'id="exports-heading"',
            "Safety plan:",
        ],
        "timeline": ['id="timeline-heading"', "To active"],
    }
    for slug, needles in expected.items():
        page = http.get(reverse("chart:section", args=[cleo.uuid, slug])).text
        for needle in needles:
            assert needle in page, (slug, needle)


def _queries(http, url: str) -> int:
    http.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_summary_and_sections_cost_the_same_for_a_long_record(
    as_user, alice, busy_cleo
):
    """A fixed number of queries whatever the number of scores, notes and
    homework (issue #13): measured with a short record, then a long one."""
    from alliance.homework.tests.helpers import daily
    from alliance.notes.tests.helpers import signed

    http = as_user(alice)
    urls = [busy_cleo.get_absolute_url()] + [
        reverse("chart:section", args=[busy_cleo.uuid, slug]) for slug, _ in SECTIONS
    ]
    before = {url: _queries(http, url) for url in urls}
    for week in range(30):
        record(busy_cleo, "phq9", phq9(10 + week % 9), at=days_ago(200 - 6 * week))
        record(
            busy_cleo,
            "gad7",
            {f"q{n}": 1 for n in range(1, 8)},
            at=days_ago(7 * week + 2),
        )
    for i in range(6):
        signed(busy_cleo, hours_ago=50 + 24 * i)
        _book_ahead(busy_cleo, days=10 + i)
    daily(busy_cleo, days_ago=20)
    raise_alert(busy_cleo, source="Check-in", summary="Low mood")
    after = {url: _queries(http, url) for url in urls}
    assert after == before
    assert before[busy_cleo.get_absolute_url()] <= 30


def test_the_next_step_follows_the_course_of_therapy(alice, cleo, consent_text):
    from alliance.chart.selectors import next_step
    from alliance.plans.selectors import chart_plan

    episode = cleo.current_episode()

    def step() -> str:
        current = cleo.current_episode()
        return next_step(cleo, current, chart_plan(current)).text

    assert "informed consent" in step()
    move(episode, "assessment", consent_text=consent_text)
    assert step() == "Complete the intake assessment."
    move(episode, "active", consent_text=consent_text)
    assert step() == "Write the treatment plan with the client."
    move(episode, "termination")
    assert step() == "Complete the readiness review for ending treatment."
    move(episode, "aftercare")
    assert "follow-up is due on" in step()
    move(episode, "closed")
    assert next_step(cleo, None, None).text.startswith("No open episode.")


def test_a_long_history_shows_the_last_scores_and_the_change_from_the_first(cleo):
    """The trend keeps the last 12 scores but compares with the very first,
    for a tracked measure (its stored track) and an untracked one alike."""
    from alliance.measures.selectors import TREND_POINTS, score_trends

    for week in range(15):
        record(cleo, "phq9", phq9(24 - week), at=days_ago(120 - 7 * week))
        record(
            cleo,
            "wsas",
            {f"q{n}": (8 if week == 0 else 2) for n in range(1, 6)},
            at=days_ago(119 - 7 * week),
        )
    episode = cleo.current_episode()
    with CaptureQueriesContext(connection) as queries:
        trends = {t.instrument: t for t in score_trends(episode)}
    # The kept rows are put in order in Python: the one ORDER BY is the
    # ranking's, not a second sort of every score (issue #13).
    ranking = next(q["sql"] for q in queries.captured_queries if "OVER" in q["sql"])
    assert ranking.count("ORDER BY") == 1, ranking
    assert set(trends) == {"phq9", "wsas"}
    for code, first, latest in (("phq9", 24, 10), ("wsas", 40, 10)):
        trend = trends[code]
        assert trend.count == 15
        assert len(trend.points) == TREND_POINTS
        assert trend.first_total == first
        assert trend.latest.total == latest
        assert [p.taken_at for p in trend.points] == sorted(
            p.taken_at for p in trend.points
        )
    assert trends["phq9"].change.category == "reliable_improvement"
    # The WSAS has no reliable-change norms: no change is claimed.
    assert trends["wsas"].change is None


def test_scores_taken_at_the_same_moment_keep_the_order_they_were_entered(cleo):
    """The trend's rows are put in order in Python (by time, then entry):
    two scores with one timestamp come out as the database would order them."""
    from alliance.measures.selectors import score_trends

    at = days_ago(5)
    record(cleo, "phq9", phq9(20), at=days_ago(30))
    first = record(cleo, "phq9", phq9(14), at=at)
    second = record(cleo, "phq9", phq9(8), at=at)
    assert first.pk < second.pk and first.taken_at == second.taken_at
    (trend,) = score_trends(cleo.current_episode())
    assert [p.total for p in trend.points] == [20, 14, 8]
