"""Every form field on every page has a name a screen reader can say (issue
#17, WCAG 1.3.1, 4.1.2): a <label for>, a wrapping <label>, aria-label or
aria-labelledby. A fast check without a browser, over every page of the
authorization matrix that someone may open (tests/authz/)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse

from tests.authz import CASES, KINDS
from tests.test_permission_matrix import _quick_pdf  # noqa: F401 - fixture

UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}
# Whose page to open, in this order: the first principal the case lets in.
VIEWERS = ("alice", "client", "ada", "sam")


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.in_label = 0
        self.fields: list[tuple[dict[str, str | None], bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if attr.get("for"):
                self.label_for.add(attr["for"] or "")
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (attr.get("type") or "text") in UNNAMED_TYPES:
                return
            self.fields.append(({"tag": tag, **attr}, self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.in_label:
            self.in_label -= 1

    def unnamed(self) -> list[str]:
        return [
            f"<{attr['tag']} name={attr.get('name')!r} id={attr.get('id')!r}>"
            for attr, wrapped in self.fields
            if not wrapped
            and not attr.get("aria-label")
            and not attr.get("aria-labelledby")
            and attr.get("id") not in self.label_for
        ]


def _unnamed_fields(html: str) -> list[str]:
    parser = _Fields()
    parser.feed(html)
    return parser.unnamed()


def test_the_parser_finds_a_field_without_a_label():
    html = (
        '<label for="a">A</label><input id="a" name="a">'
        '<label>B <input name="b"></label><input name="c" aria-label="C">'
        '<input type="hidden" name="d"><select name="e"></select>'
    )
    assert _unnamed_fields(html) == ["<select name='e' id=None>"]


def test_every_form_field_on_every_page_has_a_label(world: Any) -> None:
    sessions = world.sessions
    http = HttpClient()
    failures = []
    pages = 0
    for case in CASES:
        if case.method != "GET":
            continue
        viewer = next((p for p in VIEWERS if case.own.get(p) == 200), None)
        if viewer is None:
            continue
        with transaction.atomic():
            obj = KINDS[case.kind](world, "own") if case.kind else None
            kwargs = case.kwargs(obj) if obj is not None else dict(case.static_kwargs)
            url = reverse(case.url, kwargs=kwargs or None)
            http.cookies.clear()
            http.cookies[settings.SESSION_COOKIE_NAME] = sessions[viewer] or ""
            response = http.get(url)
            if response.status_code == 200 and "html" in response.get(
                "Content-Type", ""
            ):
                pages += 1
                body = response.getvalue().decode(errors="replace")
                failures += [
                    f"{case.url} ({viewer}): {field}" for field in _unnamed_fields(body)
                ]
            transaction.set_rollback(True)
    assert pages > 50, f"only {pages} pages were opened"
    assert failures == [], "Fields without a label:\n" + "\n".join(failures)
