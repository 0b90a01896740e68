"""Hostile input to the POST-only actions, which have no form for
``test_bad_input`` to crawl: sign, submit, acknowledge, enter, co-sign, phase
moves, status changes, archive, and the like (issue #11, SECURITY.md 4.2).

Each action found in the authorization matrix is sent NUL bytes, huge strings,
wrong types (lists, JSON bodies), missing fields and far dates by a principal
allowed to use it. It must never answer 5xx. When it refuses (4xx, the form
shown again, or a redirect carrying an error message), nothing may have been
written: every table keeps its row count and no write is audited."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.messages import constants, get_messages
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse

import tests.authz
from alliance.audit.models import AuditEvent
from tests.authz import CASES, KINDS

for _module in pkgutil.iter_modules(tests.authz.__path__):
    importlib.import_module(f"tests.authz.{_module.name}")

HUGE = "x" * 100_000
VALUES = [
    "\x00",
    "nul\x00in the middle",
    HUGE,
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "9999-12-31",
    "99999-01-01T00:00",
    "0001-01-01",
    "2026-02-30",
    "<script>alert('x')</script>",
]
# Field names the POST-only actions read; each gets the hostile values too,
# so an action whose matrix case sends no data is still fed its real fields.
FIELDS = (
    "action",
    "comment",
    "discharge",
    "helpfulness",
    "idempotency_key",
    "instrument",
    "mode",
    "note",
    "notes",
    "practised_on",
    "reason",
    "response",
    "status",
    "structure",
    "supervisee",
    "supervisor",
    "technique",
    "text",
    "title",
    "to",
    "today",
    "version",
    "when",
)
ACTORS = ("alice", "ada", "client", "sam")


def _post_only_cases() -> list[Any]:
    pages = {c.url for c in CASES if c.method == "GET"}
    return [c for c in CASES if c.method == "POST" and c.url not in pages]


def _actor(case: Any) -> str | None:
    for name in ACTORS:
        want = case.own.get(name)
        wanted = want if isinstance(want, tuple) else (want,)
        if 302 in wanted or 200 in wanted:
            return name
    return None


def _variants(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, body) pairs: missing fields, each value everywhere, each field
    alone, and wrong types."""
    names = sorted({*data, *FIELDS})
    variants: list[tuple[str, Any]] = [("missing fields", {})]
    for value in VALUES:
        variants.append((f"all {value[:12]!r}", dict.fromkeys(names, value)))
    for name in data:
        for value in ("\x00", HUGE, "9999-12-31"):
            variants.append((f"{name}={value[:12]!r}", {**data, name: value}))
    variants.append(("lists", {name: ["1", "2"] for name in names}))
    variants.append(("json", "json"))
    return variants


@functools.cache
def _counting() -> tuple[list[str], str]:
    """Every Alliance table but the audit log's, and one query counting the
    rows of each (the same for the whole run: built once)."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("alliance")
        and model is not AuditEvent
        and model._meta.managed
        and not model._meta.proxy
    ]
    quote = connection.ops.quote_name
    counts = ", ".join(
        # Table names from the models, quoted: nothing from outside.
        f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})"  # noqa: S608
        for model in models
    )
    return [model._meta.label for model in models], f"SELECT {counts}"


def _row_counts() -> dict[str, int]:
    """Each table's row count, read in one query: a refused action must leave
    each unchanged."""
    labels, sql = _counting()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(labels, row, strict=True))


def _audited_writes() -> list[str]:
    """Audit events for writes: not the access records every read leaves."""
    return list(
        AuditEvent.objects.filter(outcome=AuditEvent.Outcome.OK)
        .exclude(action__regex=r"(\.view|\.edit|list)$")
        .order_by("id")
        .values_list("action", flat=True)
    )


def _refused(response: Any) -> bool:
    if 400 <= response.status_code < 500 or response.status_code == 200:
        return True
    if response.status_code == 302:
        levels = {m.level for m in get_messages(response.wsgi_request)}
        return constants.ERROR in levels and constants.SUCCESS not in levels
    return False


def _case_id(case: Any) -> str:
    return f"{case.url} [{case.kind}]" if case.kind else case.url


ACTIONS = [case for case in _post_only_cases() if _actor(case) is not None]


def test_every_post_only_action_is_tried():
    assert len(ACTIONS) > 30


@pytest.mark.parametrize("case", ACTIONS, ids=_case_id)
def test_hostile_input_never_breaks_a_post_only_action(case, world):
    failures: list[str] = []
    principal = _actor(case)
    # Signed in once (see the matrix): each request is rolled back below.
    session_key = world.sessions[principal]
    for label, body in _variants(dict(case.data)):
        with transaction.atomic():
            obj = KINDS[case.kind](world, "own") if case.kind else None
            if obj is not None:
                url = reverse(case.url, kwargs=case.kwargs(obj))
            else:
                url = reverse(case.url, kwargs=case.static_kwargs or None)
            http = HttpClient(raise_request_exception=False)
            http.cookies[settings.SESSION_COOKIE_NAME] = session_key
            rows, audited = _row_counts(), _audited_writes()
            if body == "json":
                response = http.post(
                    url, {"version": [1, 2], "text": None}, "application/json"
                )
            else:
                response = http.post(url, body)
            where = f"{principal} {case.url} {label}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif _refused(response):
                changed = {
                    k: (rows[k], v) for k, v in _row_counts().items() if rows[k] != v
                }
                if changed:
                    failures.append(f"{where}: refused but wrote {changed}")
                now = _audited_writes()
                if now != audited:
                    failures.append(
                        f"{where}: refused but audited {now[len(audited) :]}"
                    )
            transaction.set_rollback(True)
    assert failures == [], "\n".join(failures[:60])
