"""A PHQ-9 as US Core's screening-assessment shape: the published LOINC panel,
item and total codes, LOINC answer codes, and the same score the chart shows."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from alliance.fhir.tests.helpers import PHQ9_ANSWERS, reparse
from alliance.measures.engine import InvalidAnswers, get_instrument

LOINC = "http://loinc.org"
# US Core's PHQ-9 examples (Observation-PHQ9-*-example-*.json in HL7/US-Core):
# panel 44249-1, total 44261-6, items in form order, difficulty 69722-7.
ITEM_CODES = {
    "q1": "44250-9",
    "q2": "44255-8",
    "q3": "44259-0",
    "q4": "44254-1",
    "q5": "44251-7",
    "q6": "44258-2",
    "q7": "44252-5",
    "q8": "44253-3",
    "q9": "44260-8",
}
# LOINC answer list LL358-3: Not at all … Nearly every day.
ANSWER_CODES = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}


def _codes(resource):
    return {
        c["code"] for c in resource["code"].get("coding", []) if c["system"] == LOINC
    }


def test_a_phq9_exports_the_published_codes_and_the_charts_score(alice, record, fhir):
    phq9 = record["phq9"]
    bundle = fhir(alice).get(f"/fhir/Observation?patient={phq9.client.uuid}").json()
    observations = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    for resource in observations.values():
        reparse(resource)
    panel = observations[str(phq9.uuid)]
    assert _codes(panel) == {"44249-1"}
    assert panel["category"][0]["coding"][0]["code"] == "survey"
    members = [m["reference"].split("/", 1)[1] for m in panel["hasMember"]]
    by_code = {
        next(iter(_codes(observations[m])), None): observations[m] for m in members
    }
    for key, code in ITEM_CODES.items():
        item = by_code[code]
        answer = item["valueCodeableConcept"]["coding"][0]
        assert answer["code"] == ANSWER_CODES[PHQ9_ANSWERS[key]]
        assert (
            item["derivedFrom"][0]["reference"] == f"QuestionnaireResponse/{phq9.uuid}"
        )
    total = by_code["44261-6"]
    engine_total = get_instrument("phq9").score(PHQ9_ANSWERS).total
    assert total["valueQuantity"]["value"] == engine_total == phq9.total == 12
    assert total["valueQuantity"]["code"] == "{score}"
    assert total["interpretation"][0]["text"] == phq9.band_label


def test_the_questionnaire_response_answers_item_by_item(alice, record, fhir):
    phq9 = record["phq9"]
    response = fhir(alice).get(f"/fhir/QuestionnaireResponse/{phq9.uuid}").json()
    reparse(response)
    assert response["questionnaire"].endswith("/fhir/Questionnaire/phq9|1")
    answers = {i["linkId"]: i["answer"][0]["valueCoding"] for i in response["item"]}
    for key, value in PHQ9_ANSWERS.items():
        if key in ITEM_CODES:
            assert answers[key]["code"] == ANSWER_CODES[value]
    # The difficulty item has no LOINC answer codes: a local system.
    assert answers["q10"]["code"] == "1"


def test_the_phq9_questionnaire_is_loinc_coded(ada, fhir):
    questionnaire = fhir(ada).get("/fhir/Questionnaire/phq9").json()
    reparse(questionnaire)
    assert questionnaire["code"][0]["code"] == "44249-1"
    items = {i["linkId"]: i for i in questionnaire["item"]}
    for key, code in ITEM_CODES.items():
        assert items[key]["code"][0]["code"] == code
        options = items[key]["answerOption"]
        assert [o["valueCoding"]["code"] for o in options] == list(
            ANSWER_CODES.values()
        )


def test_every_score_equals_the_engines_item_by_item(alice, cleo, fhir):
    """For every built-in instrument with a total: the exported total and
    each exported item answer match what the engine scores."""
    from alliance.measures.engine import all_instruments
    from alliance.measures.services import record_administration

    episode = cleo.current_episode()
    chosen = {}
    for instrument in all_instruments():
        if instrument.retired or instrument.min_age not in (None, 18):
            continue
        answers = {
            item.key: (item.options[-1].value if item.options else "fine")
            for item in instrument.items
        }
        try:
            administration = record_administration(
                episode, instrument.code, answers, by=cleo.clinician
            )
        except (ValidationError, InvalidAnswers):  # not for this client
            continue
        chosen[instrument.code] = (instrument, answers, administration)
    assert "phq9" in chosen and len(chosen) > 5
    bundle = fhir(alice).get("/fhir/Observation?_count=200").json()
    found = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    for instrument, answers, administration in chosen.values():
        score = instrument.score(answers)
        total_id = f"{administration.uuid.hex}-total"
        if score.total is None:
            assert total_id not in found
            continue
        assert found[total_id]["valueQuantity"]["value"] == score.total
        for item in instrument.items:
            ident = f"{administration.uuid.hex}-{item.key.replace('_', '-')}"[:64]
            observation = found[ident]
            if item.options:
                coding = observation["valueCodeableConcept"]["coding"][0]
                assert coding["display"] == item.label_for(answers[item.key])
