"""Hostile and malformed input to every writing operation: always a 4xx problem
body, never a server error, never a partial write (docs/api.md, Errors)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse

from alliance.api.tests.conftest import token_for
from alliance.audit.models import AuditEvent
from alliance.clients.models import Client, Episode
from tests.authz import KINDS
from tests.test_api_matrix import OPS, _operations

PAYLOADS = [
    None,
    "",
    "<script>alert(1)</script>",
    "\x00nul",
    "x" * 100_000,
    -1,
    99999999999999999999,
    "2026-02-30",
    [],
    {"nested": True},
    True,
]
WRITES = sorted(name for name, (method, _) in _operations().items() if method != "GET")


@pytest.mark.parametrize("name", WRITES)
def test_hostile_fields_never_break_a_write(
    name, api, alice, bob, cleo, dan, consent_text, settings
):
    settings.ALLIANCE_API_RATE_LIMIT = 100000
    op = OPS[name]
    method, _route = _operations()[name]
    world = SimpleNamespace(alice=alice, bob=bob, cleo=cleo, dan=dan)
    world.client_of = lambda side: cleo if side == "own" else dan
    obj = KINDS[op.kind](world, "own") if op.kind else None
    url = reverse(f"api:{name}", kwargs=op.kwargs(obj) if obj is not None else None)
    secret = token_for(alice)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_IF_MATCH": "*"}
    from django.test import Client as HttpClient

    http = HttpClient()
    bodies = [b"{not json", b"[]", b'"text"', b""]
    data = op.body(world)
    for field in data:
        for value in PAYLOADS:
            bodies.append(json.dumps({**data, field: value}).encode())
    failures = []
    for body in bodies:
        with transaction.atomic():
            clients = Client.objects.count()
            moves = Episode.objects.filter(phase="referral").count()
            response = http.generic(
                method, url, data=body, content_type="application/json", **headers
            )
            status = response.status_code
            if status >= 500:
                failures.append(f"{body[:60]!r}: {status}")
            elif status >= 400:
                if response["Content-Type"] != "application/problem+json":
                    failures.append(f"{body[:60]!r}: no problem body")
                elif Client.objects.count() != clients or (
                    Episode.objects.filter(phase="referral").count() != moves
                ):
                    failures.append(f"{body[:60]!r}: refused but written")
            transaction.set_rollback(True)
    assert failures == [], "\n".join(failures)
    assert AuditEvent.objects.exists()
