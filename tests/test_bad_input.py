"""Every form on every page a clinician or admin can open, filled with hostile and
malformed values (SECURITY.md 4.2): never a server error, never an unescaped
reflection. Pages and forms are discovered from the authorization matrix, so new
forms are covered without editing this file."""

from __future__ import annotations

import importlib
import pkgutil
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse

import tests.authz
from tests.authz import CASES, KINDS
from tests.conftest import World

for _module in pkgutil.iter_modules(tests.authz.__path__):
    importlib.import_module(f"tests.authz.{_module.name}")

PAYLOADS = [
    "",
    " ",
    "<script>alert('x')</script>",
    '"><svg onload=alert(1)>',
    "' OR 1=1--",
    "{{ 7*7 }}{% debug %}",
    "\x00nul",
    "\u202eevil\u200d",
    "😀" * 50,
    "x" * 100_000,
    "-1",
    "99999999999999999999",
    "2026-02-30",
    "0001-01-01T00:00",
    '=HYPERLINK("http://x")',
    "line\r\nBcc: victim@example.org",
]
RAW_MARKERS = ("<script>alert('x')</script>", "<svg onload=alert(1)>")


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}, "text": []}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("hidden", "checkbox", "radio"):
                self._form["fields"].setdefault(name, a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self._form["text"].append(name)
        elif tag == "textarea":
            self._form["text"].append(name)
        elif tag == "select":
            self._select = name
        elif (
            tag == "option"
            and self._select
            and self._select not in self._form["fields"]
        ):
            self._form["fields"][self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _pages() -> list[tuple[str, Any]]:
    """(principal, case) for every GET page that alice or ada may open."""
    return [
        (principal, case)
        for case in CASES
        if case.method == "GET"
        for principal in ("alice", "ada")
        if case.own.get(principal) == 200
    ]


def _url(world: World, case: Any) -> str:
    if case.kind is None:
        return reverse(case.url, kwargs=case.static_kwargs or None)
    return reverse(case.url, kwargs=case.kwargs(KINDS[case.kind](world, "own")))


def _forms(http: HttpClient, url: str) -> list[dict[str, Any]]:
    page = http.get(url)
    if not page.get("Content-Type", "").startswith("text/html"):
        return []  # downloads (PDF, SVG, calendar) have no forms
    parser = _Forms()
    parser.feed(page.content.decode())
    return parser.forms


def test_the_forms_are_found(world):
    http = HttpClient()
    http.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["alice"]
    forms = _forms(http, reverse("clients:create"))
    assert any(form["text"] for form in forms)


# One test per page, so that parallel workers share the pages out.
@pytest.mark.parametrize(
    ("principal", "case"),
    _pages(),
    ids=[f"{p} {c.url}" + (f" [{c.kind}]" if c.kind else "") for p, c in _pages()],
)
def test_hostile_input_never_breaks_a_form(world, principal, case):
    failures = []
    url = _url(world, case)
    # Signed in once for the module (see the matrix); each post is rolled back.
    http = HttpClient(raise_request_exception=False)
    http.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[principal]
    for form in _forms(http, url):
        if not form["text"]:
            continue
        action = form["action"] or url
        for payload in PAYLOADS:
            data = dict(form["fields"])
            data.update(dict.fromkeys(form["text"], payload))
            with transaction.atomic():
                response = http.post(action, data)
                body = response.content.decode(errors="replace")
                if response.status_code >= 500:
                    failures.append(
                        f"{principal} {action} {payload[:20]!r}: {response.status_code}"
                    )
                for marker in RAW_MARKERS:
                    if marker in body:
                        failures.append(f"{principal} {action}: unescaped {marker!r}")
                transaction.set_rollback(True)
    assert failures == [], "\n".join(failures[:40])
