from __future__ import annotations

from django.db import connection

from alliance.measures.models import Administration
from alliance.measures.services import correct_administration, save_answers
from alliance.measures.tests.admin.helpers import record


def _raw(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM measures_administration WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def test_it_encrypts_answers_at_rest(alice, cleo):
    answers = {"listened": 3, "agreed": 4, "come_back": 5}
    answers["note"] = "CANARY-feedback about the session"
    administration = record(cleo, "alliance_check", answers)
    raw = _raw(administration.pk, "answers")
    assert raw.startswith("v1:")
    assert "CANARY" not in raw
    assert '"listened"' not in raw
    stored = Administration.objects.get(pk=administration.pk)
    assert stored.answer_dict()["note"] == "CANARY-feedback about the session"


def test_it_encrypts_draft_answers(alice, draft):
    save_answers(draft, {"q9": 2}, by=alice)
    raw = _raw(draft.pk, "answers")
    assert raw.startswith("v1:")
    assert '"q9"' not in raw  # JSON keys are quoted; base64 never holds a quote


def test_it_encrypts_the_correction_reason(alice, cleo):
    original = record(cleo, "gad7", {f"q{n}": 1 for n in range(1, 8)})
    correction = correct_administration(
        original,
        {f"q{n}": 2 for n in range(1, 8)},
        by=alice,
        reason="CANARY-typo",
    )
    raw = _raw(correction.pk, "correction_reason")
    assert raw.startswith("v1:")
    assert "CANARY" not in raw


def test_the_score_columns_stay_plain(alice, cleo):
    administration = record(cleo, "gad7", {f"q{n}": 2 for n in range(1, 8)})
    assert _raw(administration.pk, "total") == 14.0
    assert _raw(administration.pk, "band") == "moderate"
