"""Matrix cases for the coping toolbox. The clinician's pages follow
``clinical``: the primary clinician writes, the supervisor reads, admins and
clients get 403, another clinician's client is 404. The portal pages are the
client's own toolbox: staff get 403 and another client's skill is 404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.authz import case, clinical, kind
from tests.authz.portal import portal_object, portal_page

# Yesterday, so it is in the past in any practice time zone.
PRACTICE = {
    "practised_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
    "helpfulness": "6",
    "note": "Calmer after.",
}

# The skill as _skill builds it: added (version 1), notes written (version 2).
NOTES = {"notes": "Five things I can see.", "version": 2}


def _skill(world, side):
    from alliance.toolbox.models import CopingSkill
    from alliance.toolbox.services import add_skill_from_library, update_skill_notes

    client = world.client_of(side)
    # Several cases may build the skill in one world: reuse the one made first.
    existing = CopingSkill.objects.filter(client=client, technique="grounding").first()
    if existing is not None:
        return existing
    skill = add_skill_from_library(client, "grounding", by=client.clinician)
    return update_skill_notes(skill, notes="CANARY-" + side, by=client.clinician)


@kind("coping_skill")
def _current(world, side):
    from alliance.toolbox.services import restore_skill

    return restore_skill(_skill(world, side), by=world.client_of(side).clinician)


@kind("coping_skill_archived")
def _archived(world, side):
    from alliance.toolbox.services import archive_skill

    return archive_skill(_skill(world, side), by=world.client_of(side).clinician)


case("toolbox:client", **clinical(), kind="client")
case(
    "toolbox:add_from_library",
    **clinical(302, write=True),
    kind="client",
    method="POST",
    data={"technique": "paced-breathing"},
)
case(
    "toolbox:add_skill",
    **clinical(302, write=True),
    kind="client",
    method="POST",
    data={"title": "Call my sister", "notes": "When the evenings are long."},
)
case(
    "toolbox:skill_notes",
    **clinical(302, write=True),
    kind="coping_skill",
    method="POST",
    data=NOTES,
)
case(
    "toolbox:skill_log",
    **clinical(302, write=True),
    kind="coping_skill",
    method="POST",
    data=PRACTICE,
)
case("toolbox:archive", **clinical(302, write=True), kind="coping_skill", method="POST")
case(
    "toolbox:restore",
    **clinical(302, write=True),
    kind="coping_skill_archived",
    method="POST",
)
case("toolbox:mine", portal_page())
case(
    "toolbox:add_own",
    portal_page(302),
    method="POST",
    data={"title": "Walk round the block", "notes": ""},
)
case("toolbox:skill", **portal_object(), kind="coping_skill")
case(
    "toolbox:notes",
    **portal_object(302),
    kind="coping_skill",
    method="POST",
    data=NOTES,
)
case(
    "toolbox:log",
    **portal_object(302),
    kind="coping_skill",
    method="POST",
    data=PRACTICE,
)
case("toolbox:archive_mine", **portal_object(302), kind="coping_skill", method="POST")
case(
    "toolbox:restore_mine",
    **portal_object(302),
    kind="coping_skill_archived",
    method="POST",
)

# The guided exercises page: the client's own, also after therapy ends; POST
# logs to their own toolbox and goes to the skill (302).
case("toolbox:exercises", portal_page())
case(
    "toolbox:exercises",
    portal_page(302),
    method="POST",
    data={"method": "body_scan", "minutes": "5", "helpfulness": "7"},
)
