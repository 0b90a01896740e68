"""No update is lost without a word (issue #11): every editable record refuses a
stale save. Two logged-in sessions open the same edit form; the first save
wins, the second answers 409 with the conflict page showing the editor's own
text next to the stored one, and nothing is overwritten. Plain and htmx
requests alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from conftest import log_in


class _FormData(HTMLParser):
    """What a browser would submit for each POST form on a page, by action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = []
            self.forms.setdefault(a.get("action", ""), self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "search"):
                self._form.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_first, self._selected = name, None, False
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self._form.append((self._select, a.get("value", "")))
                self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif (
            tag == "textarea" and self._textarea is not None and self._form is not None
        ):
            text = "".join(self._text)
            self._form.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected and self._select_first is not None:
                assert self._form is not None
                self._form.append((self._select, self._select_first))
            self._select = None


def form_data(page: Any, *actions: str) -> dict[str, Any]:
    """The data of the first POST form found with one of ``actions``."""
    parser = _FormData()
    parser.feed(page.content.decode())
    found = [a for a in actions if a in parser.forms]
    assert found, f"no POST form to {actions}: {list(parser.forms)}"
    data: dict[str, Any] = {}
    for name, value in parser.forms[found[0]]:
        if name in data:
            data[name] = [
                *(data[name] if isinstance(data[name], list) else [data[name]]),
                value,
            ]
        else:
            data[name] = value
    assert "version" in data, "the form carries no version"
    return data


@dataclass
class Record:
    """One editable record: who edits it, where, which field, and how to read it
    back from the database."""

    user: Callable[[Any], Any]
    edit_url: Callable[[Any], str]
    action: Callable[[Any], str]
    field: str
    stored: Callable[[Any], str]
    audit: str
    also: Callable[[Any], dict[str, Any]] = lambda w: {}


def _client_record(w: Any) -> Any:
    return w.cleo


def _goal(w: Any) -> Any:
    from alliance.plans.tests.helpers import make_goal

    return make_goal(w.cleo.current_episode())


def _plan(w: Any) -> Any:
    from alliance.plans.tests.helpers import make_goal, make_plan

    episode = w.cleo.current_episode()
    return make_plan(episode, [make_goal(episode)]).plan


def _skill(w: Any) -> Any:
    from alliance.toolbox.services import add_own_skill

    return add_own_skill(
        w.cleo, title="Square breathing", notes="Count to four.", by=w.alice
    )


def _appointment(w: Any) -> Any:
    from alliance.scheduling.services import book_appointment

    return book_appointment(
        client=w.cleo,
        clinician=w.alice,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=50,
        modality="in_person",
        location="Room 1",
        by=w.alice,
    )


RECORDS: dict[str, tuple[Callable[[Any], Any], Record]] = {
    "client": (
        _client_record,
        Record(
            user=lambda w: w.alice,
            edit_url=lambda c: reverse("clients:edit", args=[c.uuid]),
            action=lambda c: "",
            field="referral_reason",
            stored=lambda c: type(c).objects.get(pk=c.pk).referral_reason,
            audit="client.update",
        ),
    ),
    "goal": (
        _goal,
        Record(
            user=lambda w: w.alice,
            edit_url=lambda g: reverse("plans:goal_revise", args=[g.uuid]),
            action=lambda g: "",
            field="statement",
            stored=lambda g: type(g).objects.get(pk=g.pk).statement,
            audit="goal.revise",
            also=lambda w: {"reason": "Clearer wording."},
        ),
    ),
    "plan": (
        _plan,
        Record(
            user=lambda w: w.alice,
            edit_url=lambda p: reverse("plans:plan_review", args=[p.uuid]),
            action=lambda p: "",
            field="problems",
            stored=lambda p: type(p).objects.get(pk=p.pk).current.problems,
            audit="treatment_plan.review",
            also=lambda w: {"reason": "Six-week review."},
        ),
    ),
    "skill-clinician": (
        _skill,
        Record(
            user=lambda w: w.alice,
            edit_url=lambda s: reverse("toolbox:client", args=[s.client.uuid]),
            action=lambda s: reverse("toolbox:skill_notes", args=[s.uuid]),
            field="notes",
            stored=lambda s: type(s).objects.get(pk=s.pk).client_notes,
            audit="coping_skill.notes",
        ),
    ),
    "skill-client": (
        _skill,
        Record(
            user=lambda w: w.cleo.user,
            edit_url=lambda s: reverse("toolbox:skill", args=[s.uuid]),
            action=lambda s: reverse("toolbox:notes", args=[s.uuid]),
            field="notes",
            stored=lambda s: type(s).objects.get(pk=s.pk).client_notes,
            audit="coping_skill.notes",
        ),
    ),
    "appointment": (
        _appointment,
        Record(
            user=lambda w: w.alice,
            edit_url=lambda a: reverse("scheduling:edit", args=[a.uuid]),
            action=lambda a: "",
            field="location",
            stored=lambda a: type(a).objects.get(pk=a.pk).location,
            audit="appointment.reschedule",
        ),
    ),
    "practice": (
        lambda w: w.alice.practice,
        Record(
            user=lambda w: w.ada,
            edit_url=lambda p: reverse("accounts:practice"),
            action=lambda p: "",
            field="letterhead",
            stored=lambda p: type(p).objects.get(pk=p.pk).letterhead,
            audit="practice.update",
        ),
    ),
}


@pytest.fixture
def world(alice, ada, cleo):
    class W:
        pass

    w = W()
    w.alice, w.ada, w.cleo = alice, ada, cleo
    return w


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", list(RECORDS))
def test_a_stale_save_is_refused_with_both_versions_shown(world, name, htmx):
    build, spec = RECORDS[name]
    obj = build(world)
    user = spec.user(world)
    first = log_in(HttpClient(), user)
    second = log_in(HttpClient(), user)
    url = spec.edit_url(obj)
    action = spec.action(obj)
    # Both open the edit form.
    mine = form_data(first.get(url), action)
    theirs = form_data(second.get(url), action)
    assert mine["version"] == theirs["version"]
    post_to = action or url
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    mine.update(spec.also(world), **{spec.field: "First window's words"})
    saved = first.post(post_to, mine)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert spec.stored(obj) == "First window's words"
    audits = AuditEvent.objects.filter(action=spec.audit).count()

    theirs.update(spec.also(world), **{spec.field: "Second window's words"})
    refused = second.post(post_to, theirs, **headers)
    body = refused.content.decode()
    assert refused.status_code == 409, body[:2000]
    assert "Second window&#x27;s words" in body  # their unsaved text
    assert "First window&#x27;s words" in body  # the stored text
    assert "not saved" in body
    # Nothing overwritten, nothing audited.
    assert spec.stored(obj) == "First window's words"
    assert AuditEvent.objects.filter(action=spec.audit).count() == audits
    if htmx:
        assert refused["HX-Retarget"] in ("body", "#note-body")

    # Saving again from the conflict page is a deliberate choice and works.
    again = form_data(refused, post_to, "")
    assert int(again["version"]) > int(theirs["version"])
    again.update(spec.also(world))
    done = second.post(post_to, again)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert spec.stored(obj) == "Second window's words"


def test_the_clinicians_open_form_does_not_replace_the_clients_words(world):
    skill = _skill(world)
    clinician = log_in(HttpClient(), world.alice)
    client = log_in(HttpClient(), world.cleo.user)
    notes_url = reverse("toolbox:skill_notes", args=[skill.uuid])
    stale = form_data(
        clinician.get(reverse("toolbox:client", args=[world.cleo.uuid])), notes_url
    )
    mine_url = reverse("toolbox:notes", args=[skill.uuid])
    own = form_data(client.get(reverse("toolbox:skill", args=[skill.uuid])), mine_url)
    own["notes"] = "Breathe out longer than in; it helps on the bus."
    assert client.post(mine_url, own).status_code == 302

    stale["notes"] = "Count to four."
    refused = clinician.post(notes_url, stale)
    assert refused.status_code == 409
    assert "it helps on the bus" in refused.content.decode()
    stored = type(skill).objects.get(pk=skill.pk)
    assert stored.client_notes == "Breathe out longer than in; it helps on the bus."
