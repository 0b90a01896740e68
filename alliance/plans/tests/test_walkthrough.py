"""The issue's walk-through: a clinician writes three goals with attainment
scales, builds a CBT plan from the technique library, and over three sessions
records techniques, reflections and goal ratings, watching the T-score change."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.notes.tests.helpers import start
from alliance.plans.models import Goal, SessionPlanRecord, TreatmentPlan
from alliance.plans.services import episode_t_score, t_score_history

GOALS = [
    ("Sleep seven hours on most nights.", "3", "I want to stop lying awake."),
    ("See a friend in person every week.", "2", "I miss my friends."),
    ("Speak up once in each team meeting.", "1", "I never say anything at work."),
]
DENOMINATOR = math.sqrt(0.7 * (9 + 4 + 1) + 0.3 * 6**2)  # weights 3, 2, 1


def _goal_form(statement, weight, words):
    return {
        "client_words": words,
        "statement": statement,
        "level_minus_2": f"{statement} Much worse than now.",
        "level_minus_1": f"{statement} As now.",
        "level_0": f"{statement} Expected.",
        "level_plus_1": f"{statement} A bit more than expected.",
        "level_plus_2": f"{statement} Far more than expected.",
        "target_date": (timezone.localdate() + timedelta(weeks=12)).isoformat(),
        "weight": weight,
        "measure_code": "phq9" if weight == "3" else "",
        "measure_comparison": "below" if weight == "3" else "",
        "measure_target": "10" if weight == "3" else "",
    }


def test_it_walks_through_three_sessions(as_user, alice, cleo):
    http = as_user(alice)
    episode = cleo.current_episode()

    for statement, weight, words in GOALS:
        response = http.post(
            reverse("plans:goal_create", args=[episode.uuid]),
            _goal_form(statement, weight, words),
        )
        assert response.status_code == 302
    goals = list(Goal.objects.filter(episode=episode).order_by("id"))
    assert [g.statement for g in goals] == [s for s, _, _ in GOALS]

    response = http.post(
        reverse("plans:plan_create", args=[episode.uuid]),
        {
            "problems": "Low mood, poor sleep and social withdrawal.",
            "approach": "cbt",
            "goals": [str(g.uuid) for g in goals],
            "session_frequency": "weekly",
            "expected_sessions": "12",
            "next_review": (timezone.localdate() + timedelta(weeks=6)).isoformat(),
            "interventions": ["behavioural-activation", "cognitive-restructuring"],
            "measure-phq9": "every_session",
        },
    )
    assert response.status_code == 302
    plan = TreatmentPlan.objects.get(episode=episode).current
    assert (plan.approach, plan.number) == ("cbt", 1)

    ratings = [(-1, -1, -1), (0, 0, -1), (1, 0, 1)]
    sessions = [start(cleo, hours_ago=hours) for hours in (170, 98, 3)]
    for number, (session, levels) in enumerate(zip(sessions, ratings, strict=True), 1):
        data = {
            "version": "1",
            "goals_addressed": [str(g.uuid) for g in goals],
            "techniques": ["behavioural-activation", "cognitive-restructuring"],
            "response__behavioural-activation": f"Session {number}: planned a walk.",
            "response__cognitive-restructuring": f"Session {number}: found evidence.",
            "reflections": f"Session {number}: I notice I withdraw when I'm tired.",
            "homework_reviewed": "Activity diary.",
            "homework_assigned": "Thought record.",
            **{
                f"rating__{g.uuid}": str(level)
                for g, level in zip(goals, levels, strict=True)
            },
        }
        response = http.post(
            reverse("plans:session_record", args=[session.uuid]),
            data,
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, response.text
        assert "Session plan record saved." in response.text

    assert SessionPlanRecord.objects.count() == 3
    history = t_score_history(episode)
    expected = [
        50 + 10 * (-3 - 2 - 1) / DENOMINATOR,
        50 + 10 * (-1) / DENOMINATOR,
        50 + 10 * (3 + 1) / DENOMINATOR,
    ]
    assert [point.session for point in history] == sessions
    assert [point.t_score for point in history] == pytest.approx(expected)
    assert [round(p.t_score, 1) for p in history] == [36.8, 47.8, 58.8]
    assert episode_t_score(episode) == pytest.approx(expected[-1])

    page = http.get(reverse("plans:goals", args=[episode.uuid])).text
    for value in ("36.8", "47.8", "58.8"):
        assert f"<td>{value}</td>" in page
    assert "<polyline" in page
    assert "style=" not in page
    assert "<script>" not in page.split("</head>")[1]
    session_page = http.get(sessions[2].get_absolute_url()).text
    assert "Session 3: I notice I withdraw when I&#x27;m tired." in session_page
