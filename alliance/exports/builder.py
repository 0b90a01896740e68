"""The contents of a record export: one ZIP with a readable summary
(``summary.html``), the FHIR Bundle (``fhir/bundle.json``, from
``alliance.fhir.search.client_bundle``) and one CSV per kind of record.

What each scope holds:

* the client's own copy and a subject access request copy: what the client is
  entitled to see of their record (GDPR Art. 15 and 20; HIPAA right of
  access): details, appointments, questionnaire answers and scores, goals and
  ratings, homework, check-ins, toolbox, messages, safety plan,
  relapse-prevention plan and shared ending summaries;
* a transfer of care adds the clinician's records: signed progress notes,
  intake sections, provisional diagnoses, treatment plans, and the requesting
  author's own process notes when they chose to include them.

Never written, in any scope: other authors' process notes, risk alerts and
their handling, clinical prompts, administrations' risk flags.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from alliance.clients.models import Client
from alliance.exports.models import RecordExport
from alliance.fhir.search import client_bundle

OWN_TYPES = [
    "Patient",
    "EpisodeOfCare",
    "Encounter",
    "Appointment",
    "Goal",
    "QuestionnaireResponse",
    "Observation",
    "Consent",
]
TRANSFER_TYPES = [*OWN_TYPES, "Condition", "CarePlan", "DocumentReference"]


@dataclass
class Section:
    name: str  # the CSV's file name, without .csv
    title: str
    headers: list[str]
    rows: list[list[Any]]


def _when(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _details(client: Client) -> Section:
    fields = [
        "given_name",
        "family_name",
        "preferred_name",
        "pronouns",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "emergency_contact_name",
        "emergency_contact_relationship",
        "emergency_contact_phone",
    ]
    return Section(
        "details",
        "Your details",
        fields,
        [[_when(getattr(client, f)) for f in fields]],
    )


def _appointments(client: Client) -> Section:
    from alliance.scheduling.models import Appointment

    rows = [
        [
            _when(a.starts_at),
            _when(a.ends_at),
            a.get_modality_display(),
            a.location,
            a.get_status_display(),
        ]
        for a in Appointment.objects.filter(client=client).order_by("starts_at", "pk")
    ]
    return Section(
        "appointments",
        "Appointments",
        ["starts_at", "ends_at", "modality", "location", "status"],
        rows,
    )


def _questionnaires(client: Client) -> Section:
    from alliance.measures.models import Administration

    rows = []
    for a in (
        Administration.objects.filter(client=client, submitted_at__isnull=False)
        .current()
        .order_by("taken_at", "pk")
    ):
        rows.append(
            [
                a.instrument,
                _when(a.taken_at),
                "" if a.total is None else a.total,
                a.band_label,
                a.answers,
            ]
        )
    return Section(
        "questionnaires",
        "Questionnaire answers and scores",
        ["questionnaire", "taken_at", "total", "band", "answers"],
        rows,
    )


GOAL_LEVELS = [
    "level_minus_2",
    "level_minus_1",
    "level_0",
    "level_plus_1",
    "level_plus_2",
]


def _goals(client: Client) -> Section:
    from alliance.plans.models import Goal

    rows = [
        [
            g.statement,
            g.client_words,
            *[getattr(g, f) for f in GOAL_LEVELS],
            _when(g.target_date),
            g.get_status_display(),
        ]
        for g in Goal.objects.filter(episode__client=client).order_by(
            "created_at", "pk"
        )
    ]
    return Section(
        "goals",
        "Goals",
        ["statement", "in_your_words", *GOAL_LEVELS, "target_date", "status"],
        rows,
    )


def _goal_ratings(client: Client) -> Section:
    from alliance.plans.models import GoalRating

    rows = [
        [r.goal.statement, r.level, _when(r.rated_at)]
        for r in GoalRating.objects.filter(goal__episode__client=client)
        .select_related("goal")
        .order_by("rated_at", "pk")
    ]
    return Section("goal_ratings", "Goal ratings", ["goal", "level", "rated_at"], rows)


def _homework(client: Client) -> Section:
    from alliance.homework.models import HomeworkAssignment

    rows = [
        [
            h.title,
            h.instructions,
            _when(h.starts_on),
            _when(h.due_date),
            h.get_status_display(),
        ]
        for h in HomeworkAssignment.objects.filter(client=client).order_by(
            "created_at", "pk"
        )
    ]
    return Section(
        "homework",
        "Homework",
        ["title", "instructions", "starts_on", "due_date", "status"],
        rows,
    )


def _homework_entries(client: Client) -> Section:
    from alliance.homework.models import HomeworkEntry

    rows = [
        [
            e.assignment.title,
            _when(e.for_date),
            e.get_status_display(),
            e.answers_json,
            e.comment,
            _when(e.submitted_at),
        ]
        for e in HomeworkEntry.objects.filter(assignment__client=client)
        .select_related("assignment")
        .order_by("for_date", "pk")
    ]
    return Section(
        "homework_entries",
        "Homework entries",
        ["homework", "for_date", "status", "answers", "comment", "submitted_at"],
        rows,
    )


def _checkins(client: Client) -> Section:
    from alliance.checkins.models import CheckIn

    rows = [
        [_when(c.created_at), c.mood, ", ".join(c.feelings or []), c.note]
        for c in CheckIn.objects.filter(client=client).order_by("created_at", "pk")
    ]
    return Section(
        "checkins", "Check-ins", ["created_at", "mood", "feelings", "note"], rows
    )


def _toolbox(client: Client) -> Section:
    from alliance.toolbox.models import CopingSkill

    rows = [
        [s.title, s.client_notes, _when(s.added_at), _when(s.archived_at)]
        for s in CopingSkill.objects.filter(client=client).order_by("added_at", "pk")
    ]
    return Section(
        "toolbox",
        "Coping toolbox",
        ["title", "your_notes", "added_at", "archived_at"],
        rows,
    )


def _messages(client: Client) -> Section:
    from alliance.messaging.models import Message

    rows = [
        [_when(m.sent_at), "you" if m.from_client else "practice", m.body]
        for m in Message.objects.filter(client=client).order_by("sent_at", "pk")
    ]
    return Section("messages", "Messages", ["sent_at", "from", "body"], rows)


SAFETY_FIELDS = [
    "warning_signs",
    "coping_strategies",
    "distractions",
    "people_to_ask",
    "professionals",
    "safe_environment",
    "reasons_for_living",
]
RELAPSE_FIELDS = [
    "warning_signs",
    "triggers",
    "coping_strategies",
    "supports",
    "self_care",
    "come_back",
]


def _document(plan: Any, fields: list[str]) -> list[list[Any]]:
    version = plan.current_version() if plan is not None else None
    if version is None:
        return []
    return [[_when(version.created_at), *[getattr(version, f) for f in fields]]]


def _safety_plan(client: Client) -> Section:
    from alliance.safety.models import SafetyPlan

    plan = SafetyPlan.objects.filter(client=client).first()
    return Section(
        "safety_plan",
        "Safety plan",
        ["updated_at", *SAFETY_FIELDS],
        _document(plan, SAFETY_FIELDS),
    )


def _relapse_plan(client: Client) -> Section:
    from alliance.termination.models import RelapsePreventionPlan

    plan = RelapsePreventionPlan.objects.filter(client=client).first()
    return Section(
        "relapse_prevention_plan",
        "Relapse-prevention plan",
        ["updated_at", *RELAPSE_FIELDS],
        _document(plan, RELAPSE_FIELDS),
    )


SUMMARY_FIELDS = [
    "client_concerns",
    "client_work",
    "client_progress",
    "client_skills",
    "client_watch",
    "client_next",
]


def _summaries(client: Client) -> Section:
    from alliance.termination.models import TerminationSummary

    rows = [
        [_when(s.shared_at), *[getattr(s, f) for f in SUMMARY_FIELDS]]
        for s in TerminationSummary.objects.filter(
            episode__client=client, shared_at__isnull=False
        ).order_by("shared_at", "pk")
    ]
    return Section(
        "shared_summaries",
        "Ending summaries shared with you",
        ["shared_at", *SUMMARY_FIELDS],
        rows,
    )


def _progress_notes(client: Client) -> Section:
    from alliance.notes.models import ProgressNote

    rows = [
        [
            _when(n.signed_at),
            str(n.author),
            n.structure,
            n.section_1,
            n.section_2,
            n.section_3,
            n.section_4,
            n.risk_level,
            n.risk_notes,
        ]
        for n in ProgressNote.objects.filter(
            episode__client=client, signed_at__isnull=False
        )
        .select_related("author")
        .order_by("signed_at", "pk")
    ]
    return Section(
        "progress_notes",
        "Progress notes (signed)",
        [
            "signed_at",
            "author",
            "structure",
            "section_1",
            "section_2",
            "section_3",
            "section_4",
            "risk_level",
            "risk_notes",
        ],
        rows,
    )


def _intake(client: Client) -> Section:
    from alliance.intake.models import IntakeSection

    rows = [
        [
            s.get_key_display(),
            s.text,
            s.hopes,
            s.history,
            s.protective_factors,
            s.risk_level,
            _when(s.updated_at),
        ]
        for s in IntakeSection.objects.filter(intake__episode__client=client).order_by(
            "intake__created_at", "pk"
        )
    ]
    return Section(
        "intake",
        "Intake",
        [
            "section",
            "text",
            "hopes",
            "history",
            "protective_factors",
            "risk_level",
            "updated_at",
        ],
        rows,
    )


def _treatment_plans(client: Client) -> Section:
    from alliance.plans.models import TreatmentPlanVersion

    rows = [
        [
            v.number,
            _when(v.created_at),
            v.problems,
            v.approach,
            json.dumps(v.interventions),
            v.session_frequency,
            v.frequency_note,
            v.expected_sessions,
            _when(v.next_review),
        ]
        for v in TreatmentPlanVersion.objects.filter(
            plan__episode__client=client
        ).order_by("created_at", "pk")
    ]
    return Section(
        "treatment_plans",
        "Treatment plans (every version)",
        [
            "version",
            "created_at",
            "problems",
            "approach",
            "interventions",
            "session_frequency",
            "frequency_note",
            "expected_sessions",
            "next_review",
        ],
        rows,
    )


def _process_notes(client: Client, author: Any) -> Section:
    from alliance.notes.models import ProcessNote

    rows = [
        [_when(n.session.held_at), str(n.author), n.text]
        for n in ProcessNote.objects.filter(session__client=client, author=author)
        .select_related("session", "author")
        .order_by("created_at", "pk")
    ]
    return Section(
        "process_notes",
        "Process notes (included by their author)",
        ["session", "author", "text"],
        rows,
    )


OWN_SECTIONS: list[Callable[[Client], Section]] = [
    _details,
    _appointments,
    _questionnaires,
    _goals,
    _goal_ratings,
    _homework,
    _homework_entries,
    _checkins,
    _toolbox,
    _messages,
    _safety_plan,
    _relapse_plan,
    _summaries,
]
TRANSFER_SECTIONS: list[Callable[[Client], Section]] = [
    _progress_notes,
    _intake,
    _treatment_plans,
]


def sections(export: RecordExport) -> list[Section]:
    found = [build(export.client) for build in OWN_SECTIONS]
    if export.scope == RecordExport.Scope.TRANSFER:
        found += [build(export.client) for build in TRANSFER_SECTIONS]
        if export.process_notes_of_id is not None:
            found.append(_process_notes(export.client, export.process_notes_of))
    return found


def _csv(section: Section) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(section.headers)
    writer.writerows(section.rows)
    return buffer.getvalue()


def build_zip(export: RecordExport, progress: Callable[[str], None]) -> bytes:
    """The ZIP's bytes; ``progress`` is told each step as it starts."""
    progress("Collecting your records")
    found = sections(export)
    types = TRANSFER_TYPES if export.scope == RecordExport.Scope.TRANSFER else OWN_TYPES
    progress("Writing the FHIR file")
    bundle = client_bundle(export.client, types)
    progress("Writing the summary")
    summary = render_to_string(
        "exports/summary.html",
        {
            "export": export,
            "client": export.client,
            "sections": found,
            "made_at": timezone.now(),
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", summary)
        archive.writestr("fhir/bundle.json", json.dumps(bundle, indent=1))
        for section in found:
            archive.writestr(f"csv/{section.name}.csv", _csv(section))
    return buffer.getvalue()


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode()
