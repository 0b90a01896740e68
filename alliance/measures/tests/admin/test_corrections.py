from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.measures.models import Administration
from alliance.measures.services import correct_administration
from alliance.measures.tests.admin.helpers import days_ago, phq9, record


@pytest.fixture
def original(alice, cleo):
    return record(cleo, "phq9", phq9(15), at=days_ago(7))


def test_it_corrects_with_a_new_administration(alice, original):
    correction = correct_administration(
        original, phq9(5), by=alice, reason="Typed from the wrong form."
    )
    assert correction.pk != original.pk
    assert correction.corrects == original
    assert correction.is_submitted is True
    assert correction.total == 5.0
    assert correction.entered_by == alice
    assert correction.mode == "clinician"
    assert correction.taken_at == original.taken_at
    assert correction.correction_reason == "Typed from the wrong form."
    kept = Administration.objects.get(pk=original.pk)
    assert kept.total == 15.0
    assert kept.answer_dict() == phq9(15)
    assert list(Administration.objects.current()) == [correction]
    event = AuditEvent.objects.get(action="administration.correct")
    assert event.detail == {"corrects": str(original.uuid)}


def test_it_requires_a_reason(alice, original):
    with pytest.raises(ValidationError, match="Say why"):
        correct_administration(original, phq9(5), by=alice, reason="  ")
    assert Administration.objects.count() == 1


def test_it_refuses_invalid_answers(alice, original):
    with pytest.raises(ValidationError, match="Items 2, 3, 4, 5, 6, 7, 8 and 9 have"):
        correct_administration(
            original, {"q1": 1}, by=alice, reason="Typed from the wrong form."
        )
    assert Administration.objects.count() == 1


def test_it_refuses_a_second_correction_of_the_same(alice, original):
    correct_administration(original, phq9(5), by=alice, reason="First fix.")
    with pytest.raises(ValidationError, match="correct the latest version"):
        correct_administration(original, phq9(6), by=alice, reason="Second fix.")
    assert Administration.objects.count() == 2


def test_it_refuses_a_draft(alice, draft):
    with pytest.raises(ValidationError, match="a draft can still be changed"):
        correct_administration(draft, phq9(5), by=alice, reason="Fix.")


def test_it_corrects_from_the_form(as_user, alice, original):
    data = {key: str(value) for key, value in phq9(6).items()}
    data["reason"] = "Item 1 was misread."
    response = as_user(alice).post(
        reverse("measures:correct", args=[original.uuid]), data, follow=True
    )
    assert "Correction saved; the original is kept." in response.text
    correction = Administration.objects.get(corrects=original)
    assert correction.total == 6.0
    assert "Item 1 was misread." in response.text


def test_the_form_explains_a_bad_answer(as_user, alice, original):
    data = {key: str(value) for key, value in phq9(6).items()}
    data.update(q3="8", reason="Fix.")
    response = as_user(alice).post(
        reverse("measures:correct", args=[original.uuid]), data
    )
    assert response.status_code == 200
    assert "Choose one of the answers listed." in response.text
    assert Administration.objects.count() == 1


def test_the_original_shows_it_was_corrected(as_user, alice, original):
    correction = correct_administration(original, phq9(5), by=alice, reason="Fix.")
    page = as_user(alice).get(original.get_absolute_url()).text
    assert "These answers were corrected on" in page
    assert correction.get_absolute_url() in page
    assert reverse("measures:correct", args=[original.uuid]) not in page


def test_current_keeps_only_the_last_of_a_chain_of_corrections(alice, cleo, original):
    other = record(cleo, "phq9", phq9(9), at=days_ago(3))
    first = correct_administration(original, phq9(5), by=alice, reason="Wrong form.")
    second = correct_administration(first, phq9(6), by=alice, reason="Item 4 again.")
    assert set(Administration.objects.current()) == {other, second}


def test_current_asks_for_corrections_by_the_corrects_index():
    """Issue #13: "no correction replaced it" is a NOT EXISTS over rows whose
    ``corrects`` is set, so the planner probes that (nearly all NULL) index;
    a left join, or an anti-join keeping the NULLs, hashed every
    administration of the practice for each chart."""
    sql = str(Administration.objects.current().query)
    assert "NOT EXISTS" in sql
    assert 'U0."corrects_id" IS NOT NULL' in sql
    assert "LEFT OUTER JOIN" not in sql
