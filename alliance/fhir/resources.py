"""Alliance records as FHIR R4 resources (plain dicts in FHIR JSON shape).

One function per resource type, each taking the model row(s) it maps and
returning the resource. Nothing here decides access or reads the request:
``search.py`` picks the rows a user may see and ``views.py`` answers.

Never mapped, by design (docs/fhir.md "What is withheld"): psychotherapy
process notes, risk alerts and everything about them (an administration's
``risk_alerts``, a progress note's risk check), duty-access reasons, intake
narrative sections and the audit log.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from django.conf import settings
from fhir.resources.R4B import get_fhir_model_class

from alliance.accounts.models import Practice, User
from alliance.clients.models import Client, Consent, Episode
from alliance.fhir import codes
from alliance.intake.models import ProvisionalDiagnosis
from alliance.measures.engine import TEXT, Instrument, get_instrument
from alliance.measures.models import Administration
from alliance.notes.models import ProgressNote, TherapySession
from alliance.plans.models import LEVELS, Goal, GoalRating, TreatmentPlan
from alliance.scheduling.models import Appointment

Resource = dict[str, Any]


def canonical_base() -> str:
    """The base of canonical URLs (Questionnaire.url): SITE_URL + /fhir."""
    return settings.SITE_URL.rstrip("/") + "/fhir"


def instant(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def ref(kind: str, ident: Any, display: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"reference": f"{kind}/{ident}"}
    if display:
        found["display"] = display
    return found


def _meta(updated: datetime | None, *, clinical: bool = True, **extra: Any) -> Resource:
    meta: Resource = {}
    if updated is not None:
        meta["lastUpdated"] = instant(updated)
    if clinical:
        meta["security"] = codes.security()
    meta.update(extra)
    return meta


def patient_ref(client: Client) -> dict[str, Any]:
    return ref("Patient", client.uuid)


def practitioner_ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    if user.role == User.Role.CLIENT:
        return None
    return ref("Practitioner", user.uuid, user.full_name)


def _drop_empty(resource: Resource) -> Resource:
    """Leave out keys whose value is None, "" or an empty list/dict: FHIR
    forbids empty elements."""
    cleaned: Resource = {}
    for key, value in resource.items():
        if isinstance(value, dict):
            value = _drop_empty(value)
        elif isinstance(value, list):
            value = [_drop_empty(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in (None, "", {}, [])]
        if value in (None, "", {}, []):
            continue
        cleaned[key] = value
    return cleaned


def _resource(resource: Resource) -> Resource:
    """The resource without empty elements, built into fhir.resources' R4B
    model (which refuses anything malformed) and dumped back as FHIR JSON."""
    cleaned = _drop_empty(resource)
    model = get_fhir_model_class(cleaned["resourceType"]).model_validate(cleaned)
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


# --- people and the practice ---------------------------------------------------


def organization(practice: Practice) -> Resource:
    lines = [line.strip() for line in practice.letterhead.splitlines() if line.strip()]
    return _resource(
        {
            "resourceType": "Organization",
            "id": str(practice.uuid),
            "meta": _meta(None, clinical=False),
            "active": True,
            "name": practice.name,
            "address": [{"text": ", ".join(lines)}] if lines else [],
        }
    )


def practitioner(user: User) -> Resource:
    return _resource(
        {
            "resourceType": "Practitioner",
            "id": str(user.uuid),
            "meta": _meta(None, clinical=False),
            "active": user.is_active,
            "name": [{"text": user.full_name}],
            "qualification": (
                [{"code": {"text": user.credentials}}] if user.credentials else []
            ),
        }
    )


def patient(client: Client) -> Resource:
    telecom = []
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    names = [
        {"use": "official", "family": client.family_name, "given": [client.given_name]}
    ]
    if client.preferred_name:
        names.append({"use": "usual", "given": [client.preferred_name]})
    contact = []
    if client.emergency_contact_name:
        contact.append(
            {
                "relationship": [{"text": client.emergency_contact_relationship}]
                if client.emergency_contact_relationship
                else [],
                "name": {"text": client.emergency_contact_name},
                "telecom": [
                    {"system": "phone", "value": client.emergency_contact_phone}
                ]
                if client.emergency_contact_phone
                else [],
            }
        )
    return _resource(
        {
            "resourceType": "Patient",
            "id": str(client.uuid),
            "meta": _meta(client.created_at),
            "active": True,
            "name": names,
            "telecom": telecom,
            "birthDate": day(client.date_of_birth),
            "address": [{"text": client.address}] if client.address.strip() else [],
            "contact": contact,
            "generalPractitioner": [practitioner_ref(client.clinician)],
            "managingOrganization": ref("Organization", client.practice.uuid),
        }
    )


# --- the course of care ------------------------------------------------------------

EPISODE_STATUS: dict[str, str] = {
    Episode.Phase.REFERRAL: "waitlist",
    Episode.Phase.ASSESSMENT: "active",
    Episode.Phase.ACTIVE: "active",
    Episode.Phase.TERMINATION: "active",
    Episode.Phase.AFTERCARE: "active",
    Episode.Phase.CLOSED: "finished",
}


def episode_of_care(episode: Episode) -> Resource:
    return _resource(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(episode.uuid),
            "meta": _meta(episode.closed_at or episode.opened_at),
            "status": EPISODE_STATUS[episode.phase],
            # No code system carries Alliance's phases; the phase is the text.
            "type": [{"text": f"Psychotherapy: {episode.get_phase_display()}"}],
            "patient": patient_ref(episode.client),
            "managingOrganization": ref("Organization", episode.client.practice.uuid),
            "period": {
                "start": instant(episode.opened_at),
                "end": instant(episode.closed_at),
            },
            "careManager": practitioner_ref(episode.clinician),
        }
    )


ENCOUNTER_CLASS: dict[str, tuple[str, str]] = {
    # v3-ActCode encounter classes (R4 Encounter.class, extensible binding).
    Appointment.Modality.IN_PERSON: ("AMB", "ambulatory"),
    Appointment.Modality.VIDEO: ("VR", "virtual"),
    Appointment.Modality.PHONE: ("VR", "virtual"),
}


def encounter(session: TherapySession) -> Resource:
    appointment = session.appointment
    code, display = ENCOUNTER_CLASS[appointment.modality]
    return _resource(
        {
            "resourceType": "Encounter",
            "id": str(session.uuid),
            "meta": _meta(session.created_at),
            "status": "finished",
            "class": codes.coding(codes.ACT_ENCOUNTER, code, display),
            "type": [
                {
                    "text": f"Psychotherapy session ({appointment.get_modality_display().lower()})"
                }
            ],
            "subject": patient_ref(session.client),
            "episodeOfCare": [ref("EpisodeOfCare", session.episode.uuid)],
            "participant": [{"individual": practitioner_ref(session.clinician)}],
            "appointment": [ref("Appointment", appointment.uuid)],
            "period": {
                "start": instant(appointment.starts_at),
                "end": instant(appointment.ends_at),
            },
            "serviceProvider": ref("Organization", session.client.practice.uuid),
        }
    )


APPOINTMENT_STATUS: dict[str, str] = {
    Appointment.Status.BOOKED: "booked",
    Appointment.Status.HELD: "fulfilled",
    Appointment.Status.CANCELLED: "cancelled",
    # FHIR has no late-cancelled status; cancelationReason is not exported.
    Appointment.Status.LATE_CANCELLED: "cancelled",
    Appointment.Status.NO_SHOW: "noshow",
}


def appointment(item: Appointment) -> Resource:
    return _resource(
        {
            "resourceType": "Appointment",
            "id": str(item.uuid),
            "meta": _meta(item.created_at),
            "status": APPOINTMENT_STATUS[item.status],
            "serviceType": [{"text": "Psychotherapy"}],
            "description": item.get_modality_display(),
            "start": instant(item.starts_at),
            "end": instant(item.ends_at),
            "minutesDuration": item.duration_minutes,
            "created": day(item.created_at.date()),
            "participant": [
                {"actor": patient_ref(item.client), "status": "accepted"},
                {"actor": practitioner_ref(item.clinician), "status": "accepted"},
            ],
        }
    )


def condition(diagnosis: ProvisionalDiagnosis) -> Resource:
    intake = diagnosis.intake
    episode = intake.episode
    coding = []
    if diagnosis.code_system == ProvisionalDiagnosis.CodeSystem.ICD10CM:
        coding.append(codes.coding(codes.ICD10CM, diagnosis.code))
    elif diagnosis.code_system == ProvisionalDiagnosis.CodeSystem.ICD11:
        coding.append(codes.coding(codes.ICD11, diagnosis.code))
    return _resource(
        {
            "resourceType": "Condition",
            "id": str(diagnosis.uuid),
            "meta": _meta(intake.completed_at or intake.created_at),
            "clinicalStatus": codes.concept(
                codes.CONDITION_CLINICAL,
                "active" if episode.is_open else "inactive",
            ),
            "verificationStatus": codes.concept(
                codes.CONDITION_VERIFICATION, "provisional", "Provisional"
            ),
            "category": [
                codes.concept(
                    codes.CONDITION_CATEGORY,
                    "encounter-diagnosis",
                    "Encounter Diagnosis",
                )
            ],
            "code": {"coding": coding, "text": diagnosis.description or diagnosis.code},
            "subject": patient_ref(episode.client),
            "recordedDate": instant(intake.completed_at or intake.created_at),
            "recorder": practitioner_ref(intake.completed_by or intake.created_by),
        }
    )


# --- goals and the treatment plan ----------------------------------------------------

GOAL_LIFECYCLE: dict[str, str] = {
    Goal.Status.ACTIVE: "active",
    Goal.Status.ACHIEVED: "completed",
    Goal.Status.DROPPED: "cancelled",
}


def goal(item: Goal) -> Resource:
    scaling = []
    for level, _, _ in reversed(LEVELS):
        code, display = codes.GAS_ANSWERS[level]
        scaling.append(
            {
                "url": codes.PCO_GAS_EXTENSION,
                "extension": [
                    {
                        "url": "level",
                        "valueCoding": codes.coding(codes.LOINC, code, display),
                    },
                    {"url": "text", "valueString": item.level_text(level)},
                ],
            }
        )
    achievement = None
    if item.status == Goal.Status.ACHIEVED:
        achievement = codes.concept(codes.GOAL_ACHIEVEMENT, "achieved", "Achieved")
    elif item.status == Goal.Status.ACTIVE:
        achievement = codes.concept(
            codes.GOAL_ACHIEVEMENT, "in-progress", "In Progress"
        )
    reported, reported_display = codes.GAS_REPORTED
    return _resource(
        {
            "resourceType": "Goal",
            "id": str(item.uuid),
            "meta": _meta(
                item.status_at or item.created_at, profile=[codes.PCO_GAS_GOAL_PROFILE]
            ),
            "extension": scaling,
            "lifecycleStatus": GOAL_LIFECYCLE[item.status],
            "achievementStatus": achievement,
            "description": {"text": item.statement},
            "subject": patient_ref(item.episode.client),
            "startDate": day(item.created_at.date()),
            "target": [
                {
                    "measure": codes.concept(codes.LOINC, reported, reported_display),
                    "dueDate": day(item.target_date),
                }
            ],
            "statusDate": day(item.status_at.date()) if item.status_at else None,
            "expressedBy": patient_ref(item.episode.client),
            "note": [{"text": f"In the client's words: {item.client_words}"}]
            if item.client_words.strip()
            else [],
        }
    )


def gas_observation_id(rating: GoalRating) -> str:
    return f"gas-{rating.uuid}"


def gas_observation(rating: GoalRating) -> Resource:
    by_client = rating.rated_by.role == User.Role.CLIENT
    code, display = codes.GAS_PATIENT if by_client else codes.GAS_PRACTITIONER
    answer, answer_display = codes.GAS_ANSWERS[rating.level]
    client = rating.goal.episode.client
    performer = patient_ref(client) if by_client else practitioner_ref(rating.rated_by)
    return _resource(
        {
            "resourceType": "Observation",
            "id": gas_observation_id(rating),
            "meta": _meta(rating.rated_at, profile=[codes.PCO_GAS_SCORE_PROFILE]),
            "status": "final",
            "category": [codes.concept(codes.OBSERVATION_CATEGORY, "survey", "Survey")],
            "code": codes.concept(codes.LOINC, code, display),
            "subject": patient_ref(client),
            "focus": [ref("Goal", rating.goal.uuid)],
            "encounter": ref("Encounter", rating.session.uuid)  # type: ignore[union-attr]  # guarded by session_id below
            if rating.session_id
            else None,
            "effectiveDateTime": instant(rating.effective_at),
            "performer": [performer],
            "valueCodeableConcept": codes.concept(codes.LOINC, answer, answer_display),
        }
    )


def care_plan(plan: TreatmentPlan) -> Resource:
    version = plan.current
    episode = plan.episode
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": str(plan.uuid),
        "meta": _meta(version.created_at if version else plan.created_at),
        "status": "active" if episode.is_open else "completed",
        "intent": "plan",
        "title": "Treatment plan",
        "subject": patient_ref(episode.client),
        "created": instant(plan.created_at),
        "author": practitioner_ref(version.created_by if version else plan.created_by),
    }
    if version is not None:
        resource.update(
            {
                "title": f"Treatment plan, version {version.number}",
                "description": version.problems,
                "period": {"start": day(version.created_at.date())},
                "goal": [ref("Goal", g.uuid) for g in version.goals.all()],
                "activity": [
                    {
                        "detail": {
                            "kind": "ServiceRequest",
                            "code": {"text": name},
                            "status": "in-progress" if episode.is_open else "completed",
                            "description": approach or name,
                        }
                    }
                    for _, name, approach in version.intervention_list()
                ],
                "note": [
                    {
                        "text": (
                            f"Approach: {version.get_approach_display()}. "
                            f"Sessions: {version.frequency_text}, about "
                            f"{version.expected_sessions}. Next review "
                            f"{version.next_review.isoformat()}."
                        )
                    }
                ],
            }
        )
    return _resource(resource)


# --- instruments, answers and scores ----------------------------------------------------


def questionnaire_id(code: str) -> str:
    """A FHIR id (letters, digits, "-" and ".") for an instrument code."""
    return code.replace("_", "-")


def questionnaire_url(instrument: Instrument) -> str:
    return f"{canonical_base()}/Questionnaire/{questionnaire_id(instrument.code)}"


def _option_coding(instrument: Instrument, item_options: Any, option: Any) -> dict:
    if option.code:
        return codes.coding(codes.LOINC, option.code, option.label)
    system = f"{questionnaire_url(instrument)}/answers"
    return codes.coding(system, str(option.value), option.label)


def questionnaire(instrument: Instrument) -> Resource:
    items: list[Resource] = []
    if instrument.instructions:
        items.append(
            {
                "linkId": "instructions",
                "type": "display",
                "text": instrument.instructions,
            }
        )
    for item in instrument.items:
        entry: Resource = {
            "linkId": item.key,
            "prefix": str(item.number),
            "text": item.display,
            "type": "text" if item.kind == TEXT else "choice",
            "required": item.required,
            "code": [codes.coding(codes.LOINC, item.loinc)] if item.loinc else [],
        }
        if item.kind != TEXT:
            entry["answerOption"] = [
                {
                    "valueCoding": {
                        **_option_coding(instrument, item.options, option),
                        "extension": [
                            {"url": codes.ORDINAL_VALUE, "valueDecimal": option.value}
                        ],
                    }
                }
                for option in item.options
            ]
        items.append(entry)
    return _resource(
        {
            "resourceType": "Questionnaire",
            "id": questionnaire_id(instrument.code),
            "meta": _meta(None, clinical=False),
            "url": questionnaire_url(instrument),
            "version": instrument.version,
            "name": questionnaire_id(instrument.code).replace("-", "_").upper(),
            "title": instrument.name,
            "status": "retired" if instrument.retired else "active",
            "subjectType": ["Patient"],
            "code": [codes.coding(codes.LOINC, instrument.loinc, instrument.name)]
            if instrument.loinc
            else [],
            "copyright": " ".join(
                part for part in (instrument.attribution, instrument.licence) if part
            ),
            "item": items,
        }
    )


def _instrument_of(administration: Administration) -> Instrument | None:
    try:
        return get_instrument(
            administration.instrument, administration.instrument_version
        )
    except KeyError:
        return None


def _answer_value(instrument: Instrument | None, key: str, value: Any) -> Resource:
    if instrument is None:
        return {"valueString": str(value)}
    try:
        item = instrument.item(key)
    except KeyError:
        return {"valueString": str(value)}
    if item.kind == TEXT:
        return {"valueString": str(value)}
    for option in item.options:
        if option.value == value:
            return {"valueCoding": _option_coding(instrument, item.options, option)}
    return {"valueString": str(value)}


def _source_and_author(administration: Administration) -> tuple[dict, dict | None]:
    client = administration.client
    if administration.entered_by_id:
        return patient_ref(client), practitioner_ref(administration.entered_by)
    return patient_ref(client), patient_ref(client)


def questionnaire_response(administration: Administration) -> Resource:
    instrument = _instrument_of(administration)
    answers = administration.answer_dict()
    order = [item.key for item in instrument.items] if instrument else sorted(answers)
    source, author = _source_and_author(administration)
    url = (
        f"{questionnaire_url(instrument)}|{instrument.version}"
        if instrument
        else f"{canonical_base()}/Questionnaire/{questionnaire_id(administration.instrument)}"
    )
    items = []
    for key in order:
        if key not in answers or answers[key] in (None, ""):
            continue
        entry: Resource = {
            "linkId": key,
            "answer": [_answer_value(instrument, key, answers[key])],
        }
        if instrument is not None:
            entry["text"] = instrument.item(key).display
        items.append(entry)
    return _resource(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(administration.uuid),
            "meta": _meta(administration.submitted_at or administration.saved_at),
            "questionnaire": url,
            "status": "amended" if administration.corrects_id else "completed",
            "subject": patient_ref(administration.client),
            "authored": instant(administration.taken_at or administration.submitted_at),
            "author": author,
            "source": source,
            "item": items,
        }
    )


def observation_ids(administration: Administration) -> tuple[str, str]:
    """(panel id, total id)."""
    return str(administration.uuid), f"{administration.uuid.hex}-total"


def item_observation_id(administration: Administration, key: str) -> str:
    return f"{administration.uuid.hex}-{key.replace('_', '-')}"[:64]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def observations(administration: Administration) -> list[Resource]:
    """The US Core screening-assessment shape: one Observation per answered
    item, one for the total, and a panel whose hasMember lists them all,
    each derivedFrom the QuestionnaireResponse."""
    instrument = _instrument_of(administration)
    client = administration.client
    answers = administration.answer_dict()
    when = instant(administration.taken_at or administration.submitted_at)
    updated = administration.submitted_at or administration.saved_at
    name = instrument.name if instrument else administration.instrument
    _, performer = _source_and_author(administration)
    base: Resource = {
        "resourceType": "Observation",
        "status": "amended" if administration.corrects_id else "final",
        "category": [codes.concept(codes.OBSERVATION_CATEGORY, "survey", "Survey")],
        "subject": patient_ref(client),
        "effectiveDateTime": when,
        "performer": [performer],
        "derivedFrom": [ref("QuestionnaireResponse", administration.uuid)],
    }

    def meta() -> Resource:
        return _meta(updated, profile=[codes.SCREENING_PROFILE])

    members: list[Resource] = []
    found: list[Resource] = []
    if instrument is not None:
        for item in instrument.items:
            if item.key not in answers or answers[item.key] in (None, ""):
                continue
            ident = item_observation_id(administration, item.key)
            code = (
                {
                    "coding": [codes.coding(codes.LOINC, item.loinc)],
                    "text": item.display,
                }
                if item.loinc
                else {"text": f"{instrument.short_name}: {item.display}"}
            )
            value = _answer_value(instrument, item.key, answers[item.key])
            value_key = (
                "valueCodeableConcept" if "valueCoding" in value else "valueString"
            )
            if value_key == "valueCodeableConcept":
                coding = value["valueCoding"]
                value = {"coding": [coding], "text": coding.get("display", "")}
            else:
                value = value["valueString"]
            found.append(
                _resource(
                    {
                        **base,
                        "id": ident,
                        "meta": meta(),
                        "code": code,
                        value_key: value,
                    }
                )
            )
            members.append(ref("Observation", ident))
    panel_id, total_id = observation_ids(administration)
    if administration.total is not None:
        code = (
            {
                "coding": [
                    codes.coding(
                        codes.LOINC, instrument.total_loinc, f"{name} total score"
                    )
                ],
                "text": f"{name} total score",
            }
            if instrument and instrument.total_loinc
            else {"text": f"{name} total score"}
        )
        total: Resource = {
            **base,
            "id": total_id,
            "meta": meta(),
            "code": code,
            "valueQuantity": {
                "value": _number(administration.total),
                "unit": "{score}",
                "system": codes.UCUM,
                "code": "{score}",
            },
        }
        if administration.band_label:
            total["interpretation"] = [{"text": administration.band_label}]
        found.append(_resource(total))
        members.append(ref("Observation", total_id))
    panel_code = (
        {"coding": [codes.coding(codes.LOINC, instrument.loinc, name)], "text": name}
        if instrument and instrument.loinc
        else {"text": name}
    )
    panel = _resource(
        {
            **base,
            "id": panel_id,
            "meta": meta(),
            "code": panel_code,
            "hasMember": members,
        }
    )
    return [panel, *found]


# --- notes and consent ---------------------------------------------------------------------


def note_text(note: ProgressNote) -> str:
    """The signed note's sections and addenda as plain text. The risk check
    (level and notes) is left out: risk details are never exported."""
    parts = [f"{label}\n{text}" for _, label, _, text in note.sections()]
    for addendum in note.addenda.all():
        parts.append(
            f"Addendum ({addendum.created_at:%Y-%m-%d}, {addendum.author})\n{addendum.text}"
        )
    return "\n\n".join(parts)


def document_reference(note: ProgressNote) -> Resource:
    session = note.session
    code, display = codes.PROGRESS_NOTE
    data = base64.b64encode(note_text(note).encode()).decode()
    authenticators = note.cosigned_by or note.signed_by
    return _resource(
        {
            "resourceType": "DocumentReference",
            "id": str(note.uuid),
            "meta": _meta(note.cosigned_at or note.signed_at),
            "status": "current",
            "docStatus": "final",
            "type": codes.concept(codes.LOINC, code, display),
            "category": [
                codes.concept(
                    codes.US_CORE_DOC_CATEGORY, "clinical-note", "Clinical Note"
                )
            ],
            "subject": patient_ref(session.client),
            "date": instant(note.signed_at),
            "author": [practitioner_ref(note.author)],
            "authenticator": practitioner_ref(authenticators),
            "description": f"{note.structure_code} progress note",
            "securityLabel": [{"coding": [label]} for label in codes.security()],
            "content": [
                {
                    "attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": data,
                        "title": f"Progress note, session of {session.held_at:%Y-%m-%d}",
                        "creation": instant(note.signed_at),
                    }
                }
            ],
            "context": {
                "encounter": [ref("Encounter", session.uuid)],
                "period": {"start": instant(session.held_at)},
            },
        }
    )


def consent(item: Consent) -> Resource:
    client = item.episode.client
    category, display = codes.CONSENT_CATEGORY
    return _resource(
        {
            "resourceType": "Consent",
            "id": str(item.uuid),
            "meta": _meta(item.withdrawn_at or item.recorded_at),
            "status": "inactive" if item.withdrawn_at else "active",
            "scope": codes.concept(codes.CONSENT_SCOPE, "treatment", "Treatment"),
            "category": [codes.concept(codes.LOINC, category, display)],
            "patient": patient_ref(client),
            "dateTime": instant(item.given_at),
            "organization": [ref("Organization", client.practice.uuid)],
            "policyRule": {
                "text": f"{item.consent_text.title}, version {item.consent_text.version}"
            },
            "provision": {
                "type": "permit",
                "period": {
                    "start": instant(item.given_at),
                    "end": instant(item.withdrawn_at),
                },
            },
        }
    )
