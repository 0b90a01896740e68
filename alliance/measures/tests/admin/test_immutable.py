from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.measures.models import Administration
from alliance.measures.services import save_answers, submit_administration
from alliance.measures.tests.admin.helpers import phq9, record


@pytest.fixture
def submitted(alice, cleo):
    return record(cleo, "phq9", phq9(9))


def test_it_refuses_to_change_submitted_answers(alice, submitted):
    with pytest.raises(ValidationError) as caught:
        save_answers(submitted, {"q1": 0}, by=alice)
    assert caught.value.messages == [
        "These answers were already submitted, so they can no longer change."
    ]
    assert Administration.objects.get(pk=submitted.pk).answer_dict() == phq9(9)


def test_it_refuses_to_submit_twice(alice, submitted):
    before = Administration.objects.get(pk=submitted.pk)
    with pytest.raises(ValidationError, match="already submitted"):
        submit_administration(submitted, by=alice)
    after = Administration.objects.get(pk=submitted.pk)
    assert after.submitted_at == before.submitted_at
    assert after.total == before.total


def test_a_stale_copy_cannot_change_it(alice, cleo, draft):
    stale = Administration.objects.get(pk=draft.pk)
    save_answers(draft, phq9(4), by=alice)
    submit_administration(draft, by=alice)
    with pytest.raises(ValidationError):
        save_answers(stale, {"q1": 3}, by=alice)
    assert Administration.objects.get(pk=draft.pk).answer_dict() == phq9(4)


def test_the_entry_pages_send_you_to_the_answers(as_user, alice, submitted):
    http = as_user(alice)
    for name in ("measures:enter",):
        response = http.post(
            reverse(name, args=[submitted.uuid]), {"answer": "0", "go": "next"}
        )
        assert response.status_code == 302
        assert response["Location"] == submitted.get_absolute_url()
    response = http.post(reverse("measures:submit", args=[submitted.uuid]))
    assert response["Location"] == submitted.get_absolute_url()
    assert Administration.objects.get(pk=submitted.pk).answer_dict() == phq9(9)
