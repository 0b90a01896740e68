"""The REST API's permission matrix: every operation × every token holder ×
own, other's and missing object (docs/api.md).

Principals: ``anon`` (no token); ``client`` (a token row forced onto Cleo's
portal login, which the app never makes); ``alice`` (read-write with notes),
``alice_ro`` (read only), ``alice_expired``, ``alice_revoked``; ``bob``;
``sam`` (supervises Alice); ``ada`` (admin); ``zed`` (another practice's
admin); ``ex`` (a deactivated clinician's token). Expectations are the pages'
own (tests/authz), since the API goes through the same permission getters."""

from __future__ import annotations

import importlib
import json
import pkgutil
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

import tests.authz
from alliance.accounts.models import ApiToken, User
from alliance.accounts.tokens import create_token, revoke_token
from alliance.api.main import api
from alliance.audit.models import AuditEvent
from alliance.core.tokens import hash_token
from tests.authz import KINDS

for _module in pkgutil.iter_modules(tests.authz.__path__):
    importlib.import_module(f"tests.authz.{_module.name}")

PRINCIPALS = (
    "anon",
    "client",
    "alice",
    "alice_ro",
    "alice_expired",
    "alice_revoked",
    "bob",
    "sam",
    "ada",
    "zed",
    "ex",
)
NO_TOKEN = dict.fromkeys(
    ("anon", "client", "alice_expired", "alice_revoked", "ex"), 401
)
CANARY = {"own": "CANARY-Cleo", "other": "CANARY-Dan"}
MAY_SEE = {"alice": {"own"}, "alice_ro": {"own"}, "sam": {"own"}, "bob": {"other"}}
CLINICIANS = ("alice", "alice_ro", "bob", "sam")


def read(ok: int = 200) -> dict[str, dict[str, int]]:
    """An object of a client's record: as ``tests.authz.clinical``."""
    admins = {"ada": 403, "zed": 403}
    return {
        "own": {
            **NO_TOKEN,
            **admins,
            "alice": ok,
            "alice_ro": ok,
            "bob": 404,
            "sam": ok,
        },
        "other": {
            **NO_TOKEN,
            **admins,
            "alice": 404,
            "alice_ro": 404,
            "bob": ok,
            "sam": 404,
        },
        "missing": {**NO_TOKEN, **admins, **dict.fromkeys(CLINICIANS, 404)},
    }


def write(ok: int = 200) -> dict[str, dict[str, int]]:
    """A change to a client's record: the primary clinician only; a read-only
    token is refused before anything is looked up."""
    admins = {"ada": 403, "zed": 403}
    return {
        "own": {
            **NO_TOKEN,
            **admins,
            "alice": ok,
            "alice_ro": 403,
            "bob": 404,
            "sam": 403,
        },
        "other": {
            **NO_TOKEN,
            **admins,
            "alice": 404,
            "alice_ro": 403,
            "bob": ok,
            "sam": 404,
        },
        "missing": {
            **NO_TOKEN,
            **admins,
            "alice": 404,
            "alice_ro": 403,
            "bob": 404,
            "sam": 404,
        },
    }


def clinician_list(ok: int = 200, *, writes: bool = False) -> dict[str, dict[str, int]]:
    page = {**NO_TOKEN, "ada": 403, "zed": 403, **dict.fromkeys(CLINICIANS, ok)}
    if writes:
        page["alice_ro"] = 403
    return {"page": page}


def staff_list(ok: int = 200) -> dict[str, dict[str, int]]:
    return {"page": {**NO_TOKEN, **dict.fromkeys(("ada", "zed", *CLINICIANS), ok)}}


@dataclass
class Op:
    expect: dict[str, dict[str, int]]
    kind: str | None = None
    # The request body, or a function of the world that makes it.
    data: Any = field(default_factory=dict)

    def body(self, world: Any) -> dict[str, Any]:
        return self.data(world) if callable(self.data) else self.data

    kwargs: Any = lambda obj: {"uuid": obj.uuid}


def appointment(*, write: bool = False) -> dict[str, dict[str, int]]:
    """As ``tests.authz.scheduling.appointment_object``: the practice admin
    reads and manages every appointment of the practice; Sam reads Alice's."""
    ok = 200
    ro = {"alice_ro": 403} if write else {}
    return {
        "own": {
            **NO_TOKEN,
            "alice": ok,
            "alice_ro": ok,
            "bob": 404,
            "sam": 403 if write else ok,
            "ada": ok,
            "zed": 404,
            **ro,
        },
        "other": {
            **NO_TOKEN,
            "alice": 404,
            "alice_ro": 404,
            "bob": ok,
            "sam": 404,
            "ada": ok,
            "zed": 404,
            **ro,
        },
        "missing": {
            **NO_TOKEN,
            **dict.fromkeys(("alice", "alice_ro", "bob", "sam", "ada", "zed"), 404),
            **ro,
        },
    }


def notes_scope() -> dict[str, dict[str, int]]:
    """Progress-note text: as a read, but a token without the notes scope
    (Alice's read-only one, the admins') is refused before any lookup."""
    expect = read()
    for relation in expect.values():
        relation.update({"alice_ro": 403, "ada": 403, "zed": 403})
    return expect


NEW_CLIENT = {"given_name": "Ned", "family_name": "New", "date_of_birth": "1991-02-03"}
MOVE = {"to": "assessment", "reason": "Referral accepted"}

OPS: dict[str, Op] = {
    "client_list": Op(clinician_list()),
    "client_create": Op(clinician_list(201, writes=True), data=NEW_CLIENT),
    "client_detail": Op(read(), kind="client"),
    "client_update": Op(write(), kind="client", data={"phone": "0100"}),
    "episode_list": Op(read(), kind="client"),
    "episode_detail": Op(read(), kind="episode"),
    "episode_move": Op(write(), kind="episode", data=MOVE),
    "alert_list": Op(clinician_list()),
    "alert_acknowledge": Op(
        write(), kind="alert", data={"action_taken": "Phoned the client."}
    ),
    "schedule_list": Op(read(), kind="client"),
    "schedule_create": Op(
        write(201), kind="client", data={"instrument": "gad7", "when": "once"}
    ),
    "administration_list": Op(read(), kind="client"),
    "administration_detail": Op(read(), kind="measure_submitted"),
    "goal_list": Op(read(), kind="client"),
    "goal_detail": Op(read(), kind="goal"),
    "goal_rate": Op(write(201), kind="goal", data={"level": 1}),
    "homework_list": Op(read(), kind="client"),
    "homework_detail": Op(read(), kind="homework_assignment"),
    "homework_assign": Op(
        write(201),
        kind="client",
        data={
            "template": "thought_record",
            "instructions": "Note one worry a day.",
            "recurrence": "daily",
        },
    ),
    "appointment_list": Op(staff_list()),
    "appointment_detail": Op(appointment(), kind="appointment"),
    # Booking Cleo with Alice: Alice, and Ada (any client, any clinician);
    # for the others Cleo is not a choice, as on the booking form (422).
    "appointment_book": Op(
        {
            "page": {
                **NO_TOKEN,
                "alice": 201,
                "alice_ro": 403,
                "ada": 201,
                **dict.fromkeys(("bob", "sam", "zed"), 422),
            }
        },
        data=lambda world: {
            "client": str(world.cleo.uuid),
            "clinician": str(world.alice.uuid),
            "starts_at": "2031-01-06T10:00:00+00:00",
            "duration_minutes": 50,
        },
    ),
    "appointment_status": Op(
        appointment(write=True),
        kind="appointment",
        data={"status": "cancelled", "reason": "Clinician unwell"},
    ),
    "note_list": Op(read(), kind="client"),
    "note_detail": Op(notes_scope(), kind="progress_note"),
    "outcomes": Op(staff_list()),
}


def _operations() -> dict[str, tuple[str, str]]:
    found = {}
    for _prefix, router in api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                found[operation.url_name] = (operation.methods[0], route)
    return found


def test_every_operation_has_a_row():
    assert set(_operations()) == set(OPS)


@pytest.fixture
def secrets(alice, bob, sam, ada, zed, cleo, dan, settings):
    settings.ALLIANCE_API_RATE_LIMIT = 100000
    made = {
        "alice": create_token(alice, name="m", scope="read-write", notes=True).secret,
        "alice_ro": create_token(alice, name="m", scope="read").secret,
        "bob": create_token(bob, name="m", scope="read-write", notes=True).secret,
        "sam": create_token(sam, name="m", scope="read-write", notes=True).secret,
        "ada": create_token(ada, name="m", scope="read-write").secret,
        "zed": create_token(zed, name="m", scope="read-write").secret,
    }
    expired = create_token(alice, name="m", scope="read-write")
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    made["alice_expired"] = expired.secret
    revoked = create_token(alice, name="m", scope="read-write")
    revoke_token(revoked.token, by=alice)
    made["alice_revoked"] = revoked.secret
    ex = User.objects.create_user(
        "ex@example.org",
        "x" * 16,
        full_name="Ex",
        role="clinician",
        practice=alice.practice,
    )
    made["ex"] = create_token(ex, name="m", scope="read-write").secret
    User.objects.filter(pk=ex.pk).update(is_active=False)
    forced = "alliance_forced-client-token"
    ApiToken.objects.create(
        user=cleo.user,
        name="forced",
        scope="read-write",
        token_hash=hash_token(forced),
        expires_at=timezone.now() + timedelta(days=1),
    )
    made["client"] = forced
    made["anon"] = ""
    return made


@pytest.mark.parametrize("name", sorted(OPS))
def test_api_matrix(name, secrets, alice, bob, sam, ada, zed, cleo, dan, consent_text):
    op = OPS[name]
    method, _route = _operations()[name]
    world = SimpleNamespace(
        alice=alice, bob=bob, sam=sam, ada=ada, zed=zed, cleo=cleo, dan=dan
    )
    world.client_of = lambda side: cleo if side == "own" else dan
    relations = []
    if op.kind is None:
        relations.append(("page", None))
    else:
        build = KINDS[op.kind]
        relations += [("own", build(world, "own")), ("other", build(world, "other"))]
        relations.append(("missing", SimpleNamespace(uuid=uuid.uuid4(), pk=987654321)))
    http = HttpClient()
    failures = []
    for relation, obj in relations:
        url = reverse(f"api:{name}", kwargs=op.kwargs(obj) if obj is not None else None)
        for principal in PRINCIPALS:
            want = op.expect[relation][principal]
            headers = {"HTTP_IF_MATCH": "*"}
            if secrets[principal]:
                headers["HTTP_AUTHORIZATION"] = f"Bearer {secrets[principal]}"
            with transaction.atomic():
                last = (
                    AuditEvent.objects.order_by("-id")
                    .values_list("id", flat=True)
                    .first()
                    or 0
                )
                response = http.generic(
                    method,
                    url,
                    data=json.dumps(op.body(world)) if method != "GET" else "",
                    content_type="application/json",
                    **headers,
                )
                status = response.status_code
                label = f"{relation}/{principal}"
                if status != want:
                    failures.append(
                        f"{label}: {status}, expected {want}: {response.content[:200]!r}"
                    )
                elif (
                    status >= 400
                    and response["Content-Type"] != "application/problem+json"
                ):
                    failures.append(f"{label}: no problem body")
                body = response.content.decode(errors="replace")
                for side, canary in CANARY.items():
                    if canary in body and side not in MAY_SEE.get(principal, set()):
                        failures.append(f"{label}: leaked {canary}")
                new = AuditEvent.objects.filter(id__gt=last)
                if status < 300 and principal in CLINICIANS and not new.exists():
                    failures.append(f"{label}: the call was not audited")
                refused = new.filter(outcome=AuditEvent.Outcome.DENIED)
                if (
                    status in (401, 403, 404)
                    and relation in ("own", "other")
                    and not refused.exists()
                ):
                    failures.append(f"{label}: the refusal was not audited")
                transaction.set_rollback(True)
    assert failures == [], "\n".join(failures)
