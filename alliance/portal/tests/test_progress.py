"""The client's own progress, in plain words, for measures the clinician shares."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.measures.services import record_administration, schedule_measure


def _phq9(total):
    answers = {f"q{n}": 0 for n in range(1, 10)}
    for n in range(1, 9):
        step = min(3, total)
        answers[f"q{n}"] = step
        total -= step
    return answers


def _record(cleo, code, answers, days):
    return record_administration(
        cleo.current_episode(),
        code,
        answers,
        by=cleo.clinician,
        at=timezone.now() - timedelta(days=days),
    )


def test_it_shows_nothing_until_the_clinician_shares(portal, alice, cleo):
    schedule_measure(cleo.current_episode(), "phq9", when="every_session", by=alice)
    _record(cleo, "phq9", _phq9(18), 30)
    page = portal.get(reverse("portal:progress")).text
    assert "Your clinician has not shared any scores with you yet." in page
    # No score anywhere on the page (CSRF tokens are random letters and digits
    # that may hold "18", so they are left out of the search).
    visible = re.sub(r"[A-Za-z0-9_-]{32,}", "", page.split("<main", 1)[1])
    assert not re.search(r"\b18\b", visible)


def test_it_describes_improvement_in_plain_words(portal, alice, cleo):
    schedule_measure(
        cleo.current_episode(),
        "phq9",
        when="every_session",
        by=alice,
        share_with_client=True,
    )
    _record(cleo, "phq9", _phq9(18), 30)
    _record(cleo, "phq9", _phq9(14), 15)
    _record(cleo, "phq9", _phq9(7), 1)
    page = portal.get(reverse("portal:progress")).text
    assert (
        "Your scores have gone down since you started, which usually means things "
        "are getting better."
    ) in page
    assert "On this questionnaire, lower scores mean fewer difficulties." in page
    assert page.count("<tr>") == 4
    assert "Moderately severe" not in page  # no clinical jargon
    assert AuditEvent.objects.filter(action="portal.progress_view").count() == 1


def test_it_describes_a_worsening_kindly(portal, alice, cleo):
    schedule_measure(
        cleo.current_episode(), "phq9", when="once", by=alice, share_with_client=True
    )
    _record(cleo, "phq9", _phq9(5), 30)
    _record(cleo, "phq9", _phq9(15), 1)
    page = portal.get(reverse("portal:progress")).text
    assert "which can mean things have been harder lately" in page
    assert "talk about this with your clinician" in page


def test_it_says_when_scores_are_much_the_same(portal, alice, cleo):
    schedule_measure(
        cleo.current_episode(), "phq9", when="once", by=alice, share_with_client=True
    )
    _record(cleo, "phq9", _phq9(12), 30)
    _record(cleo, "phq9", _phq9(10), 1)
    page = portal.get(reverse("portal:progress")).text
    assert "Your scores are much the same as when you started." in page


def test_higher_is_better_is_explained(portal, alice, cleo):
    schedule_measure(
        cleo.current_episode(), "who5", when="once", by=alice, share_with_client=True
    )
    _record(cleo, "who5", {f"q{n}": 1 for n in range(1, 6)}, 30)
    _record(cleo, "who5", {f"q{n}": 4 for n in range(1, 6)}, 1)
    page = portal.get(reverse("portal:progress")).text
    assert "Your scores have gone up since you started, which usually means" in page
    assert "higher scores mean you are feeling better" in page


def test_one_score_is_not_compared(portal, alice, cleo):
    schedule_measure(
        cleo.current_episode(), "gad7", when="once", by=alice, share_with_client=True
    )
    _record(cleo, "gad7", {f"q{n}": 2 for n in range(1, 8)}, 3)
    page = portal.get(reverse("portal:progress")).text
    assert "You have completed this once." in page


def test_it_never_shows_another_clients_scores(portal, bob, dan, alice, cleo):
    schedule_measure(
        dan.current_episode(), "phq9", when="once", by=bob, share_with_client=True
    )
    record_administration(dan.current_episode(), "phq9", _phq9(21), by=bob)
    page = portal.get(reverse("portal:progress")).text
    assert "Patient Health Questionnaire" not in page
