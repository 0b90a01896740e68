from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.notes.tests.helpers import start
from alliance.plans.models import GoalRating, SessionPlanRecord, TechniqueUse
from alliance.plans.services import RecordConflict, save_session_record
from alliance.plans.tests.helpers import make_goal, make_plan


@pytest.fixture
def session(cleo):
    return start(cleo)


@pytest.fixture
def plan(episode, goal):
    return make_plan(episode, [goal])


def _form(goal, version, **overrides):
    data = {
        "version": version,
        "goals_addressed": [str(goal.uuid)],
        "techniques": ["behavioural-activation"],
        "response__behavioural-activation": "Liked planning small steps.",
        "response__cognitive-restructuring": "",
        "extra_technique": "",
        "extra_response": "",
        "reflections": "I avoid people when I feel low, and then feel lower.",
        "homework_reviewed": "Activity diary: four of seven days.",
        "homework_assigned": "Call one friend.",
        f"rating__{goal.uuid}": "0",
    }
    data.update(overrides)
    return data


def test_it_saves_the_record_and_the_ratings(alice, session, goal, plan):
    record = save_session_record(
        session,
        by=alice,
        version=1,
        goals_addressed=[goal],
        techniques={"behavioural-activation": "Keen to try it."},
        reflections="Noticed the low-mood spiral.",
        homework_reviewed="",
        homework_assigned="Activity diary.",
        ratings={goal: -1},
    )
    stored = SessionPlanRecord.objects.get(pk=record.pk)
    assert stored.version == 2
    assert list(stored.goals_addressed.all()) == [goal]
    assert stored.reflections == "Noticed the low-mood spiral."
    assert stored.homework_assigned == "Activity diary."
    use = TechniqueUse.objects.get(record=stored)
    assert (use.slug, use.client_response, use.used) == (
        "behavioural-activation",
        "Keen to try it.",
        True,
    )
    rating = GoalRating.objects.get()
    assert (rating.session, rating.level) == (session, -1)
    assert AuditEvent.objects.filter(action="session_plan.save").count() == 1


def test_it_keeps_an_unticked_technique_as_unused(alice, session, goal, plan):
    save_session_record(
        session, by=alice, version=1, techniques={"grounding": "Helped."}
    )
    save_session_record(session, by=alice, version=2, techniques={})
    use = TechniqueUse.objects.get()
    assert (use.slug, use.used, use.client_response) == ("grounding", False, "Helped.")


def test_it_refuses_the_second_of_two_editors(alice, session, goal, plan):
    save_session_record(session, by=alice, version=1, reflections="First window.")
    with pytest.raises(RecordConflict) as caught:
        save_session_record(
            session,
            by=alice,
            version=1,
            reflections="Second window.",
            ratings={goal: 2},
        )
    assert caught.value.current.reflections == "First window."
    assert SessionPlanRecord.objects.get().reflections == "First window."
    assert GoalRating.objects.count() == 0


def test_it_refuses_bad_input_and_writes_nothing(alice, session, goal, plan):
    for bad in (
        {"techniques": {"made-up": ""}},
        {"ratings": {goal: 3}},
        {"reflections": "x" * 10_001},
    ):
        with pytest.raises(ValidationError):
            save_session_record(session, by=alice, version=1, **bad)
    assert SessionPlanRecord.objects.count() == 0
    assert GoalRating.objects.count() == 0


def test_it_refuses_the_supervisor_and_other_clinicians(bob, sam, session, plan):
    for user in (bob, sam):
        with pytest.raises(ValidationError, match="primary clinician"):
            save_session_record(session, by=user, version=1, reflections="No.")


def test_it_offers_the_plan_on_the_session_page(as_user, alice, session, goal, plan):
    page = as_user(alice).get(session.get_absolute_url()).text
    assert 'id="session-plan"' in page
    assert "Goal ratings due" in page
    assert f'name="rating__{goal.uuid}"' in page
    assert 'value="behavioural-activation"' in page
    assert 'value="cognitive-restructuring"' in page
    assert "Treatment plan version 1" in page


def test_it_saves_through_htmx_and_answers_with_the_partial(
    as_user, alice, session, goal, plan
):
    http = as_user(alice)
    url = reverse("plans:session_record", args=[session.uuid])
    response = http.post(url, _form(goal, 1), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="session-plan"')
    assert "Session plan record saved." in response.text
    assert 'name="version" value="2"' in response.text
    # Rated in this session, so no longer due.
    assert f'name="rating__{goal.uuid}"' not in response.text
    assert "<strong>0</strong> · Meet a friend in person at least twice a month." in (
        response.text
    )
    assert (
        "(Sees a friend twice in the month. Rated by Alice Clinician" in response.text
    )
    assert GoalRating.objects.get().level == 0


def test_it_answers_a_conflict_with_409_and_both_versions(
    as_user, alice, session, goal, plan
):
    save_session_record(session, by=alice, version=1, reflections="Saved elsewhere.")
    response = as_user(alice).post(
        reverse("plans:session_record", args=[session.uuid]),
        _form(goal, 1, reflections="Typed here, not lost."),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#session-plan"
    assert "Saved elsewhere." in response.text
    assert "Typed here, not lost." in response.text
    assert "your changes were not saved" in response.text
    assert 'name="version" value="2"' in response.text
    assert SessionPlanRecord.objects.get().reflections == "Saved elsewhere."
    assert GoalRating.objects.count() == 0


def test_it_redirects_a_plain_save(as_user, alice, session, goal, plan):
    response = as_user(alice).post(
        reverse("plans:session_record", args=[session.uuid]), _form(goal, 1)
    )
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()


def test_it_refuses_a_bad_rating_through_the_form(as_user, alice, session, goal, plan):
    response = as_user(alice).post(
        reverse("plans:session_record", args=[session.uuid]),
        _form(goal, 1, **{f"rating__{goal.uuid}": "3"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert SessionPlanRecord.objects.count() == 0
    assert GoalRating.objects.count() == 0


def test_it_shows_the_supervisor_a_read_only_record(
    as_user, alice, sam, session, goal, plan
):
    save_session_record(
        session,
        by=alice,
        version=1,
        reflections="Spiral noticed.",
        goals_addressed=[goal],
    )
    page = as_user(sam).get(session.get_absolute_url()).text
    assert "Spiral noticed." in page
    assert reverse("plans:session_record", args=[session.uuid]) not in page


def test_it_offers_another_technique_from_the_library(
    alice, as_user, session, goal, plan
):
    response = as_user(alice).post(
        reverse("plans:session_record", args=[session.uuid]),
        _form(goal, 1, extra_technique="paced-breathing", extra_response="Calmer."),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    uses = {u.slug: u.client_response for u in TechniqueUse.objects.all()}
    assert uses == {
        "behavioural-activation": "Liked planning small steps.",
        "paced-breathing": "Calmer.",
    }
    # Once used, it is offered with the plan's interventions.
    assert re.search(r'value="paced-breathing"[^>]*checked', response.text)


def test_it_works_without_a_plan(as_user, alice, episode, session):
    make_goal(episode)
    page = as_user(alice).get(session.get_absolute_url()).text
    assert "No treatment plan yet" in page
