"""Matrix cases for homework. The clinician's pages follow ``clinical``: the
primary clinician writes, the supervisor reads, admins and clients get 403,
another clinician's objects are 404. Entry pages are the client's portal:
staff get 403 and another client's assignment is 404."""

from __future__ import annotations

from tests.authz import case, clinical, kind
from tests.authz.portal import portal_object


def _assignment(world, side):
    from alliance.homework.tests.helpers import one_off

    return one_off(world.client_of(side), instructions="CANARY-" + side)


@kind("homework_assignment")
def _assignment_kind(world, side):
    return _assignment(world, side)


@kind("homework_entry")
def _entry_kind(world, side):
    from alliance.homework.models import HomeworkEntry

    assignment = _assignment(world, side)
    # Built directly: Dan has no portal login to submit through the service.
    return HomeworkEntry.objects.create(
        assignment=assignment,
        for_date=assignment.due_date,
        status=HomeworkEntry.Status.SUBMITTED,
    )


def _day(a):
    # The "missing" ghost has only a uuid; any well-formed day will do.
    day = getattr(a, "due_date", None)
    return {"uuid": a.uuid, "day": day.isoformat() if day else "2026-01-05"}


case("homework:assign", **clinical(write=True), kind="episode")
case(
    "homework:assign",
    **clinical(200, write=True),
    kind="episode",
    method="POST",
    data={"template": "custom", "instructions": "", "recurrence": "none"},
)
case(
    "homework:end",
    **clinical(302, write=True),
    kind="homework_assignment",
    method="POST",
)
case(
    "homework:comment",
    **clinical(302, write=True),
    kind="homework_entry",
    method="POST",
    data={"comment": "Well spotted."},
)
case("homework:entry", **portal_object(), kind="homework_assignment", kwargs=_day)
case(
    "homework:entry",
    **portal_object((200, 302)),
    kind="homework_assignment",
    kwargs=_day,
    method="POST",
    data={"version": "0", "action": "save", "today": "5"},
)
case(
    "homework:autosave",
    **portal_object((200, 302)),
    kind="homework_assignment",
    kwargs=_day,
    method="POST",
    data={"version": "0", "today": "5"},
)
