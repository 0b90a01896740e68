"""Walk every URL pattern with every principal against own, other and missing
objects (SECURITY.md 4.1). Plain and htmx requests must answer alike; no
response may carry another client's canary; refusals of existing objects are
audited."""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import uuid
from http.cookies import SimpleCookie
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.authz
from alliance.audit.models import AuditEvent
from conftest import make_client
from tests.authz import CASES, KINDS, PRINCIPALS, PUBLIC_URLS, Case
from tests.conftest import World

for _module in pkgutil.iter_modules(tests.authz.__path__):
    importlib.import_module(f"tests.authz.{_module.name}")


def _url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}{p.name}")
    return names


def test_every_url_has_a_rule():
    covered = {c.url for c in CASES} | PUBLIC_URLS
    missing = sorted(_url_names(get_resolver().url_patterns) - covered)
    assert missing == [], f"URL patterns without an authorization case: {missing}"


# Pages without client data in them: blank forms (the booking form's client
# picker lists only names the clinician already holds), the clinician's own
# calendar-feed link, the practice's consent text, the technique library and the guides.
NO_CLIENT_DATA = {
    "clients:create",
    "scheduling:create",
    "scheduling:create_series",
    "scheduling:feed_settings",
    "clients:consent_text",
    "techniques:list",
    "techniques:detail",
    "guides:library",
    "guides:detail",
    "accounts:recovery_codes",
    # The API reference and its OpenAPI document; the token page (own tokens).
    "api:docs",
    "api:openapi-json",
    "accounts:api_tokens",
    # The list of practice reports (each report's page is audited).
    "reports:index",
}

CANARY = {"own": "CANARY-Cleo", "other": "CANARY-Dan"}
# Which clients' canaries each principal may ever see.
MAY_SEE = {"alice": {"own"}, "sam": {"own"}, "bob": {"other"}}


def _send(
    case: Case,
    world: World,
    http: HttpClient,
    session_key: str | None,
    principal: str,
    url: str,
    htmx: bool,
) -> Any:
    # A request starts from the principal's session cookie alone, whatever the
    # previous response set or deleted.
    http.cookies = SimpleCookie()
    if session_key is not None:
        http.cookies[settings.SESSION_COOKIE_NAME] = session_key
    if principal == "pw_only":
        # Alice has not set up her second factor yet: her device (made when she
        # signed in fully) does not exist for this request.
        world.alice.totpdevice_set.all().delete()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    send = http.post if case.method == "POST" else http.get
    return send(url, case.data, **headers)


def _case_id(c: Case) -> str:
    return f"{c.method} {c.url}" + (f" [{c.kind}]" if c.kind else "")


class _QuickPdf:
    """Stands in for WeasyPrint's HTML in the matrix, which checks who may fetch
    a PDF, not how it looks: the document is still built from the record, but
    no case waits for a layout engine. Like a real PDF's compressed text, the
    stand-in shows no canary. Each app's own tests render the PDFs for real."""

    def __init__(self, string: str = "", **kwargs: Any) -> None:
        self.digest = hashlib.sha256(string.encode()).hexdigest()

    def write_pdf(self, *args: Any, **kwargs: Any) -> bytes:
        return f"%PDF-1.7 matrix stand-in {self.digest}\n".encode()


@pytest.fixture(autouse=True)
def _quick_pdf(monkeypatch):
    weasyprint = pytest.importorskip("weasyprint")
    monkeypatch.setattr(weasyprint, "HTML", _QuickPdf)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_matrix(case: Case, world: World) -> None:
    relations: list[tuple[str, dict[str, Any], Any]] = []
    if case.kind is None:
        relations.append(("page", case.own, None))
    else:
        build = KINDS[case.kind]
        relations.append(("own", case.own, build(world, "own")))
        relations.append(("other", case.other or {}, build(world, "other")))
        ghost = SimpleNamespace(uuid=uuid.uuid4(), pk=987654321)
        relations.append(("missing", case.missing or case.other or {}, ghost))

    failures = []
    sessions = world.sessions
    # One test client for every request: loading the middleware is not free.
    http = HttpClient()
    for relation, expected, obj in relations:
        kwargs = case.kwargs(obj) if obj is not None else dict(case.static_kwargs)
        url = reverse(case.url, kwargs=kwargs or None)
        for principal in PRINCIPALS:
            want = expected.get(principal)
            if want is None:
                failures.append(f"{relation}/{principal}: no expectation")
                continue
            wanted = want if isinstance(want, tuple) else (want,)
            for htmx in (False, True):
                label = f"{relation}/{principal}{' htmx' if htmx else ''}"
                # Each request is rolled back, so one principal's successful POST
                # does not change what the next one meets.
                with transaction.atomic():
                    failures += _check(
                        case,
                        world,
                        http,
                        sessions[principal],
                        principal,
                        url,
                        htmx,
                        relation,
                        wanted,
                        label,
                    )
                    transaction.set_rollback(True)
    assert failures == [], "\n".join(failures)


def _check(
    case: Case,
    world: World,
    http: HttpClient,
    session_key: str | None,
    principal: str,
    url: str,
    htmx: bool,
    relation: str,
    wanted: tuple[int, ...],
    label: str,
) -> list[str]:
    failures = []
    last_id = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    response = _send(case, world, http, session_key, principal, url, htmx)
    status = response.status_code
    if status not in wanted:
        return [f"{label}: {status}, expected {wanted}"]
    if status == 302 and principal in ("anon", "pw_only"):
        target = "/accounts/login/" if principal == "anon" else "/accounts/"
        if not response["Location"].startswith(target):
            failures.append(f"{label}: redirected to {response['Location']}")
    body = response.getvalue().decode(errors="replace")
    for side, canary in CANARY.items():
        if canary in body and side not in MAY_SEE.get(principal, set()):
            failures.append(f"{label}: leaked {canary}")
    # Every page that shows a clinician client data is audited.
    if (
        status == 200
        and principal in ("alice", "bob", "sam")
        and case.url not in NO_CLIENT_DATA
        and not AuditEvent.objects.filter(id__gt=last_id).exists()
    ):
        failures.append(f"{label}: the read was not audited")
    # Every 404 for an object that exists (own or other side) is a refusal and
    # leaves a "denied" event written by this very request.
    if relation in ("own", "other") and status == 404 and case.kind is not None:
        refused = AuditEvent.objects.filter(
            id__gt=last_id, outcome=AuditEvent.Outcome.DENIED
        )
        if not refused.exists():
            failures.append(f"{label}: refusal was not audited")
    return failures


def test_matrix_builds_clients_through_services(world):
    # The world is made the way the app makes it, so kinds see real episodes.
    assert world.cleo.current_episode() is not None
    client = make_client(world.alice, given_name="Probe")
    assert client.current_episode() is not None
