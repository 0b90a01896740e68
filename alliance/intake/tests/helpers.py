"""Build intakes and questionnaires the way the app does: through the services."""

from __future__ import annotations

from typing import Any

from alliance.intake.models import Intake, IntakeSection

NO_RISK = {
    "current_self_harm_thoughts": "no",
    "current_harm_to_others_thoughts": "no",
    "history": "",
    "protective_factors": "Close to her sister; looking forward to a new job.",
    "risk_level": "low",
}

ANSWERS = {
    "what_brings_you": "I keep waking at 4am worrying about work.",
    "hopes": "To sleep again and stop dreading Mondays.",
    "prior_therapy": "Six sessions of CBT through my GP in 2019.",
    "current_supports": "My partner, and running club on Saturdays.",
}


def assess(client: Any) -> Any:
    """Move the client's open episode into assessment; returns the episode."""
    from alliance.clients.services import transition_episode

    episode = client.current_episode()
    transition_episode(
        episode, "assessment", by=client.clinician, reason="Assessment booked"
    )
    episode.refresh_from_db()
    return episode


def start(client: Any) -> Intake:
    from alliance.intake.services import start_intake

    episode = assess(client)
    return start_intake(episode, by=client.clinician)


def section(intake: Intake, key: str) -> IntakeSection:
    return IntakeSection.objects.get(intake=intake, key=key)


def save(intake: Intake, key: str, **fields: Any) -> IntakeSection:
    """Save a section at its current version, as the primary clinician."""
    from alliance.intake.services import save_section

    current = section(intake, key)
    return save_section(
        intake,
        key,
        by=intake.episode.client.clinician,
        version=current.version,
        **fields,
    )


def ready(client: Any, *, canary: str = "") -> Intake:
    """A draft intake with everything completion needs."""
    intake = start(client)
    save(intake, "presenting", text=f"Low mood since the move. {canary}".strip())
    save(intake, "risk", **NO_RISK)
    save(intake, "formulation", text="Loss of routine maintains low mood.")
    return intake


def completed(client: Any, *, canary: str = "") -> Intake:
    from alliance.intake.services import complete_intake

    intake = ready(client, canary=canary)
    return complete_intake(intake, by=client.clinician)


def send(client: Any, *, base_url: str = "http://testserver/") -> tuple[Any, str]:
    """Send the questionnaire for the open episode; returns (request, token)."""
    from alliance.intake.services import send_pre_intake

    pre, link = send_pre_intake(
        client.current_episode(), by=client.clinician, base_url=base_url
    )
    return pre, link.rstrip("/").rsplit("/", 1)[-1]


def answer(pre: Any, **overrides: Any) -> Any:
    from alliance.intake.services import submit_pre_intake

    fields = {**ANSWERS, "contact_unchanged": True, **overrides}
    return submit_pre_intake(pre, **fields)
