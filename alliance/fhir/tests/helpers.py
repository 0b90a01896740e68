"""A client record with something of every exported kind, built through the
services, plus parsers that re-read resources with both FHIR libraries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

PROCESS_CANARY = "CANARY-PROCESS-NOTE-never-exported"
ALERT_CANARY = "CANARY-RISK-ALERT-never-exported"
PHQ9_ANSWERS = {"q1": 2, "q2": 3, "q3": 1, "q4": 2, "q5": 0, "q6": 1, "q7": 2, "q8": 1}
PHQ9_ANSWERS |= {"q9": 0, "q10": 1}


def full_record(client: Any, consent_text: Any) -> dict[str, Any]:
    """Intake with a diagnosis, consent, goal with a rating, plan, a held
    session with a signed note, a process note and an alert (both canaries),
    and a PHQ-9. Returns the objects by name."""
    from alliance.alerts.services import raise_alert
    from alliance.clients.services import record_consent, transition_episode
    from alliance.intake.services import complete_intake
    from alliance.intake.tests.helpers import ready, save
    from alliance.measures.services import record_administration
    from alliance.notes.services import save_process_note
    from alliance.notes.tests.helpers import signed
    from alliance.plans.services import rate_goal
    from alliance.plans.tests.helpers import make_goal, make_plan

    clinician = client.clinician
    intake = ready(client)
    save(
        intake,
        "diagnoses",
        diagnoses=[
            {
                "description": "Moderate depressive episode",
                "code_system": "icd10cm",
                "code": "F32.1",
            }
        ],
    )
    intake = complete_intake(intake, by=clinician)
    episode = intake.episode
    consent = record_consent(
        episode,
        consent_text=consent_text,
        method="signed_paper",
        given_at=timezone.now() - timedelta(days=3),
        by=clinician,
    )
    transition_episode(episode, "active", by=clinician, reason="Consent given")
    episode.refresh_from_db()
    goal = make_goal(episode)
    plan = make_plan(episode, [goal])
    note = signed(client, hours_ago=30)
    session = note.session
    rating = rate_goal(goal, 1, by=clinician, session=session)
    save_process_note(session, by=clinician, text=PROCESS_CANARY)
    alert = raise_alert(
        client, source="Test", summary=ALERT_CANARY, raised_by=clinician
    )
    phq9 = record_administration(episode, "phq9", dict(PHQ9_ANSWERS), by=clinician)
    return {
        "intake": intake,
        "episode": episode,
        "consent": consent,
        "goal": goal,
        "plan": plan,
        "note": note,
        "session": session,
        "rating": rating,
        "alert": alert,
        "phq9": phq9,
    }


def reparse(resource: dict[str, Any]) -> None:
    """Parse with fhir.resources (R4B models) and fhirclient (FHIR 4.0.1,
    strict): anything R4B- or R5-only, or malformed, raises."""
    from fhir.resources.R4B import get_fhir_model_class
    from fhirclient.models.fhirelementfactory import FHIRElementFactory

    kind = resource["resourceType"]
    get_fhir_model_class(kind).model_validate(resource)
    parsed = FHIRElementFactory.instantiate(kind, resource)
    assert parsed.resource_type == kind
