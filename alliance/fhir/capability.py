"""The CapabilityStatement served at ``/fhir/metadata``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alliance.fhir import codes, search

BULK_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
BULK_PATIENT_EXPORT = (
    "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"
)
EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
BULK_SERVER = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"


def _params(resource_type: str) -> list[dict[str, Any]]:
    found = [
        {"name": "_id", "type": "token"},
        {"name": "_lastUpdated", "type": "date"},
        {"name": "_count", "type": "number"},
    ]
    source = search.SOURCES.get(resource_type)
    if source is None:
        return found[:1] + found[2:]
    if source.has_patient and resource_type != "Patient":
        found.append({"name": "patient", "type": "reference"})
    if source.has_date:
        found.append({"name": "date", "type": "date"})
    return found


def capability_statement(base: str) -> dict[str, Any]:
    resources = []
    for resource_type in search.TYPES:
        entry: dict[str, Any] = {
            "type": resource_type,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": _params(resource_type),
        }
        if resource_type == "Patient":
            entry["operation"] = [
                {"name": "everything", "definition": EVERYTHING},
                {"name": "export", "definition": BULK_PATIENT_EXPORT},
            ]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": "Alliance",
        "kind": "instance",
        "instantiates": [BULK_SERVER],
        "software": {"name": "Alliance"},
        "implementation": {
            "description": "Alliance psychotherapy practice record (read-only FHIR R4)",
            "url": base.rstrip("/"),
        },
        "fhirVersion": codes.FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read-only. Every resource with client data is labelled "
                    "restricted (R) and mental-health sensitive (MH); process "
                    "notes and risk alerts are never served."
                ),
                "security": {
                    "description": (
                        "Signed-in session (two-factor) for now; personal API "
                        "tokens later. Access follows the practice's pages: a "
                        "clinician's caseload, a supervisor's and supervisees'."
                    )
                },
                "resource": resources,
                "operation": [{"name": "export", "definition": BULK_EXPORT}],
            }
        ],
    }
