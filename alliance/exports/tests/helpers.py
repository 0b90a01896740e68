"""A client record with something in every section of the export, built
through the services (FHIR's full record plus the portal's own kinds)."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from typing import Any

SKILL_CANARY = "Walk round the park CANARY-TOOLBOX"
MESSAGE_CANARY = "Hello from Cleo CANARY-MESSAGE"
CHECKIN_CANARY = "Slept better CANARY-CHECKIN"
SUMMARY_TEXT = "Keep the Sunday walks going."


def seeded_record(client: Any, consent_text: Any) -> dict[str, Any]:
    from alliance.checkins.services import record_checkin
    from alliance.fhir.tests.helpers import full_record
    from alliance.homework.tests.helpers import one_off
    from alliance.messaging.services import send_message
    from alliance.safety.tests.helpers import write_plan as write_safety_plan
    from alliance.termination.services import (
        assemble_summary,
        finalise_summary,
        save_summary,
        share_summary,
    )
    from alliance.termination.tests.helpers import move
    from alliance.termination.tests.helpers import write_plan as write_relapse_plan
    from alliance.toolbox.services import add_own_skill

    found = full_record(client, consent_text)
    found["homework"] = one_off(client)
    found["checkin"] = record_checkin(
        client,
        mood=6,
        feelings=[],
        note=CHECKIN_CANARY,
        safety_concern=False,
        submission_key=uuid.uuid4(),
        by=client.user,
    )
    found["skill"] = add_own_skill(
        client, title=SKILL_CANARY, notes="After work", by=client.clinician
    )
    found["message"] = send_message(client, MESSAGE_CANARY, by=client.user)
    found["safety_plan"] = write_safety_plan(client)
    # The relapse-prevention plan and the shared summary belong to the ending.
    episode = move(client.current_episode(), "termination")
    found["relapse_plan"] = write_relapse_plan(client)
    summary = assemble_summary(episode, by=client.clinician)
    summary = save_summary(
        summary, by=client.clinician, version=summary.version, client_next=SUMMARY_TEXT
    )
    summary = finalise_summary(summary, by=client.clinician)
    found["summary"] = share_summary(summary, by=client.clinician)
    return found


def open_zip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def csv_rows(files: dict[str, str], name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(files[f"csv/{name}.csv"])))


def bundle(files: dict[str, str]) -> dict[str, Any]:
    return json.loads(files["fhir/bundle.json"])
