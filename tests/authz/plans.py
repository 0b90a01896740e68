"""Matrix cases for the plans app: goals and their ratings, treatment plans and
their versions, acknowledgements, the technique picker and session records.
The primary clinician writes; the supervisor reads; admins and clients get 403;
another clinician's objects are 404."""

from __future__ import annotations

from itertools import count

from tests.authz import case, clinical, kind

SAVED = (200, 302)  # htmx gets the partial, a plain POST a redirect
# Sessions book their own past hours so no build double-books a clinician.
_HOURS = count(40)


def _goal(world, side):
    from alliance.plans.tests.helpers import make_goal

    client = world.client_of(side)
    return make_goal(
        client.current_episode(), statement=f"Goal for CANARY-{client.given_name}"
    )


def _version(world, side):
    from alliance.plans.models import TreatmentPlan
    from alliance.plans.tests.helpers import make_plan

    # Some suites build several kinds in one world: one plan per episode.
    episode = world.client_of(side).current_episode()
    existing = TreatmentPlan.objects.filter(episode=episode).first()
    if existing is not None:
        return existing.current
    goal = _goal(world, side)
    return make_plan(
        goal.episode, [goal], problems=f"CANARY-{world.client_of(side).given_name}"
    )


@kind("goal")
def _goal_kind(world, side):
    return _goal(world, side)


@kind("treatment_plan")
def _plan_kind(world, side):
    return _version(world, side).plan


@kind("plan_version")
def _version_kind(world, side):
    return _version(world, side)


@kind("plans_session")
def _session_kind(world, side):
    from alliance.notes.tests.helpers import start

    _version(world, side)
    return start(world.client_of(side), hours_ago=next(_HOURS))


case("plans:goals", **clinical(), kind="episode")
case("plans:goal_create", **clinical(write=True), kind="episode")
case("plans:goal_create", **clinical(200, write=True), kind="episode", method="POST")
case("plans:goal_revise", **clinical(write=True), kind="goal")
case("plans:goal_revise", **clinical(200, write=True), kind="goal", method="POST")
case("plans:goal_achieve", **clinical(write=True), kind="goal")
case(
    "plans:goal_achieve",
    **clinical(302, write=True),
    kind="goal",
    method="POST",
    data={"note": "Seeing friends weekly."},
)
case("plans:goal_drop", **clinical(write=True), kind="goal")
case("plans:goal_drop", **clinical(200, write=True), kind="goal", method="POST")
case("plans:goal_rate", **clinical(write=True), kind="goal")
case(
    "plans:goal_rate",
    **clinical(302, write=True),
    kind="goal",
    method="POST",
    data={"level": "1", "note": ""},
)
case("plans:plan", **clinical(), kind="episode")
case("plans:plan_create", **clinical(write=True), kind="episode")
case("plans:plan_create", **clinical(200, write=True), kind="episode", method="POST")
case("plans:technique_picker", **clinical(write=True), kind="episode")
case("plans:plan_review", **clinical(write=True), kind="treatment_plan")
case(
    "plans:plan_review",
    **clinical(200, write=True),
    kind="treatment_plan",
    method="POST",
)
case("plans:plan_version", **clinical(), kind="plan_version")
case("plans:plan_version_pdf", **clinical(), kind="plan_version")
case("plans:plan_acknowledge", **clinical(write=True), kind="plan_version")
case(
    "plans:plan_acknowledge",
    **clinical(200, write=True),
    kind="plan_version",
    method="POST",
    data={"method": "verbal", "given_at": "not a date"},
)
case("plans:session_record", **clinical(), kind="plans_session")
case(
    "plans:session_record",
    **clinical(SAVED, write=True),
    kind="plans_session",
    method="POST",
    data={"version": 1, "reflections": "Noticed the spiral."},
)
