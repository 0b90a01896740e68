"""Matrix cases for scheduling: calendars, appointments and the feed page.

Scheduling is an admin function and appointments hold no clinical free text,
so unlike clinical objects the practice admin (ada) reads and manages every
appointment and calendar of the practice; zed (another practice) gets 404.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.authz import (
    PUBLIC_URLS,
    UNAUTH,
    case,
    clinician_page,
    kind,
    staff_page,
)

# The .ics feed is reached by its secret token alone; see
# alliance/scheduling/tests/test_feed.py.
PUBLIC_URLS.add("scheduling:feed")

DAY = "2030-12-03"


def appointment_object(ok: Any = 200, *, write: bool = False) -> dict[str, Any]:
    """Alice holds Cleo's appointment, Bob holds Dan's; Sam reads Alice's (no
    writes); Ada manages both (same practice); clients 403."""
    return {
        "own": {
            **UNAUTH,
            "client": 403,
            "alice": ok,
            "bob": 404,
            "sam": 403 if write else ok,
            "ada": ok,
            "zed": 404,
        },
        "other": {
            **UNAUTH,
            "client": 403,
            "alice": 404,
            "bob": ok,
            "sam": 404,
            "ada": ok,
            "zed": 404,
        },
        "missing": {
            **UNAUTH,
            "client": 403,
            **dict.fromkeys(("alice", "bob", "sam", "ada", "zed"), 404),
        },
    }


def calendar_of(owner: str) -> dict[str, Any]:
    """Viewing ``?clinician=<owner>``: the owner, their supervisor and the
    practice admin may; other clinicians and other practices get 404."""
    readers = {"alice": ("alice", "sam", "ada"), "bob": ("bob", "ada")}[owner]
    return {
        **UNAUTH,
        "client": 403,
        **{
            p: 200 if p in readers else 404
            for p in ("alice", "bob", "sam", "ada", "zed")
        },
    }


class UuidOf:
    """A user's UUID as a query value, looked up when the request is sent:
    the matrix makes its users afresh for every test."""

    def __init__(self, email: str) -> None:
        self.email = email

    def __str__(self) -> str:
        from alliance.accounts.models import User

        return str(User.objects.get(email=self.email).uuid)


@kind("appointment")
def _appointment(world: Any, side: str) -> Any:
    from alliance.scheduling.models import Appointment
    from alliance.scheduling.services import book_appointment

    client = world.client_of(side)
    clinician = world.alice if side == "own" else world.bob
    # A fresh hour each time: some suites build several in one test.
    taken = Appointment.objects.filter(clinician=clinician).count()
    return book_appointment(
        client=client,
        clinician=clinician,
        starts_at=datetime(2030, 12, 3, 10, tzinfo=UTC) + timedelta(hours=taken),
        duration_minutes=50,
        modality="in_person",
        location="Room 2",
        by=clinician,
    )


case("scheduling:day", staff_page())
case("scheduling:day", staff_page(), static_kwargs={"day": DAY})
case("scheduling:week", staff_page(), static_kwargs={"day": DAY})
case(
    "scheduling:day",
    calendar_of("alice"),
    static_kwargs={"day": DAY},
    data={"clinician": UuidOf("alice@example.org")},
)
case(
    "scheduling:week",
    calendar_of("bob"),
    static_kwargs={"day": DAY},
    data={"clinician": UuidOf("bob@example.org")},
)
case("scheduling:create", staff_page())
case("scheduling:create", staff_page(200), method="POST")
case("scheduling:detail", **appointment_object(), kind="appointment")
case("scheduling:edit", **appointment_object(write=True), kind="appointment")
case(
    "scheduling:edit",
    **appointment_object(200, write=True),
    kind="appointment",
    method="POST",
)
case(
    "scheduling:status",
    **appointment_object(302, write=True),
    kind="appointment",
    method="POST",
    data={"status": "cancelled", "reason": "Clinician unwell"},
)
case("scheduling:create_series", staff_page())
case("scheduling:create_series", staff_page(200), method="POST")
case(
    "scheduling:edit_following",
    **appointment_object(302, write=True),
    kind="appointment",
)
case(
    "scheduling:cancel_following",
    **appointment_object(302, write=True),
    kind="appointment",
    method="POST",
    data={"reason": "Client moving away"},
)
case("scheduling:feed_settings", clinician_page())
case("scheduling:feed_settings", clinician_page(200), method="POST")
case(
    "scheduling:feed_settings",
    clinician_page(302),
    method="POST",
    data={"action": "off"},
)


@kind("appointment_request")
def _appointment_request(world: Any, side: str) -> Any:
    from django.utils import timezone

    from alliance.scheduling.models import AppointmentRequest

    appointment = _appointment(world, side)
    # Made directly: Dan (the other side) has no portal login to ask with.
    return AppointmentRequest.objects.create(
        appointment=appointment,
        kind="cancel",
        requested_by=appointment.clinician,
        requested_at=timezone.now(),
    )


case(
    "scheduling:decide_request",
    **appointment_object(302, write=True),
    kind="appointment_request",
    method="POST",
    data={"decision": "decline"},
)
