from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.audit.models import AuditEvent
from alliance.homework.services import (
    comment_on_entry,
    end_assignment,
    save_entry_draft,
    submit_entry,
)
from alliance.homework.tests.helpers import SCALING, one_off


def test_it_records_every_write_with_the_client(alice, cleo):
    assignment = one_off(cleo)
    day = assignment.due_date
    save_entry_draft(assignment, day, {"today": "4"}, by=cleo.user, version=0)
    entry = submit_entry(assignment, day, SCALING, by=cleo.user)
    comment_on_entry(entry, by=alice, comment="Thank you.")
    end_assignment(assignment, by=alice)
    events = AuditEvent.objects.filter(action__startswith="homework").order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("homework.assign", alice.pk),
        ("homework_entry.save_draft", cleo.user.pk),
        ("homework_entry.submit", cleo.user.pk),
        ("homework_entry.comment", alice.pk),
        ("homework.end", alice.pk),
    ]
    assert {e.client_uuid for e in events} == {cleo.uuid}


def test_bad_input_writes_nothing(cleo):
    assignment = one_off(cleo)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="from 0 to 10"):
        submit_entry(
            assignment,
            assignment.due_date,
            {**SCALING, "today": "99"},
            by=cleo.user,
        )
    assert assignment.entries.count() == 0
    assert AuditEvent.objects.count() == before


def test_a_draft_leaves_out_a_bad_answer_and_keeps_the_rest(cleo):
    assignment = one_off(cleo)
    saved = save_entry_draft(
        assignment,
        assignment.due_date,
        {"today": "99", "step_up": "Call Mum"},
        by=cleo.user,
        version=0,
    )
    assert saved.answers == {"step_up": "Call Mum"}
    assert len(saved.not_saved) == 1
    assert "from 0 to 10" in saved.not_saved[0]
