from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.models import Administration
from alliance.measures.services import save_answers, submit_administration
from alliance.measures.tests.admin.helpers import days_ago, phq9, record


def test_it_scores_and_stores_the_plain_columns(alice, draft):
    save_answers(draft, phq9(14), by=alice)
    submit_administration(draft, by=alice)
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.status == "submitted"
    assert stored.is_submitted is True
    assert stored.total == 14.0
    assert stored.band == "moderate"
    assert stored.band_label == "Moderate"
    assert stored.caseness is True
    assert stored.risk is False
    assert stored.subscales == {}
    assert stored.submitted_at is not None
    assert stored.taken_at == stored.submitted_at
    assert stored.instrument_version == "1"


def test_it_stores_subscales(alice, cleo):
    answers = {f"q{n}": 1 for n in range(1, 21)}
    administration = record(cleo, "pcl5", answers)
    assert administration.total == 20.0
    assert set(administration.subscales) == {
        "cluster_b",
        "cluster_c",
        "cluster_d",
        "cluster_e",
    }


def test_it_records_the_submission_in_the_audit_log(alice, draft):
    save_answers(draft, phq9(3), by=alice)
    submit_administration(draft, by=alice)
    event = AuditEvent.objects.get(action="administration.submit")
    assert event.actor == alice
    assert event.object_uuid == draft.uuid
    assert event.detail == {"instrument": "phq9"}


def test_it_backdates_when_asked(alice, cleo):
    when = days_ago(3)
    administration = record(cleo, "phq9", phq9(8), at=when)
    assert administration.taken_at == when
    assert administration.submitted_at > when


def test_it_refuses_a_future_date(alice, cleo, draft):
    from datetime import timedelta

    from django.utils import timezone

    save_answers(draft, phq9(3), by=alice)
    with pytest.raises(ValidationError, match="future"):
        submit_administration(draft, by=alice, at=timezone.now() + timedelta(days=1))
    assert Administration.objects.get(pk=draft.pk).is_draft is True


def test_record_administration_always_starts_a_new_one(alice, cleo, draft):
    save_answers(draft, {"q1": 3}, by=alice)
    administration = record(cleo, "phq9", phq9(2))
    assert administration.pk != draft.pk
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {"q1": 3}


def test_it_submits_from_the_review_screen(as_user, alice, draft):
    save_answers(draft, phq9(6), by=alice)
    response = as_user(alice).post(
        reverse("measures:submit", args=[draft.uuid]), follow=True
    )
    assert "PHQ-9 submitted and scored." in response.text
    assert Administration.objects.get(pk=draft.pk).total == 6.0


def test_it_refuses_bob_and_sam(as_user, alice, bob, sam, draft):
    save_answers(draft, phq9(6), by=alice)
    url = reverse("measures:submit", args=[draft.uuid])
    assert as_user(bob).post(url).status_code == 404
    assert as_user(sam).post(url).status_code == 403
    assert Administration.objects.get(pk=draft.pk).is_draft is True
