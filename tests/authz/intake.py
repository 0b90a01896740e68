"""Matrix cases for the intake app: the intake and its sections, completion,
addenda, summary and PDF, sending the pre-intake questionnaire and reviewing
the contact details it proposes. The questionnaire page itself is public (a
one-time link) and is tested in alliance/intake/tests/test_pre_intake_page.py."""

from __future__ import annotations

from itertools import count

from tests.authz import OK, PUBLIC_URLS, UNAUTH, case, clinical, kind

PUBLIC_URLS.add("intake:pre_intake")

SAVED = (200, 302)  # htmx gets the section's card, a plain POST a redirect
MOVED = (204, 302)  # htmx is told where to go (HX-Redirect), a plain POST redirected


def _only_post() -> dict[str, dict[str, int]]:
    """GET on a POST-only URL: login first, then 405 for everyone signed in."""
    signed_in = dict.fromkeys(("client", "alice", "bob", "sam", "ada", "zed"), 405)
    relation = {**UNAUTH, **signed_in}
    return {"own": relation, "other": relation, "missing": relation}


_SERIAL = count(1)


def _client(world, side):
    """A new client of the side's clinician, named like Cleo (or Dan) so the
    canary checks apply. An episode holds one intake and one answered
    questionnaire, and some suites build a kind several times in one world."""
    from conftest import make_client

    base = world.client_of(side)
    return make_client(
        base.clinician, given_name=base.given_name, family_name=f"Intake{next(_SERIAL)}"
    )


@kind("assessment_episode")
def _assessment_episode(world, side):
    from alliance.intake.tests.helpers import assess

    return assess(_client(world, side))


@kind("intake")
def _intake(world, side):
    from alliance.intake.tests.helpers import save, start

    client = _client(world, side)
    intake = start(client)
    save(intake, "presenting", text=f"CANARY-{client.given_name}")
    return intake


@kind("ready_intake")
def _ready_intake(world, side):
    from alliance.intake.tests.helpers import ready

    client = _client(world, side)
    return ready(client, canary=f"CANARY-{client.given_name}")


@kind("completed_intake")
def _completed_intake(world, side):
    from alliance.intake.tests.helpers import completed

    client = _client(world, side)
    return completed(client, canary=f"CANARY-{client.given_name}")


@kind("answered_pre_intake")
def _answered_pre_intake(world, side):
    from alliance.intake.tests.helpers import answer, send

    client = _client(world, side)
    pre, _ = send(client)
    return answer(
        pre,
        what_brings_you=f"CANARY-{client.given_name}",
        contact_unchanged=False,
        phone="07700 900123",
    )


case(
    "intake:start",
    **clinical(302, write=True),
    kind="assessment_episode",
    method="POST",
)
case("intake:start", **_only_post(), kind="assessment_episode")
case("intake:detail", **clinical(), kind="intake")
case(
    "intake:section",
    **clinical(SAVED, write=True),
    kind="intake",
    method="POST",
    kwargs=lambda obj: {"uuid": obj.uuid, "key": "history"},
    data={"version": 1, "text": "Edited."},
)
case(
    "intake:section",
    **_only_post(),
    kind="intake",
    kwargs=lambda obj: {"uuid": obj.uuid, "key": "history"},
)
case(
    "intake:complete", **clinical(MOVED, write=True), kind="ready_intake", method="POST"
)
case("intake:complete", **_only_post(), kind="ready_intake")
case(
    "intake:addendum",
    **clinical(302, write=True),
    kind="completed_intake",
    method="POST",
    data={"text": "Later information."},
)
case("intake:addendum", **_only_post(), kind="completed_intake")
case("intake:summary", **clinical(), kind="completed_intake")
# A PDF has no forms: written as (200,) so the hostile-form walk in
# tests/test_bad_input.py, which parses HTML pages answering exactly 200, skips it.
case("intake:pdf", **clinical(OK), kind="completed_intake")
case(
    "intake:send_pre_intake",
    **clinical(302, write=True),
    kind="assessment_episode",
    method="POST",
)
case("intake:send_pre_intake", **_only_post(), kind="assessment_episode")
case(
    "intake:review_contact",
    **clinical(302, write=True),
    kind="answered_pre_intake",
    method="POST",
    data={"action": "accept", "fields_to_accept": "phone"},
)
case("intake:review_contact", **_only_post(), kind="answered_pre_intake")
