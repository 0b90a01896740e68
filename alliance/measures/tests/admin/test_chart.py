"""The measures card on the client chart, the history page per measure, and
one administration's answers."""

from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.engine import get_instrument
from alliance.measures.selectors import chart_measures, history_table, measure_history
from alliance.measures.services import (
    correct_administration,
    schedule_measure,
    start_administration,
)
from alliance.measures.tests.admin.helpers import days_ago, phq9, record

GAD7 = {f"q{n}": 1 for n in range(1, 8)}


def _history_url(episode, code="phq9"):
    return reverse("measures:history", args=[episode.uuid, code])


def test_the_chart_summarises_each_measure(as_user, alice, cleo, episode):
    record(cleo, "phq9", phq9(18), at=days_ago(30))
    latest = record(cleo, "phq9", phq9(8), at=days_ago(2))
    record(cleo, "gad7", GAD7, at=days_ago(2))
    schedule_measure(episode, "phq9", when="every_session", by=alice)
    start_administration(episode, "core10", mode="clinician", by=alice)
    chart = chart_measures(cleo)
    assert [(s.name, s.count, s.latest.total) for s in chart.summaries] == [
        ("GAD-7", 1, 7.0),
        ("PHQ-9", 2, 8.0),
    ]
    assert chart.summaries[1].latest == latest
    page = (
        as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    )
    assert _history_url(episode) in page
    assert latest.get_absolute_url() in page
    assert "PHQ-9: every session" in page
    assert "Due today" in page
    assert "Assign a measure" in page
    assert "Start kiosk" in page
    assert "Enter answers" in page
    assert reverse("measures:stop", args=[episode.measure_schedules.get().uuid]) in page
    assert "CORE-10</a>, started" in page


def test_the_supervisor_sees_no_forms(as_user, alice, sam, cleo, episode):
    record(cleo, "phq9", phq9(8))
    page = as_user(sam).get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    assert "Measures" in page
    assert "Assign a measure" not in page
    assert "Start kiosk" not in page


def test_a_correction_replaces_the_score_on_the_chart(alice, cleo):
    original = record(cleo, "phq9", phq9(18))
    correct_administration(original, phq9(11), by=alice, reason="Misread.")
    chart = chart_measures(cleo)
    assert [(s.count, s.latest.total) for s in chart.summaries] == [(1, 11.0)]


def test_the_chart_queries_are_bounded(
    as_user, alice, cleo, episode, django_assert_max_num_queries
):
    for week in range(40):
        record(cleo, "phq9", phq9(20 - week // 2), at=days_ago(7 * week + 1))
        record(cleo, "gad7", GAD7, at=days_ago(7 * week + 1))
    schedule_measure(episode, "phq9", when="every_session", by=alice)
    schedule_measure(episode, "gad7", when="every_n_weeks", every_n_weeks=2, by=alice)
    http = as_user(alice)
    with django_assert_max_num_queries(50):
        page = http.get(reverse("chart:section", args=[cleo.uuid, "measures"])).text
    assert "<td>40</td>" in page


def _card_queries(client, django_assert_num_queries, n):
    with django_assert_num_queries(n):
        return chart_measures(client)


def test_the_measures_card_runs_the_same_queries_for_many_scores(
    alice, cleo, episode, django_assert_num_queries
):
    """One pass over the scores, not a query per score: 7 queries for 3 scores
    and for 300 (issue #13; it took minutes at thousands of scores)."""
    from alliance.measures.models import Administration

    schedule_measure(episode, "phq9", when="every_session", by=alice)
    record(cleo, "phq9", phq9(18), at=days_ago(400))
    record(cleo, "gad7", GAD7, at=days_ago(400))
    start_administration(episode, "core10", mode="clinician", by=alice)
    few = _card_queries(cleo, django_assert_num_queries, 7)
    import copy
    import uuid

    template = Administration.objects.filter(instrument="phq9").get()
    copies = []
    for day in range(300):
        # Bulk rows (300 service calls would be slow here), same columns.
        row = copy.copy(template)
        row.pk = row.id = None
        row.uuid = uuid.uuid4()
        row.taken_at = days_ago(399 - day)
        row.total = 18 - day % 10
        copies.append(row)
    Administration.objects.bulk_create(copies)
    many = _card_queries(cleo, django_assert_num_queries, 7)
    assert [(s.instrument, s.count) for s in few.summaries] == [
        ("gad7", 1),
        ("phq9", 1),
    ]
    assert [(s.instrument, s.count) for s in many.summaries] == [
        ("gad7", 1),
        ("phq9", 301),
    ]
    assert many.summaries[1].latest.total == 18 - 299 % 10
    assert [d.instrument for d in many.drafts] == ["core10"]


def test_the_history_classifies_change_from_the_first_score(
    as_user, alice, cleo, episode
):
    record(cleo, "phq9", phq9(18), at=days_ago(60))
    record(cleo, "phq9", phq9(15), at=days_ago(40))
    record(cleo, "phq9", phq9(9), at=days_ago(20))
    record(cleo, "phq9", phq9(25, item9=1), at=days_ago(1))
    rows = measure_history(episode, get_instrument("phq9"))
    assert [r.administration.total for r in rows] == [18.0, 15.0, 9.0, 25.0]
    assert [r.is_baseline for r in rows] == [True, False, False, False]
    assert [r.change_label for r in rows] == [
        "",
        "No reliable change",
        "Reliable improvement",
        "Reliable deterioration",
    ]
    # The table's cells, worked out in Python (history_table, issue #13).
    cells = history_table(rows)
    assert [c["total"] for c in cells] == ["18", "15", "9", "25"]
    assert [c["change"] and c["change"]["difference"] for c in cells] == [
        None,
        "-3",
        "-9",
        "+7",
    ]
    assert [c["risk"] for c in cells] == [False, False, False, True]
    assert {c["mode"] for c in cells} == {rows[0].administration.get_mode_display()}
    page = as_user(alice).get(_history_url(episode)).text
    assert "First score" in page
    assert "Reliable improvement</span> (-9)" in page
    assert "Reliable deterioration</span> (+7)" in page
    assert "Risk answer" in page
    assert "Moderately severe" in page


def test_the_history_shows_corrections(as_user, alice, cleo, episode):
    first = record(cleo, "phq9", phq9(18), at=days_ago(30))
    wrong = record(cleo, "phq9", phq9(3), at=days_ago(10))
    fixed = correct_administration(wrong, phq9(10), by=alice, reason="Misread.")
    rows = measure_history(episode, get_instrument("phq9"))
    assert [(r.administration, r.superseded) for r in rows] == [
        (first, False),
        (wrong, True),
        (fixed, False),
    ]
    assert rows[1].correction_uuid == fixed.uuid
    assert rows[1].change is None
    assert rows[2].change_label == "Reliable improvement"
    page = as_user(alice).get(_history_url(episode)).text
    assert f'href="{fixed.get_absolute_url()}">see the corrected answers' in page
    assert "corrects an earlier entry" in page


def test_the_history_says_when_no_reliable_change_is_published(
    as_user, alice, cleo, episode
):
    k10 = {f"q{n}": 3 for n in range(1, 11)}
    record(cleo, "k10", k10, at=days_ago(20))
    record(cleo, "k10", {**k10, "q1": 1}, at=days_ago(2))
    rows = measure_history(episode, get_instrument("k10"))
    assert [r.change for r in rows] == [None, None]
    assert as_user(alice).get(_history_url(episode, "k10")).status_code == 200


def test_the_history_queries_are_bounded(
    as_user, alice, cleo, episode, django_assert_max_num_queries
):
    for week in range(60):
        record(cleo, "phq9", phq9(20 - week // 3), at=days_ago(7 * week + 1))
    http = as_user(alice)
    with django_assert_max_num_queries(16):
        page = http.get(_history_url(episode)).text
    # The latest 50 scores, and a link to the 10 before them.
    assert page.count("<tr") == 51
    assert "?page=2" in page
    assert "?page=1" not in page
    assert page.count("<circle") >= 60  # the chart still shows every score


def test_the_history_queries_do_not_grow_with_the_scores(as_user, alice, cleo, episode):
    """Three scores or 120, the page asks the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = as_user(alice)
    counts = []
    for weeks in (range(3), range(3, 120)):
        for week in weeks:
            record(cleo, "phq9", phq9(20 - week % 15), at=days_ago(7 * week + 1))
        http.get(_history_url(episode))
        with CaptureQueriesContext(connection) as queries:
            http.get(_history_url(episode))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_history_pages_back_to_the_first_score(as_user, alice, cleo, episode):
    for week in range(60):
        record(cleo, "phq9", phq9(20 - week // 3), at=days_ago(7 * week + 1))
    http = as_user(alice)
    earliest = http.get(_history_url(episode) + "?page=2").text
    assert earliest.count("<tr") == 11
    assert "First score" in earliest
    assert "?page=1" in earliest
    assert "?page=3" not in earliest
    latest = http.get(_history_url(episode)).text
    assert "First score" not in latest
    assert "Reliable deterioration" in latest  # 20 now against 1 at first
    # Not a number, or past the earliest score: the latest page, not an error.
    for bad in ("x", "0", "-3", "99"):
        assert http.get(_history_url(episode) + f"?page={bad}").text.count("<tr") == 51


def test_the_history_of_an_unknown_measure_is_404(as_user, alice, episode):
    assert as_user(alice).get(_history_url(episode, "nothing")).status_code == 404


def test_the_detail_page_shows_answers_item_by_item(as_user, alice, cleo):
    administration = record(cleo, "phq9", phq9(5, item9=1))
    page = as_user(alice).get(administration.get_absolute_url()).text
    assert "Thoughts that you would be better off dead" in page
    assert 'Several days <span class="muted">(1)</span>' in page
    assert "Copyright © Pfizer Inc." in page
    event = AuditEvent.objects.filter(action="administration.view").get()
    assert event.actor == alice
    assert event.client_uuid == cleo.uuid


def test_the_detail_page_refuses_bob(as_user, alice, bob, cleo):
    administration = record(cleo, "phq9", phq9(5))
    assert as_user(bob).get(administration.get_absolute_url()).status_code == 404
    refusal = AuditEvent.objects.get(action="administration.view", outcome="denied")
    assert refusal.actor == bob
