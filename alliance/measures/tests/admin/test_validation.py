from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.measures.models import Administration
from alliance.measures.services import (
    save_answers,
    start_administration,
    submit_administration,
)


def test_it_refuses_an_out_of_range_answer(alice, draft):
    save_answers(draft, {"q1": 1}, by=alice)
    with pytest.raises(ValidationError) as caught:
        save_answers(draft, {"q1": 2, "q2": 7}, by=alice)
    assert caught.value.messages == [
        "Item 2: 7 is not one of its answers (0, 1, 2, 3)."
    ]
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {"q1": 1}


def test_it_refuses_an_unknown_item(alice, draft):
    with pytest.raises(ValidationError) as caught:
        save_answers(draft, {"q42": 1}, by=alice)
    assert caught.value.messages == ["The PHQ-9 has no item 'q42'."]
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {}


def test_it_refuses_a_text_answer_that_is_too_long(alice, episode):
    draft = start_administration(episode, "alliance_check", mode="clinician", by=alice)
    with pytest.raises(ValidationError) as caught:
        save_answers(draft, {"note": "x" * 2001}, by=alice)
    assert caught.value.messages == [
        "The answer to item 4 is too long: keep it under 2,000 characters."
    ]


def test_it_refuses_to_submit_missing_required_answers(alice, draft):
    save_answers(draft, {f"q{n}": 1 for n in range(1, 8)}, by=alice)
    with pytest.raises(ValidationError) as caught:
        submit_administration(draft, by=alice)
    assert caught.value.messages == [
        "Items 8 and 9 have no answer. Every item is needed: the PHQ-9 has no "
        "published rule for prorating a missing answer."
    ]
    stored = Administration.objects.get(pk=draft.pk)
    assert stored.is_draft is True
    assert stored.total is None
    assert stored.submitted_at is None
    assert RiskAlert.objects.count() == 0


def test_it_shows_the_refusal_on_the_review_screen(as_user, alice, draft):
    save_answers(draft, {f"q{n}": 1 for n in range(1, 9)}, by=alice)
    response = as_user(alice).post(reverse("measures:submit", args=[draft.uuid]))
    assert response.status_code == 200
    assert "Check your answers" in response.text
    assert "Item 9 has no answer." in response.text
    assert "1 question has" not in response.text
    assert "One question has no answer yet." in response.text
    assert Administration.objects.get(pk=draft.pk).is_draft is True


def test_it_shows_an_out_of_range_answer_in_plain_words(as_user, alice, draft):
    url = reverse("measures:enter", args=[draft.uuid]) + "?step=2"
    response = as_user(alice).post(url, {"answer": "9", "go": "next"})
    assert response.status_code == 200
    assert "Item 2: 9 is not one of its answers (0, 1, 2, 3)." in response.text
    assert "Question 2 of 10" in response.text
    assert Administration.objects.get(pk=draft.pk).answer_dict() == {}
