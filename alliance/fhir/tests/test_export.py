"""Bulk $export (FHIR Bulk Data Access) and Patient/$everything: kick-off,
status, manifest, downloads, _type/_since, cancelling, and what never leaves."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.fhir.models import ExportJob
from alliance.fhir.tests.helpers import ALERT_CANARY, PROCESS_CANARY, reparse

ASYNC = {"HTTP_PREFER": "respond-async"}


def kick_off(http, url="/fhir/$export"):
    response = http.get(url, **ASYNC)
    assert response.status_code == 202, response.content
    return response["Content-Location"]


def manifest_of(http, status_url):
    response = http.get(status_url)
    assert response.status_code == 200, response.content
    return response.json()


def lines_of(http, manifest):
    found = {}
    for output in manifest["output"]:
        response = http.get(output["url"])
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/fhir+ndjson")
        body = response.content.decode()
        lines = [json.loads(line) for line in body.splitlines() if line]
        assert len(lines) == output["count"]
        found.setdefault(output["type"], []).extend(lines)
    return found


def test_it_exports_in_bulk_and_each_line_parses(alice, record, fhir):
    http = fhir(alice)
    status_url = kick_off(http)
    manifest = manifest_of(http, status_url)
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/$export")
    assert manifest["transactionTime"]
    assert manifest["error"] == []
    found = lines_of(http, manifest)
    for kind, resources in found.items():
        for resource in resources:
            assert resource["resourceType"] == kind
            reparse(resource)
    assert {
        "Patient",
        "Observation",
        "QuestionnaireResponse",
        "Goal",
        "CarePlan",
        "Condition",
        "Consent",
        "DocumentReference",
        "Encounter",
        "EpisodeOfCare",
        "Appointment",
        "Organization",
        "Practitioner",
        "Questionnaire",
    } <= set(found)
    total = next(
        o for o in found["Observation"] if o["id"] == f"{record['phq9'].uuid.hex}-total"
    )
    assert total["valueQuantity"]["value"] == record["phq9"].total
    assert AuditEvent.objects.filter(
        action="fhir.export", client_uuid=record["episode"].client.uuid
    ).exists()
    assert AuditEvent.objects.filter(action="fhir.export_download").exists()


def test_process_notes_and_alerts_never_leave_by_any_path(alice, record, fhir):
    http = fhir(alice)
    client = record["episode"].client
    bodies = []
    for kind in ("DocumentReference", "Observation", "Encounter", "CarePlan", "Goal"):
        bodies.append(http.get(f"/fhir/{kind}").content.decode())
    bodies.append(http.get(f"/fhir/Patient/{client.uuid}/$everything").content.decode())
    manifest = manifest_of(http, kick_off(http))
    for output in manifest["output"]:
        bodies.append(http.get(output["url"]).content.decode())
    manifest = manifest_of(http, kick_off(http, "/fhir/Patient/$export"))
    for output in manifest["output"]:
        bodies.append(http.get(output["url"]).content.decode())
    # Attachments are base64: read them decoded too.
    decoded = [
        base64.b64decode(found).decode()
        for body in bodies
        for found in re.findall(r'"data": ?"([A-Za-z0-9+/=]+)"', body)
    ]
    everything = "\n".join(bodies + decoded)
    # The record itself is there: the goal, and the signed note's text.
    assert "Meet a friend in person" in everything
    assert "Reports sleeping better" in everything
    assert PROCESS_CANARY not in everything
    assert ALERT_CANARY not in everything
    assert "RiskAlert" not in everything


def test_type_and_since_narrow_the_export(alice, record, fhir):
    http = fhir(alice)
    url = kick_off(http, "/fhir/$export?_type=Patient,Goal")
    assert {o["type"] for o in manifest_of(http, url)["output"]} == {"Patient", "Goal"}
    later = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = kick_off(http, f"/fhir/$export?_type=Patient,Goal&_since={later}")
    assert manifest_of(http, url)["output"] == []


def test_kick_off_refusals_are_clear(alice, fhir):
    http = fhir(alice)
    for url, headers, words in (
        ("/fhir/$export", {}, "Prefer: respond-async"),
        ("/fhir/$export?_type=Medication", ASYNC, "Cannot export Medication"),
        ("/fhir/$export?_since=yesterday", ASYNC, "not a FHIR date"),
        ("/fhir/$export?_since=2026-01-01", ASYNC, "_since must be an instant"),
        ("/fhir/$export?_outputFormat=text/csv", ASYNC, "application/fhir+ndjson"),
        ("/fhir/$export?_typeFilter=x", ASYNC, "does not support _typeFilter"),
    ):
        response = http.get(url, **headers)
        assert response.status_code == 400, url
        assert words in response.json()["issue"][0]["diagnostics"], url
    assert ExportJob.objects.count() == 0


def test_a_running_export_answers_202_with_progress(alice, fhir, monkeypatch):
    from alliance.fhir import bulk

    monkeypatch.setattr(bulk, "run", lambda job_id: {})  # the worker has not run
    http = fhir(alice)
    status_url = kick_off(http)
    response = http.get(status_url)
    assert response.status_code == 202
    assert response["X-Progress"] == "Queued"


def test_delete_cancels_and_removes_the_files(alice, record, fhir):
    http = fhir(alice)
    status_url = kick_off(http)
    manifest = manifest_of(http, status_url)
    file_url = manifest["output"][0]["url"]
    assert http.delete(status_url).status_code == 202
    assert http.get(status_url).status_code == 404
    assert http.get(file_url).status_code == 404
    assert http.delete(status_url).status_code == 404


def test_only_the_requester_reads_the_status_and_files(alice, sam, bob, record, fhir):
    status_url = kick_off(fhir(alice))
    manifest = manifest_of(fhir(alice), status_url)
    for other in (sam, bob):
        http = fhir(other)
        assert http.get(status_url).status_code == 404
        assert http.get(manifest["output"][0]["url"]).status_code == 404


def test_a_failed_export_reports_an_operation_outcome(alice, fhir, monkeypatch):
    from alliance.fhir import bulk

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk, "_write_type", broken)
    http = fhir(alice)
    manifest = manifest_of(http, kick_off(http))
    assert manifest["output"] == []
    outcome = json.loads(http.get(manifest["error"][0]["url"]).content)
    reparse(outcome)
    assert "disk on fire" not in json.dumps(outcome)


def test_the_admin_exports_the_practice_without_clinical_records(ada, record, fhir):
    http = fhir(ada)
    manifest = manifest_of(http, kick_off(http))
    assert {o["type"] for o in manifest["output"]} <= {
        "Organization",
        "Practitioner",
        "Questionnaire",
        "Appointment",
    }
    assert http.get("/fhir/Patient/$export", **ASYNC).status_code == 403
    assert http.get("/fhir/$export?_type=Patient", **ASYNC).status_code == 400


def test_everything_returns_the_patients_record(alice, bob, record, fhir):
    client = record["episode"].client
    response = fhir(alice).get(f"/fhir/Patient/{client.uuid}/$everything")
    assert response.status_code == 200
    bundle = response.json()
    reparse(bundle)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Observation", "Goal", "Consent", "DocumentReference"} <= kinds
    only = fhir(alice).get(f"/fhir/Patient/{client.uuid}/$everything?_type=Goal").json()
    assert {e["resource"]["resourceType"] for e in only["entry"]} == {"Goal"}
    assert fhir(bob).get(f"/fhir/Patient/{client.uuid}/$everything").status_code == 404


def test_export_files_are_encrypted_at_rest(alice, record, fhir):
    from django.db import connection

    http = fhir(alice)
    manifest = manifest_of(http, kick_off(http, "/fhir/$export?_type=Goal"))
    downloaded = http.get(manifest["output"][0]["url"]).content.decode()
    assert "Meet a friend in person" in downloaded
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM fhir_exportfile")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored
    assert not any("Meet a friend" in value for value in stored)
