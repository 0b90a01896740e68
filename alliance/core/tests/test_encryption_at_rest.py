"""Clinical free text never reaches the database as plaintext (issue: "a test
reads the raw database and finds no plaintext")."""

from __future__ import annotations

import uuid

from django.db import connection

from alliance.alerts.models import DutyAccess, RiskAlert
from alliance.alerts.services import acknowledge_alert, raise_alert
from alliance.clients.models import EpisodeTransition
from alliance.clients.services import change_primary_clinician, transition_episode
from conftest import make_client

CANARIES = {
    "referral": "CANARY-REFERRAL-b41f",
    "opened": "CANARY-OPENED-77c2",
    "transition": "CANARY-TRANSITION-9e0d",
    "summary": "CANARY-ALERT-SUMMARY-3a5b",
    "action": "CANARY-ACTION-TAKEN-c6e8",
    "clinician_change": "CANARY-CLINICIAN-CHANGE-5d21",
    "duty_reason": "CANARY-DUTY-REASON-5d1f",
}


def _every_stored_value() -> list[tuple[str, object]]:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            for row in cursor.fetchall():
                values.extend((table, value) for value in row)
    return values


def test_it_stores_no_clinical_text_in_plaintext(alice, bob, ada):
    client = make_client(
        alice,
        given_name="Rowan",
        referral_reason=f"Worry about work ({CANARIES['referral']})",
        open_episode_reason=CANARIES["opened"],
    )
    episode = client.current_episode()
    transition_episode(
        episode, "assessment", by=alice, reason=f"Seen ({CANARIES['transition']})"
    )
    alert = raise_alert(
        client,
        source="Session risk check",
        summary=f"Passive thoughts ({CANARIES['summary']})",
        raised_by=alice,
    )
    DutyAccess.objects.create(
        alert=alert,
        user=alice,
        reason=f"On duty ({CANARIES['duty_reason']})",
        expires_at=alert.raised_at,
    )
    acknowledge_alert(alert, by=alice, action_taken=f"Called ({CANARIES['action']})")
    change = change_primary_clinician(
        client, to=bob, by=ada, reason=f"Leaving ({CANARIES['clinician_change']})"
    )

    stored = _every_stored_value()
    texts = [(t, v) for t, v in stored if isinstance(v, str | bytes | memoryview)]
    # The scan does see plain columns: the given name is stored as typed.
    assert ("clients_client", "Rowan") in texts
    for canary in CANARIES.values():
        found = [
            table
            for table, value in texts
            if canary
            in (value if isinstance(value, str) else bytes(value).decode("latin-1"))
        ]
        assert found == [], f"{canary} is stored in plaintext in {found}"
    # The encrypted columns hold ciphertext, and the models still read plaintext.
    assert any(isinstance(v, str) and v.startswith("v1:k1:") for _, v in texts)
    client.refresh_from_db()
    assert client.referral_reason == f"Worry about work ({CANARIES['referral']})"
    reasons = [t.reason for t in EpisodeTransition.objects.filter(episode=episode)]
    assert reasons == [CANARIES["opened"], f"Seen ({CANARIES['transition']})"]
    alert = RiskAlert.objects.get(pk=alert.pk)
    assert alert.summary == f"Passive thoughts ({CANARIES['summary']})"
    assert alert.action_taken == f"Called ({CANARIES['action']})"
    change.refresh_from_db()
    assert change.reason == f"Leaving ({CANARIES['clinician_change']})"


TITLE_CANARIES = {
    "homework": "CANARY-HOMEWORK-TITLE-5d1a",
    "skill": "CANARY-SKILL-TITLE-e27c",
    "library_skill_notes": "CANARY-SKILL-NOTES-0b93",
}


def _plaintext_tables(canary: str) -> list[str]:
    return [
        table
        for table, value in _every_stored_value()
        if isinstance(value, str | bytes | memoryview)
        and canary
        in (value if isinstance(value, str) else bytes(value).decode("latin-1"))
    ]


def test_it_stores_homework_and_coping_skill_titles_encrypted(cleo):
    from alliance.homework.models import HomeworkAssignment
    from alliance.homework.services import assign_homework
    from alliance.toolbox.models import CopingSkill
    from alliance.toolbox.services import add_own_skill

    assignment = assign_homework(
        cleo.current_episode(),
        by=cleo.clinician,
        template="sf_scaling",
        title=f"Scale ({TITLE_CANARIES['homework']})",
        instructions="Notice what helps.",
        recurrence="daily",
    )
    skill = add_own_skill(
        cleo,
        title=f"Call the crisis line when ({TITLE_CANARIES['skill']})",
        notes=TITLE_CANARIES["library_skill_notes"],
        by=cleo.user,
    )
    for canary in TITLE_CANARIES.values():
        assert _plaintext_tables(canary) == [], f"{canary} is stored in plaintext"
    assert HomeworkAssignment.objects.get(pk=assignment.pk).title == (
        f"Scale ({TITLE_CANARIES['homework']})"
    )
    assert CopingSkill.objects.get(pk=skill.pk).title == (
        f"Call the crisis line when ({TITLE_CANARIES['skill']})"
    )


def test_the_migration_seals_titles_stored_in_plaintext(cleo):
    from django.apps import apps

    from alliance.core.fields import decrypt_existing_rows, encrypt_existing_rows
    from alliance.toolbox.models import CopingSkill
    from alliance.toolbox.services import add_own_skill

    skill = add_own_skill(cleo, title="Walk the dog", notes="", by=cleo.user)
    # As before the migration: the title in plaintext.
    decrypt_existing_rows(CopingSkill, "title")
    assert _plaintext_tables("Walk the dog") == ["toolbox_copingskill"]
    historical = apps.get_model("toolbox", "CopingSkill")
    assert encrypt_existing_rows(historical, "title") == 1
    assert encrypt_existing_rows(historical, "title") == 0  # a re-run is harmless
    assert _plaintext_tables("Walk the dog") == []
    assert CopingSkill.objects.get(pk=skill.pk).title == "Walk the dog"


def _raw_column(model, field_name: str) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _assert_sealed(model, field_name: str) -> None:
    from alliance.core import crypto

    values = _raw_column(model, field_name)
    assert values, f"no {model.__name__} rows"
    for value in values:
        assert isinstance(value, str), f"{model.__name__}.{field_name}: {value!r}"
        assert value.startswith("v1:"), f"{model.__name__}.{field_name}: {value!r}"
        crypto.key_id_of(value)


def test_it_stores_risk_indicators_encrypted(cleo, alice):
    """A stolen database must not show who is at risk without the key."""
    from django.utils import timezone

    from alliance.checkins.models import CheckIn
    from alliance.intake.models import Intake, IntakeSection
    from alliance.measures.models import Administration
    from alliance.notes.models import ProgressNote
    from alliance.notes.tests.helpers import start

    episode = cleo.current_episode()
    intake = Intake.objects.create(episode=episode, created_by=alice)
    IntakeSection.objects.create(
        intake=intake,
        key=IntakeSection.Key.RISK,
        current_self_harm_thoughts="yes",
        current_harm_to_others_thoughts="no",
        risk_level="high",
    )
    note = start(cleo).progress_note
    note.risk_level = ProgressNote.RiskLevel.NONE
    note.save()
    CheckIn.objects.create(
        client=cleo,
        mood=2,
        safety_concern=True,
        submission_key=uuid.uuid4(),
        created_at=timezone.now(),
    )
    Administration.objects.create(
        episode=episode,
        client=cleo,
        instrument="phq9",
        instrument_version="1",
        mode="portal",
        risk=True,
    )
    raise_alert(cleo, source="PHQ-9 item 9", summary="Answered item 9", severity="high")

    for model, name in [
        (IntakeSection, "current_self_harm_thoughts"),
        (IntakeSection, "current_harm_to_others_thoughts"),
        (IntakeSection, "risk_level"),
        (ProgressNote, "risk_level"),
        (CheckIn, "safety_concern"),
        (Administration, "risk"),
        (RiskAlert, "source"),
    ]:
        _assert_sealed(model, name)

    # And the models still read them, typed as before.
    section = IntakeSection.objects.get(intake=intake)
    assert section.current_self_harm_thoughts == "yes"
    assert section.get_risk_level_display() == "High"
    assert ProgressNote.objects.get(pk=note.pk).risk_level == "none"
    assert CheckIn.objects.get().safety_concern is True
    assert Administration.objects.get().risk is True
    alert = RiskAlert.objects.get()
    assert (alert.source, alert.severity) == ("PHQ-9 item 9", "high")
    assert alert.get_severity_display() == "High"


def test_the_migration_seals_former_boolean_columns(cleo):
    from alliance.checkins.models import CheckIn
    from alliance.core.fields import encrypt_existing_rows

    checkins = []
    for answer in (True, False):
        checkins.append(
            CheckIn.objects.create(
                client=cleo, mood=5, safety_concern=answer, submission_key=uuid.uuid4()
            )
        )
    # As the column type change leaves them: "1"/"0" (SQLite), "true"/"false".
    CheckIn.objects.filter(pk=checkins[0].pk).update(safety_concern="1")
    CheckIn.objects.filter(pk=checkins[1].pk).update(safety_concern="false")
    assert encrypt_existing_rows(CheckIn, "safety_concern", boolean=True) == 2
    _assert_sealed(CheckIn, "safety_concern")
    assert [CheckIn.objects.get(pk=c.pk).safety_concern for c in checkins] == [
        True,
        False,
    ]
