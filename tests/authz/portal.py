"""Matrix cases for the client portal. The "client" principal is Cleo: her
objects are the own side, Dan's the other side (404 for her, like a missing
one). Staff have no portal (403); nobody signed out or half signed in gets in."""

from __future__ import annotations

from typing import Any

from tests.authz import UNAUTH, case, kind

STAFF = ("alice", "bob", "sam", "ada", "zed")
PHQ9_NONE = {f"q{n}": 0 for n in range(1, 11)}


def portal_page(ok: Any = 200) -> dict[str, Any]:
    return {**UNAUTH, "client": ok, **dict.fromkeys(STAFF, 403)}


def portal_object(ok: Any = 200) -> dict[str, dict[str, Any]]:
    staff = dict.fromkeys(STAFF, 403)
    return {
        "own": {**UNAUTH, "client": ok, **staff},
        "other": {**UNAUTH, "client": 404, **staff},
        "missing": {**UNAUTH, "client": 404, **staff},
    }


def _episode(world, side):
    return world.client_of(side).current_episode()


@kind("portal_schedule")
def _schedule(world, side):
    from alliance.measures.services import schedule_measure

    episode = _episode(world, side)
    return schedule_measure(
        episode, "phq9", when="every_session", by=episode.client.clinician
    )


def _portal_draft(world, side, answers):
    from alliance.measures.services import save_answers, start_administration

    episode = _episode(world, side)
    draft = start_administration(episode, "phq9", mode="portal")
    return save_answers(draft, answers)


@kind("portal_draft")
def _draft(world, side):
    return _portal_draft(world, side, {"q1": 1})


@kind("portal_complete_draft")
def _complete_draft(world, side):
    return _portal_draft(world, side, PHQ9_NONE)


@kind("portal_submitted")
def _submitted(world, side):
    from alliance.measures.services import submit_administration

    return submit_administration(_portal_draft(world, side, PHQ9_NONE))


case("portal:home", portal_page())
case("portal:progress", portal_page())
case("portal:dismiss_two_step", portal_page(302), method="POST")
case("portal:start", **portal_object(302), kind="portal_schedule", method="POST")
case("portal:answer", **portal_object(), kind="portal_draft")
case(
    "portal:answer",
    **portal_object((200, 302)),
    kind="portal_draft",
    method="POST",
    data={"answer": "2", "go": "next"},
)
case("portal:submit", **portal_object(302), kind="portal_complete_draft", method="POST")
case("portal:done", **portal_object(), kind="portal_submitted")


def hidden_from_portal() -> dict[str, dict[str, Any]]:
    """An object of a client's record that the portal never shows (a
    questionnaire the clinician entered, an unshared summary): 404 for the
    client on both sides, and each of those refusals is audited."""
    staff = dict.fromkeys(STAFF, 403)
    return {
        "own": {**UNAUTH, "client": 404, **staff},
        "other": {**UNAUTH, "client": 404, **staff},
        "missing": {**UNAUTH, "client": 404, **staff},
    }


# Clinician-entered questionnaires are not the client's to open in the portal.
for _kind in ("measure_draft", "measure_complete_draft", "measure_submitted"):
    case("portal:answer", **hidden_from_portal(), kind=_kind)
    case(
        "portal:answer",
        **hidden_from_portal(),
        kind=_kind,
        method="POST",
        data={"answer": "2", "go": "next"},
    )
    case("portal:submit", **hidden_from_portal(), kind=_kind, method="POST")
    case("portal:done", **hidden_from_portal(), kind=_kind)


# Sessions (portal/appointments.py): the "appointment" kind of tests/authz/scheduling.py.
case("portal:appointments", portal_page())
case("portal:time_zone", portal_page(302), method="POST", data={"time_zone": ""})
case("portal:appointment_ics", **portal_object(), kind="appointment")
case("portal:appointment_request", **portal_object(), kind="appointment")
case(
    "portal:appointment_request",
    **portal_object((200, 302)),
    kind="appointment",
    method="POST",
    data={"kind": "cancel", "message": ""},
)
case("portal:appointment_join", **portal_object(), kind="appointment")

# Agreeing the work together: the consent text and the plan to sign, the
# client's own goal ratings. A bad or empty form is refused with a message and
# a redirect (302), never a change.
case("portal:consent", portal_page())
case("portal:plan", portal_page())
case("portal:sign_consent", **portal_object(302), kind="consent_text", method="POST")
case("portal:sign_plan", **portal_object(302), kind="plan_version", method="POST")
case(
    "portal:rate_goal",
    **portal_object(302),
    kind="goal",
    method="POST",
    data={"score": "6"},
)
