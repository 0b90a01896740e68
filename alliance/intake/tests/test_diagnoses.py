from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.intake.models import ProvisionalDiagnosis
from alliance.intake.services import save_section
from alliance.intake.tests.helpers import save, section


def _dx(description="Depressive episode", code_system="", code=""):
    return {"description": description, "code_system": code_system, "code": code}


@pytest.mark.parametrize(
    "code", ["F32", "F32.1", "F41.1", "F43.10", "M1A.0", "T74.11XA", "Z63.0"]
)
def test_it_accepts_icd10cm_shapes(code):
    assert ProvisionalDiagnosis.code_refusal("icd10cm", code) is None


@pytest.mark.parametrize("code", ["32.1", "FF2.1", "F3", "F32.12345", "F32-1", "6A70"])
def test_it_refuses_other_icd10cm_shapes(code):
    assert "not shaped like an ICD-10-CM code" in ProvisionalDiagnosis.code_refusal(
        "icd10cm", code
    )


@pytest.mark.parametrize("code", ["6A70", "6A70.1", "6B00", "6A7Z", "QE84", "6C40.2Z"])
def test_it_accepts_icd11_shapes(code):
    assert ProvisionalDiagnosis.code_refusal("icd11", code) is None


@pytest.mark.parametrize("code", ["F32.1", "6A7", "6A70.123", "6O70", "06A70", "6A70."])
def test_it_refuses_other_icd11_shapes(code):
    assert "not shaped like an ICD-11 code" in ProvisionalDiagnosis.code_refusal(
        "icd11", code
    )


def test_it_saves_a_list_of_diagnoses(alice, intake):
    save(
        intake,
        "diagnoses",
        diagnoses=[
            _dx("Moderate depressive episode", "icd10cm", "f321"),
            _dx("Generalised anxiety, provisional", "icd11", "6b00"),
            _dx("Rule out hypothyroidism"),
            _dx("", "", ""),
        ],
    )
    stored = [
        (d.description, d.code_system, d.code)
        for d in ProvisionalDiagnosis.objects.filter(intake=intake)
    ]
    assert stored == [
        ("Moderate depressive episode", "icd10cm", "F32.1"),
        ("Generalised anxiety, provisional", "icd11", "6B00"),
        ("Rule out hypothyroidism", "", ""),
    ]
    assert section(intake, "diagnoses").version == 2


def test_it_replaces_the_list_on_the_next_save(alice, intake):
    save(intake, "diagnoses", diagnoses=[_dx("First"), _dx("Second")])
    first = ProvisionalDiagnosis.objects.get(intake=intake, position=0)
    save(intake, "diagnoses", diagnoses=[_dx("First, revised")])
    remaining = list(ProvisionalDiagnosis.objects.filter(intake=intake))
    assert [d.description for d in remaining] == ["First, revised"]
    assert remaining[0].uuid == first.uuid


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            _dx("Depression", "icd10cm", "32.1"),
            "Diagnosis 1: “32.1” is not shaped like an ICD-10-CM code",
        ),
        (
            _dx("Depression", "icd11", "F32.1"),
            "Diagnosis 1: “F32.1” is not shaped like an ICD-11 code",
        ),
        (
            _dx("Depression", "", "F32.1"),
            "say whether “F32.1” is an ICD-10-CM or ICD-11 code",
        ),
        (_dx("Depression", "icd11", ""), "enter the code, or choose “No code”"),
        (_dx("", "icd10cm", "F32.1"), "describe the diagnosis in words"),
        (_dx("Depression", "dsm5", "296.22"), "choose ICD-10-CM, ICD-11 or no code"),
    ],
)
def test_it_refuses_bad_rows_and_changes_nothing(alice, intake, row, message):
    save(intake, "diagnoses", diagnoses=[_dx("Kept")])
    with pytest.raises(ValidationError, match=message):
        save_section(intake, "diagnoses", by=alice, version=2, diagnoses=[row])
    assert [d.description for d in ProvisionalDiagnosis.objects.all()] == ["Kept"]
    assert section(intake, "diagnoses").version == 2


def test_it_refuses_more_than_twelve(alice, intake):
    with pytest.raises(ValidationError, match="up to 12 provisional diagnoses"):
        save_section(intake, "diagnoses", by=alice, version=1, diagnoses=[_dx()] * 13)
    assert ProvisionalDiagnosis.objects.count() == 0


def test_it_saves_from_the_form(as_user, alice, intake):
    response = as_user(alice).post(
        reverse("intake:section", args=[intake.uuid, "diagnoses"]),
        {
            "version": 1,
            "dx-0-description": "Panic disorder",
            "dx-0-code_system": "icd10cm",
            "dx-0-code": "F41.0",
            "dx-1-description": "",
            "dx-1-code_system": "",
            "dx-1-code": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'value="Panic disorder"' in response.text
    assert ProvisionalDiagnosis.objects.get().code == "F41.0"


def test_it_explains_a_bad_code_on_the_form(as_user, alice, intake):
    response = as_user(alice).post(
        reverse("intake:section", args=[intake.uuid, "diagnoses"]),
        {
            "version": 1,
            "dx-0-description": "Panic disorder",
            "dx-0-code_system": "icd11",
            "dx-0-code": "F41.0",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "is not shaped like an ICD-11 code" in response.text
    assert 'value="Panic disorder"' in response.text
    assert ProvisionalDiagnosis.objects.count() == 0
