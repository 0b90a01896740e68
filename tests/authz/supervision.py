"""Matrix cases for supervision records. A record is its supervisor's and its
supervisee's: on the own side Sam supervised Alice (with Cleo discussed); on
the other side a second supervisor, Sue, supervised Bob (with Dan). Everyone
else in the practice gets 404 (Sam, a supervisor, on the other side too);
admins and clients 403. Only the supervisor changes a record (the supervisee
gets 403); both tick agreed actions done."""

from __future__ import annotations

from datetime import date, timedelta

from tests.authz import UNAUTH, case, clinician_page, kind, supervisor_page

NO_ROLE = {"client": 403, "ada": 403, "zed": 403}


def party(ok, *, supervisee=None):
    """Statuses for a record's page: ``ok`` for its supervisor and, unless
    ``supervisee`` says otherwise, its supervisee."""
    mate = ok if supervisee is None else supervisee
    return {
        "own": {**UNAUTH, **NO_ROLE, "sam": ok, "alice": mate, "bob": 404},
        "other": {**UNAUTH, **NO_ROLE, "bob": mate, "alice": 404, "sam": 404},
        "missing": {**UNAUTH, **NO_ROLE, "alice": 404, "bob": 404, "sam": 404},
    }


def _session(world, side):
    from alliance.accounts.models import Supervision, User
    from alliance.supervision.models import SupervisionSession
    from alliance.supervision.services import SessionInput, record_session
    from conftest import TEST_PASSWORD

    if side == "own":
        supervisor, supervisee = world.sam, world.alice
    else:
        supervisee = world.bob
        supervisor = User.objects.filter(email="sue@example.org").first()
        if supervisor is None:
            supervisor = User.objects.create_user(
                "sue@example.org",
                TEST_PASSWORD,
                full_name="Sue Supervisor",
                role="supervisor",
                practice=world.bob.practice,
            )
            Supervision.objects.create(supervisor=supervisor, supervisee=supervisee)
    existing = SupervisionSession.objects.filter(supervisee=supervisee).first()
    if existing is not None:
        return existing
    client = world.client_of(side)
    return record_session(
        supervisor,
        supervisee,
        SessionInput(
            held_on=supervisor.practice.today(),
            clients=[client],
            actions=[f"Follow up CANARY-{client.given_name}"],
            notes=f"CANARY-{client.given_name}",
        ),
    )


@kind("supervision_session")
def _session_kind(world, side):
    return _session(world, side)


@kind("agreed_action")
def _action_kind(world, side):
    return _session(world, side).actions.get()


_DAY = (date.today() - timedelta(days=1)).isoformat()
_FORM = {"held_on": _DAY, "notes": "Went through the caseload.", "actions": "Read"}

case("supervision:list", clinician_page())
# Sam supervises Alice alone in the matrix: the form opens for her.
case("supervision:new", supervisor_page())
case("supervision:new", supervisor_page((200, 302)), method="POST", data=_FORM)
case("supervision:detail", **party(200), kind="supervision_session")
case("supervision:edit", **party(200, supervisee=403), kind="supervision_session")
case(
    "supervision:edit",
    **party(302, supervisee=403),
    kind="supervision_session",
    method="POST",
    data=_FORM,
)
case(
    "supervision:finalise",
    **party(302, supervisee=403),
    kind="supervision_session",
    method="POST",
)
case(
    "supervision:action_done",
    **party(302),
    kind="agreed_action",
    method="POST",
    data={"done": "1"},
)
