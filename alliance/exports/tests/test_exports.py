"""The record export: what the ZIP holds for each scope, the canaries that
must never leave, process notes by their author only, expiry, audit and the
pages (portal and chart)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.exports.builder import OWN_SECTIONS, TRANSFER_SECTIONS
from alliance.exports.models import RecordExport
from alliance.exports.services import ExportRefused, request_export, sweep
from alliance.exports.tests.helpers import (
    CHECKIN_CANARY,
    MESSAGE_CANARY,
    SKILL_CANARY,
    SUMMARY_TEXT,
    bundle,
    csv_rows,
    open_zip,
)
from alliance.fhir.tests.helpers import ALERT_CANARY, PROCESS_CANARY, reparse

pytestmark = pytest.mark.django_db

OWN_CSVS = {
    "details",
    "appointments",
    "questionnaires",
    "goals",
    "goal_ratings",
    "homework",
    "homework_entries",
    "checkins",
    "toolbox",
    "messages",
    "safety_plan",
    "relapse_prevention_plan",
    "shared_summaries",
}
TRANSFER_CSVS = OWN_CSVS | {"progress_notes", "intake", "treatment_plans"}


def _files(export: RecordExport) -> dict[str, str]:
    export.refresh_from_db()
    assert export.status == RecordExport.Status.DONE, export.error
    return open_zip(export.zip_bytes())


def _everything(files: dict[str, str]) -> str:
    return "\n".join(files.values())


def test_the_clients_copy_holds_every_section_and_no_canary(record, cleo):
    export = request_export(cleo, by=cleo.user, scope="own_copy")
    files = _files(export)
    csvs = {name[4:-4] for name in files if name.startswith("csv/")}
    assert csvs == OWN_CSVS
    assert len(OWN_SECTIONS) == len(OWN_CSVS)
    assert {"summary.html", "fhir/bundle.json"} <= set(files)
    assert csv_rows(files, "details")[0][:3] == [
        "given_name",
        "family_name",
        "preferred_name",
    ]
    assert csv_rows(files, "details")[1][0] == "Cleo"
    assert csv_rows(files, "questionnaires")[0] == [
        "questionnaire",
        "taken_at",
        "total",
        "band",
        "answers",
    ]
    assert csv_rows(files, "questionnaires")[1][0] == "phq9"
    assert csv_rows(files, "messages")[1][1:] == ["you", MESSAGE_CANARY]
    assert csv_rows(files, "toolbox")[1][0] == SKILL_CANARY
    assert csv_rows(files, "checkins")[1][3] == CHECKIN_CANARY
    assert csv_rows(files, "safety_plan")[1][1].startswith("Not sleeping")
    assert csv_rows(files, "relapse_prevention_plan")[1][1].startswith("Staying")
    assert csv_rows(files, "shared_summaries")[1][-1] == SUMMARY_TEXT
    assert len(csv_rows(files, "goals")) == 2
    assert len(csv_rows(files, "goal_ratings")) == 2
    assert len(csv_rows(files, "homework")) == 2
    assert SKILL_CANARY in files["summary.html"]
    assert "Safety plan" in files["summary.html"]
    everything = _everything(files)
    for canary in (PROCESS_CANARY, ALERT_CANARY):
        assert canary not in everything
    # Clinician records stay out of the client's copy.
    assert record["note"].section_1 not in everything
    kinds = {e["resource"]["resourceType"] for e in bundle(files)["entry"]}
    assert "DocumentReference" not in kinds and "CarePlan" not in kinds


def test_the_fhir_bundle_parses_and_holds_only_this_client(record, cleo, dan):
    from fhirclient.models.bundle import Bundle

    files = _files(request_export(cleo, by=cleo.user, scope="own_copy"))
    body = bundle(files)
    parsed = Bundle(body)
    assert parsed.type == "collection"
    kinds = {e["resource"]["resourceType"] for e in body["entry"]}
    assert {"Patient", "Goal", "QuestionnaireResponse", "Observation"} <= kinds
    patients = [
        e["resource"]
        for e in body["entry"]
        if e["resource"]["resourceType"] == "Patient"
    ]
    assert [p["id"] for p in patients] == [str(cleo.uuid)]
    for entry in body["entry"]:
        reparse(entry["resource"])
    assert str(dan.uuid) not in files["fhir/bundle.json"]


def test_a_transfer_adds_clinician_records_but_not_process_notes(record, cleo, alice):
    files = _files(request_export(cleo, by=alice, scope="transfer"))
    assert {n[4:-4] for n in files if n.startswith("csv/")} == TRANSFER_CSVS
    assert len(TRANSFER_SECTIONS) == 3
    assert csv_rows(files, "progress_notes")[1][3] == record["note"].section_1
    kinds = {e["resource"]["resourceType"] for e in bundle(files)["entry"]}
    assert {"DocumentReference", "CarePlan", "Condition"} <= kinds
    everything = _everything(files)
    assert PROCESS_CANARY not in everything
    assert ALERT_CANARY not in everything


def test_only_the_author_includes_their_own_process_notes(record, cleo, alice, sam):
    export = request_export(
        cleo, by=alice, scope="transfer", include_process_notes=True
    )
    files = _files(export)
    assert csv_rows(files, "process_notes")[1][2] == PROCESS_CANARY
    assert AuditEvent.objects.filter(
        action="exports.process_notes_included", client_uuid=cleo.uuid
    ).exists()
    # The supervisor asking for the same writes none of Alice's.
    files = _files(
        request_export(cleo, by=sam, scope="transfer", include_process_notes=True)
    )
    assert csv_rows(files, "process_notes") == [["session", "author", "text"]]
    assert PROCESS_CANARY not in _everything(files)


def test_process_notes_go_only_into_a_transfer(record, cleo, alice):
    with pytest.raises(ExportRefused):
        request_export(
            cleo, by=alice, scope="access_request", include_process_notes=True
        )
    assert not RecordExport.objects.exists()


def test_the_link_expires_and_the_sweep_deletes_it(record, cleo, as_user):
    export = request_export(cleo, by=cleo.user, scope="own_copy")
    export.refresh_from_db()
    assert export.expires_at - export.finished_at == timedelta(days=7)
    http = as_user(cleo.user)
    url = f"/exports/mine/{export.uuid}/download/"
    assert http.get(url).status_code == 200
    RecordExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = http.get(url)
    assert response.status_code == 302
    assert sweep() == 1
    assert not RecordExport.objects.filter(pk=export.pk).exists()
    assert http.get(url).status_code == 404


def test_the_portal_asks_shows_and_downloads_audited(record, cleo, as_user):
    http = as_user(cleo.user)
    assert "Prepare my copy" in http.get("/exports/mine/").content.decode()
    response = http.post("/exports/mine/")
    assert response.status_code == 302
    export = RecordExport.objects.get()
    assert export.scope == "own_copy" and export.requested_by == cleo.user
    page = http.get(response["Location"]).content.decode()
    assert "Download the ZIP" in page
    fragment = http.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'id="export-status"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    download = http.get(f"/exports/mine/{export.uuid}/download/")
    assert download["Content-Type"] == "application/zip"
    assert "summary.html" in open_zip(b"".join(download.streaming_content))
    events = AuditEvent.objects.filter(
        action="exports.downloaded", client_uuid=cleo.uuid
    )
    assert events.count() == 1
    assert AuditEvent.objects.filter(action="exports.requested").count() == 1


def test_a_status_page_polls_while_it_is_prepared(cleo, as_user):
    export = RecordExport.objects.create(
        client=cleo, requested_by=cleo.user, scope="own_copy"
    )
    page = as_user(cleo.user).get(f"/exports/mine/{export.uuid}/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    assert "Download the ZIP" not in page


def test_staff_ask_from_the_chart(record, cleo, alice, as_user):
    http = as_user(alice)
    page = http.get(f"/exports/client/{cleo.uuid}/").content.decode()
    assert "transfer of care" in page
    response = http.post(
        f"/exports/client/{cleo.uuid}/", {"scope": "transfer", "process_notes": "mine"}
    )
    assert response.status_code == 302
    export = RecordExport.objects.get()
    assert export.process_notes_of == alice
    download = http.get(f"/exports/{export.uuid}/download/")
    files = open_zip(b"".join(download.streaming_content))
    assert PROCESS_CANARY in files["csv/process_notes.csv"]


def test_bad_scope_is_refused_with_a_message(cleo, alice, as_user):
    http = as_user(alice)
    response = http.post(f"/exports/client/{cleo.uuid}/", {"scope": "own_copy"})
    assert response.status_code == 302
    assert not RecordExport.objects.exists()
    page = http.get(response["Location"]).content.decode()
    assert "Choose what kind of export" in page


def test_a_failed_export_says_so_and_holds_nothing(cleo, monkeypatch, as_user):
    def broken(export, progress):
        raise RuntimeError("disk full")

    monkeypatch.setattr("alliance.exports.builder.build_zip", broken)
    export = request_export(cleo, by=cleo.user, scope="own_copy")
    export.refresh_from_db()
    assert export.status == RecordExport.Status.FAILED
    assert export.content == "" and export.expires_at is None
    page = as_user(cleo.user).get(f"/exports/mine/{export.uuid}/").content.decode()
    assert "internal error" in page and "disk full" not in page
    assert "hx-trigger" not in page
