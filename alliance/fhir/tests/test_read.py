"""CapabilityStatement, reads and the access rules (the same as the pages)."""

from __future__ import annotations

from alliance.audit.models import AuditEvent
from alliance.fhir.tests.helpers import reparse


def test_it_states_its_capabilities_to_anyone(client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    reparse(body)
    assert body["fhirVersion"] == "4.0.1"
    served = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert {"Patient", "Observation", "Goal", "Consent", "Questionnaire"} <= set(served)
    operations = {o["name"] for o in served["Patient"]["operation"]}
    assert operations == {"everything", "export"}
    assert body["rest"][0]["operation"][0]["name"] == "export"


def test_it_reads_a_patient_of_the_caseload_and_audits_it(alice, cleo, fhir):
    response = fhir(alice).get(f"/fhir/Patient/{cleo.uuid}")
    assert response.status_code == 200
    patient = response.json()
    reparse(patient)
    assert patient["name"][0]["family"] == "Example"
    assert patient["birthDate"] == "1990-05-17"
    security = {
        (s["system"].rsplit("/", 1)[-1], s["code"]) for s in patient["meta"]["security"]
    }
    assert security == {("v3-Confidentiality", "R"), ("v3-ActCode", "MH")}
    assert AuditEvent.objects.filter(
        action="client.view", client_uuid=cleo.uuid, actor=alice
    ).exists()


def test_a_supervisor_reads_a_supervisees_client(sam, cleo, fhir):
    assert fhir(sam).get(f"/fhir/Patient/{cleo.uuid}").status_code == 200


def test_another_clinician_gets_not_found_and_the_refusal_is_audited(bob, cleo, fhir):
    response = fhir(bob).get(f"/fhir/Patient/{cleo.uuid}")
    assert response.status_code == 404
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    reparse(body)
    assert AuditEvent.objects.filter(
        actor=bob, client_uuid=cleo.uuid, outcome=AuditEvent.Outcome.DENIED
    ).exists()


def test_admins_and_clients_get_no_clinical_resources(ada, cleo, fhir):
    assert fhir(ada).get(f"/fhir/Patient/{cleo.uuid}").status_code == 403
    assert fhir(ada).get("/fhir/Observation").status_code == 403
    assert fhir(cleo.user).get(f"/fhir/Patient/{cleo.uuid}").status_code == 403
    assert fhir(cleo.user).get("/fhir/Organization").status_code == 403


def test_admins_read_the_practice_its_clinicians_and_its_schedule(ada, alice, fhir):
    http = fhir(ada)
    practitioners = http.get("/fhir/Practitioner").json()
    assert [e["resource"]["id"] for e in practitioners["entry"]] == [str(alice.uuid)]
    assert http.get("/fhir/Organization").json()["total"] == 1
    assert http.get("/fhir/Appointment").status_code == 200


def test_without_a_session_it_answers_401_with_an_outcome(client, cleo):
    response = client.get(f"/fhir/Patient/{cleo.uuid}")
    assert response.status_code == 401
    assert response.json()["issue"][0]["code"] == "login"
    assert "WWW-Authenticate" in response


def test_unknown_types_and_ids_are_outcomes_not_errors(alice, fhir):
    http = fhir(alice)
    response = http.get("/fhir/Medication")
    assert response.status_code == 404
    assert "does not serve Medication" in response.json()["issue"][0]["diagnostics"]
    assert http.get("/fhir/Patient/not-a-uuid").status_code == 404
    assert http.get("/fhir/Observation/gas-nope").status_code == 404


def test_it_reads_every_kind_of_resource_by_id(alice, record, fhir):
    http = fhir(alice)
    for kind in (
        "EpisodeOfCare",
        "Encounter",
        "Appointment",
        "Condition",
        "Goal",
        "CarePlan",
        "QuestionnaireResponse",
        "Observation",
        "DocumentReference",
        "Consent",
        "Questionnaire",
        "Practitioner",
        "Organization",
    ):
        bundle = http.get(f"/fhir/{kind}").json()
        for entry in bundle["entry"]:
            resource = entry["resource"]
            response = http.get(f"/fhir/{kind}/{resource['id']}")
            assert response.status_code == 200, (kind, resource["id"])
            assert response.json() == resource


def test_note_bodies_need_the_note_scope(alice, record, fhir, monkeypatch):
    from alliance.fhir import views

    monkeypatch.setattr(views, "note_bodies_allowed", lambda request: False)
    http = fhir(alice)
    assert http.get("/fhir/DocumentReference").status_code == 403
    note = record["note"]
    assert http.get(f"/fhir/DocumentReference/{note.uuid}").status_code == 403


def test_other_methods_get_an_outcome_405(alice, cleo, fhir):
    http = fhir(alice)
    response = http.post(f"/fhir/Patient/{cleo.uuid}", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    reparse(response.json())
    assert http.put("/fhir/$export").status_code == 405
