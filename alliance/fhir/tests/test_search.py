"""Search: parameters, paging links, refusals of bad input, and audit."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.fhir.tests.helpers import reparse
from conftest import make_client


def test_it_pages_with_count_and_links(alice, fhir):
    for n in range(5):
        make_client(alice, given_name=f"Pat{n}")
    http = fhir(alice)
    first = http.get("/fhir/Patient?_count=2").json()
    reparse(first)
    assert first["total"] == 5
    assert len(first["entry"]) == 2
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "previous" not in links
    seen = [e["resource"]["id"] for e in first["entry"]]
    url = links["next"]
    while url:
        page = http.get(url).json()
        seen += [e["resource"]["id"] for e in page["entry"]]
        url = {link["relation"]: link["url"] for link in page["link"]}.get("next")
    assert len(seen) == len(set(seen)) == 5


def test_a_search_shows_only_the_caseload(alice, bob, cleo, dan, fhir):
    ids = [e["resource"]["id"] for e in fhir(bob).get("/fhir/Patient").json()["entry"]]
    assert ids == [str(dan.uuid)]


def test_it_filters_by_patient_id_and_last_updated(alice, cleo, fhir):
    other = make_client(alice, given_name="Otto")
    http = fhir(alice)
    by_patient = http.get(f"/fhir/EpisodeOfCare?patient=Patient/{other.uuid}").json()
    assert by_patient["total"] == 1
    assert by_patient["entry"][0]["resource"]["patient"]["reference"] == (
        f"Patient/{other.uuid}"
    )
    by_id = http.get(f"/fhir/Patient?_id={cleo.uuid},{other.uuid}").json()
    assert by_id["total"] == 2
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert http.get(f"/fhir/Patient?_lastUpdated=ge{tomorrow}").json()["total"] == 0
    assert http.get(f"/fhir/Patient?_lastUpdated=lt{tomorrow}").json()["total"] == 2


def test_it_filters_observations_by_date(alice, record, fhir):
    http = fhir(alice)
    taken = record["phq9"].taken_at
    day = taken.date().isoformat()
    same_day = http.get(f"/fhir/Observation?date={day}").json()
    assert any(
        e["resource"]["id"] == str(record["phq9"].uuid) for e in same_day["entry"]
    )
    later = (taken + timedelta(days=2)).date().isoformat()
    assert http.get(f"/fhir/Observation?date=ge{later}").json()["total"] == 0


def test_bad_parameters_get_a_clear_400(alice, fhir):
    http = fhir(alice)
    for url, words in (
        ("/fhir/Patient?name=Cleo", "does not support the search parameter name"),
        ("/fhir/Observation?date=yesterday", "not a FHIR date"),
        ("/fhir/Observation?patient=Cleo", "not a Patient reference"),
        ("/fhir/Patient?_count=lots", "_count must be a whole number"),
        ("/fhir/Goal?date=2026", "does not support the search parameter date"),
        ("/fhir/Patient?_format=xml", "JSON only"),
    ):
        response = http.get(url)
        assert response.status_code == 400, url
        outcome = response.json()
        reparse(outcome)
        assert words in outcome["issue"][0]["diagnostics"], url


def test_each_client_in_a_page_is_audited(alice, cleo, fhir):
    other = make_client(alice, given_name="Otto")
    before = AuditEvent.objects.count()
    fhir(alice).get("/fhir/Patient")
    events = AuditEvent.objects.order_by("id")[before:]
    assert {e.client_uuid for e in events if e.action == "fhir.search"} == {
        cleo.uuid,
        other.uuid,
    }


def test_queries_do_not_grow_with_the_page(alice, fhir):
    http = fhir(alice)
    make_client(alice, given_name="First")
    http.get("/fhir/Appointment")
    with CaptureQueriesContext(connection) as few:
        http.get("/fhir/EpisodeOfCare")
    for n in range(6):
        make_client(alice, given_name=f"More{n}")
    with CaptureQueriesContext(connection) as many:
        http.get("/fhir/EpisodeOfCare")
    # Only the audit events (one per client on the page) add queries.
    audit_queries = 6 * 4
    assert len(many) <= len(few) + audit_queries


HOSTILE = [
    "",
    "\x00",
    "x" * 10_000,
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "99999-01-01T00:00Z",
    "gt",
    "Patient/",
    "<script>alert(1)</script>",
]


def test_hostile_parameters_never_break_a_search(alice, record, fhir):
    http = fhir(alice)
    for kind, name in (
        ("Patient", "_count"),
        ("Patient", "_offset"),
        ("Patient", "_id"),
        ("Observation", "patient"),
        ("Observation", "date"),
        ("Observation", "_id"),
        ("Goal", "_lastUpdated"),
    ):
        for value in HOSTILE:
            response = http.get(f"/fhir/{kind}", {name: value})
            assert response.status_code in (200, 400), (kind, name, value[:20])
            reparse(response.json())
    for value in HOSTILE:
        response = http.get(
            "/fhir/$export", {"_since": value}, HTTP_PREFER="respond-async"
        )
        assert response.status_code == 400, value[:20]
