"""Code systems and fixed codes used in Alliance's FHIR resources.

Every code here cites where it is defined (docs/fhir.md lists them again).
"""

from __future__ import annotations

from typing import Any

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
# WHO's URI for ICD-11 MMS, as HL7 Terminology (THO) registers it.
ICD11 = "http://id.who.int/icd/release/11/mms"

CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ACT_ENCOUNTER = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
EPISODE_TYPE = "http://terminology.hl7.org/CodeSystem/episodeofcare-type"
US_CORE_DOC_CATEGORY = (
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
)
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

# US Core Observation Screening Assessment profile (US Core 6+): survey
# category, LOINC-coded panel with hasMember items and total.
SCREENING_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"

# Security labels on every resource holding client data (docs/fhir.md):
# R = restricted (v3-Confidentiality, "information ... of a very sensitive
# nature"); MH = "mental health information sensitivity" (v3-ActCode
# _ActInformationSensitivityPolicy). MH rather than PSY ("psychiatry disorder
# information sensitivity") because a psychotherapy record is about mental
# health as a whole (goals, sessions, well-being measures), not only about
# psychiatric disorders. Process notes (PSYTHPN) are never exported at all.
SECURITY = (
    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {
        "system": ACT_CODE,
        "code": "MH",
        "display": "mental health information sensitivity",
    },
)


def security() -> list[dict[str, Any]]:
    return [dict(label) for label in SECURITY]


# HL7 Person-Centered Outcomes (PCO) IG STU1: the Goal Attainment Scaling
# extension on Goal (pco-goal-attainment-scaling: "level" Coding from LOINC
# answer list LL6900-6 and "text"), the GAS goal's target measure 107332-9,
# and GAS score observations 107333-7 (practitioner) and 107334-5 (patient)
# (https://build.fhir.org/ig/HL7/pco-ig/ , input/fsh/GASProfiles.fsh and
# GASExamples.fsh in github.com/HL7/pco-ig).
PCO_GAS_EXTENSION = (
    "http://hl7.org/fhir/us/pco/StructureDefinition/pco-goal-attainment-scaling"
)
PCO_GAS_GOAL_PROFILE = (
    "http://hl7.org/fhir/us/pco/StructureDefinition/pco-gas-goal-profile"
)
PCO_GAS_SCORE_PROFILE = (
    "http://hl7.org/fhir/us/pco/StructureDefinition/pco-gas-score-observation"
)
GAS_REPORTED = ("107332-9", "Goal attainment scale - Reported")
GAS_PRACTITIONER = ("107333-7", "Practitioner follow-up goal attainment scaling score")
GAS_PATIENT = ("107334-5", "Patient follow-up goal attainment scaling score")
# LOINC answer list LL6900-6, level −2 … +2 (PCO GASExamples.fsh).
GAS_ANSWERS: dict[int, tuple[str, str]] = {
    2: ("LA34479-8", "Much better than expected"),
    1: ("LA34480-6", "Better than expected"),
    0: ("LA34481-4", "Expected outcome"),
    -1: ("LA34483-0", "Less than expected"),
    -2: ("LA34484-8", "Much less than expected"),
}

# LOINC 11506-3 "Progress note" (US Core clinical notes guidance lists it).
PROGRESS_NOTE = ("11506-3", "Progress note")
# LOINC 59284-0 "Patient Consent" (the Consent resource's example category).
CONSENT_CATEGORY = ("59284-0", "Patient Consent")


def coding(system: str, code: str, display: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(
    system: str, code: str, display: str = "", text: str = ""
) -> dict[str, Any]:
    found: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text or display:
        found["text"] = text or display
    return found
