from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.measures.models import Administration
from alliance.measures.services import (
    save_answers,
    schedule_measure,
    start_administration,
)
from alliance.measures.tests.admin.helpers import move


def test_it_starts_a_draft(alice, episode, draft):
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.status == "draft"
    assert stored.is_draft is True
    assert stored.episode == episode
    assert stored.client == episode.client
    assert stored.instrument == "phq9"
    assert stored.instrument_version == "1"
    assert stored.mode == "clinician"
    assert stored.entered_by == alice
    assert stored.answer_dict() == {}
    assert stored.total is None
    assert AuditEvent.objects.filter(action="administration.start").count() == 1


def test_it_leaves_entered_by_empty_when_the_client_answers(alice, episode):
    kiosk = start_administration(episode, "phq9", mode="kiosk", by=alice)
    portal = start_administration(episode, "gad7", mode="portal")
    assert kiosk.entered_by is None
    assert portal.entered_by is None


def test_it_reuses_an_open_draft(alice, episode, draft):
    again = start_administration(episode, "phq9", mode="clinician", by=alice)
    assert again == draft
    other_mode = start_administration(episode, "phq9", mode="kiosk", by=alice)
    assert other_mode != draft
    assert Administration.objects.count() == 2


def test_it_links_the_schedule(alice, episode):
    schedule = schedule_measure(episode, "phq9", when="every_session", by=alice)
    draft = start_administration(episode, "phq9", mode="portal", schedule=schedule)
    assert draft.schedule == schedule
    with pytest.raises(ValidationError, match="another measure or episode"):
        start_administration(episode, "gad7", mode="portal", schedule=schedule)


def test_it_refuses_a_closed_episode(alice, episode):
    move(episode, "closed")
    with pytest.raises(ValidationError, match="closed episode"):
        start_administration(episode, "phq9", mode="clinician", by=alice)
    assert Administration.objects.count() == 0


def test_it_saves_answers_as_given(alice, draft):
    save_answers(draft, {"q1": 2}, by=alice)
    save_answers(draft, {"q2": "3"}, by=alice)
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.answer_dict() == {"q1": 2, "q2": 3}
    assert stored.is_draft is True
    assert stored.total is None


def test_it_changes_and_removes_answers(alice, draft):
    save_answers(draft, {"q1": 2, "q2": 1}, by=alice)
    save_answers(draft, {"q1": 0, "q2": None}, by=alice)
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {"q1": 0}


def test_it_audits_each_save_without_the_answers(alice, draft):
    save_answers(draft, {"q9": 2}, by=alice)
    event = AuditEvent.objects.get(action="administration.save")
    assert event.actor == alice
    assert event.detail == {"items": ["q9"]}
    assert event.client_uuid == draft.client.uuid


def test_it_keeps_free_text_on_a_draft(alice, episode):
    draft = start_administration(episode, "alliance_check", mode="clinician", by=alice)
    save_answers(draft, {"note": "  Felt rushed at the end.  "}, by=alice)
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.answer_dict() == {"note": "Felt rushed at the end."}


def test_a_draft_can_be_discarded_with_a_reason(alice, draft):
    from alliance.measures.services import discard_draft

    discard_draft(draft, reason="follow-up missed", by=alice)
    assert not Administration.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action="administration.discard")
    assert event.detail["reason"] == "follow-up missed"


def test_submitted_answers_are_never_discarded(alice, draft):
    from alliance.measures.services import discard_draft, submit_administration

    save_answers(draft, {f"q{n}": 0 for n in range(1, 11)})
    submit_administration(draft, by=alice)
    with pytest.raises(ValidationError, match="already submitted"):
        discard_draft(draft, reason="tidy up", by=alice)
    assert Administration.objects.filter(pk=draft.pk).exists()
