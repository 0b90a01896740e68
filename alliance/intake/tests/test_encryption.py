from __future__ import annotations

from django.db import connection

from alliance.intake.models import (
    IntakeAddendum,
    IntakeSection,
    PreIntakeRequest,
    ProvisionalDiagnosis,
)
from alliance.intake.services import add_intake_addendum
from alliance.intake.tests.helpers import answer, completed, save, section, send, start


def _raw(model, column, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def _assert_sealed(model, column, pk, plain):
    raw = _raw(model, column, pk)
    assert raw.startswith("v1:")
    assert plain not in raw


def test_it_stores_every_section_text_encrypted(alice, cleo):
    intake = start(cleo)
    save(intake, "presenting", text="PLAIN-WORDS", hopes="PLAIN-HOPES")
    save(intake, "medical", text="PLAIN-MEDICAL")
    save(
        intake,
        "risk",
        current_self_harm_thoughts="no",
        current_harm_to_others_thoughts="no",
        history="PLAIN-HISTORY",
        protective_factors="PLAIN-PROTECTIVE",
        risk_level="low",
    )
    presenting = section(intake, "presenting")
    _assert_sealed(IntakeSection, "text", presenting.pk, "PLAIN-WORDS")
    _assert_sealed(IntakeSection, "hopes", presenting.pk, "PLAIN-HOPES")
    _assert_sealed(
        IntakeSection, "text", section(intake, "medical").pk, "PLAIN-MEDICAL"
    )
    risk = section(intake, "risk")
    _assert_sealed(IntakeSection, "history", risk.pk, "PLAIN-HISTORY")
    _assert_sealed(IntakeSection, "protective_factors", risk.pk, "PLAIN-PROTECTIVE")
    # Read back through the model, the text is as written.
    assert section(intake, "presenting").hopes == "PLAIN-HOPES"


def test_it_leaves_empty_sections_empty_rather_than_encrypting_nothing(intake):
    assert _raw(IntakeSection, "text", section(intake, "history").pk) == ""


def test_it_encrypts_diagnoses_and_addenda(alice, cleo):
    intake = completed(cleo)
    add_intake_addendum(intake, by=alice, text="PLAIN-ADDENDUM")
    addendum = IntakeAddendum.objects.get(intake=intake)
    _assert_sealed(IntakeAddendum, "text", addendum.pk, "PLAIN-ADDENDUM")


def test_it_encrypts_a_diagnosis_description(alice, intake):
    save(
        intake,
        "diagnoses",
        diagnoses=[
            {
                "description": "PLAIN-DIAGNOSIS",
                "code_system": "icd10cm",
                "code": "F32.1",
            }
        ],
    )
    dx = ProvisionalDiagnosis.objects.get(intake=intake)
    _assert_sealed(ProvisionalDiagnosis, "description", dx.pk, "PLAIN-DIAGNOSIS")
    assert dx.code == "F32.1"


def test_it_encrypts_questionnaire_answers_and_contact_details(cleo):
    pre, _ = send(cleo)
    answer(
        pre,
        what_brings_you="PLAIN-BRINGS",
        hopes="PLAIN-HOPE",
        prior_therapy="PLAIN-PRIOR",
        current_supports="PLAIN-SUPPORT",
        phone="07700 900123",
        address="PLAIN-ADDRESS",
        contact_unchanged=False,
    )
    for column, plain in [
        ("what_brings_you", "PLAIN-BRINGS"),
        ("hopes", "PLAIN-HOPE"),
        ("prior_therapy", "PLAIN-PRIOR"),
        ("current_supports", "PLAIN-SUPPORT"),
        ("phone", "07700 900123"),
        ("address", "PLAIN-ADDRESS"),
    ]:
        _assert_sealed(PreIntakeRequest, column, pre.pk, plain)
