from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.plans.models import TreatmentPlan
from alliance.plans.tests.helpers import make_plan


@pytest.mark.parametrize(
    "interventions",
    [["made-up-technique"], ["graded-exposure", "graded-exposure"], [None], ["../etc"]],
)
def test_it_accepts_only_known_technique_slugs(alice, episode, goal, interventions):
    with pytest.raises(ValidationError):
        make_plan(episode, [goal], interventions=interventions)
    assert TreatmentPlan.objects.count() == 0


def test_it_accepts_techniques_of_any_approach(alice, episode, goal):
    version = make_plan(
        episode, [goal], interventions=["miracle-question", "paced-breathing"]
    )
    assert [name for _, name, _ in version.intervention_list()] == [
        "Miracle question",
        "Paced breathing",
    ]


def test_it_keeps_showing_a_technique_removed_from_the_library(
    alice, episode, goal, monkeypatch
):
    version = make_plan(episode, [goal], interventions=["graded-exposure"])
    from alliance.plans import models

    def missing(slug):
        raise KeyError(slug)

    monkeypatch.setattr(models, "get_technique", missing)
    assert version.intervention_list() == [("graded-exposure", "graded-exposure", "")]


def test_it_refuses_an_unknown_slug_through_the_form(as_user, alice, episode, goal):
    response = as_user(alice).post(
        reverse("plans:plan_create", args=[episode.uuid]),
        {
            "problems": "Worry.",
            "approach": "cbt",
            "goals": [str(goal.uuid)],
            "session_frequency": "weekly",
            "expected_sessions": "8",
            "next_review": "2099-01-01",
            "interventions": ["<script>alert(1)</script>"],
        },
    )
    assert response.status_code == 200
    assert "is not a technique in the library" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert TreatmentPlan.objects.count() == 0


def test_it_groups_the_picker_by_approach(as_user, alice, episode):
    page = as_user(alice).get(reverse("plans:plan_create", args=[episode.uuid])).text
    assert "<legend>Cognitive behavioural (CBT)</legend>" in page
    assert "<legend>Solution-focused</legend>" in page
    assert 'hx-get="' + reverse("plans:technique_picker", args=[episode.uuid]) in page


def test_it_filters_the_picker_and_keeps_ticked_techniques(as_user, alice, episode):
    url = reverse("plans:technique_picker", args=[episode.uuid])
    response = as_user(alice).get(
        url,
        {"q": "miracle", "interventions": ["graded-exposure"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("{#") is False
    assert 'value="miracle-question"' in response.text
    assert 'value="graded-exposure" checked' in response.text
    assert 'value="paced-breathing"' not in response.text


def test_it_says_when_nothing_matches(as_user, alice, episode):
    url = reverse("plans:technique_picker", args=[episode.uuid])
    response = as_user(alice).get(url, {"q": "zzzz"}, HTTP_HX_REQUEST="true")
    assert "No technique matches “zzzz”." in response.text
