"""Writes about intakes and pre-intake questionnaires. Each function checks,
writes and audits in one transaction; views, the demo and commands call these.
Audit events name sections and fields, never their text."""

from __future__ import annotations

from types import EllipsisType
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import raise_alert
from alliance.audit.services import record
from alliance.clients.models import Episode
from alliance.clients.services import update_client
from alliance.core.versioning import Conflict, save_if_current
from alliance.intake.models import (
    CHOICE_FIELDS,
    CONTACT_FIELDS,
    SECTION_FIELDS,
    Intake,
    IntakeAddendum,
    IntakeSection,
    PreIntakeRequest,
    ProvisionalDiagnosis,
)

MAX_TEXT = 20_000
MAX_ANSWER = 5_000
MAX_DIAGNOSES = 12
MAX_DESCRIPTION = 500
MAX_CODE = 16
ALERT_SOURCE = "Intake risk screen"
STARTABLE_PHASES = (Episode.Phase.ASSESSMENT, Episode.Phase.ACTIVE)

RISK_SEVERITY = {
    IntakeSection.RiskLevel.LOW: RiskAlert.Severity.LOW,
    IntakeSection.RiskLevel.MODERATE: RiskAlert.Severity.MEDIUM,
    IntakeSection.RiskLevel.HIGH: RiskAlert.Severity.HIGH,
}

# What completing the intake needs: (section, field, what to say is missing).
REQUIRED_TO_COMPLETE = (
    (IntakeSection.Key.PRESENTING, "text", "the presenting concerns"),
    (IntakeSection.Key.RISK, "risk_level", "the risk screen with your judgement"),
    (IntakeSection.Key.FORMULATION, "text", "the working formulation"),
)


class SectionConflict(Conflict):
    """The section changed after the editor loaded it; nothing was written.

    ``current`` is the section as now stored, so the editor sees the other text
    next to their own instead of losing either.
    """

    def __init__(self, current: IntakeSection) -> None:
        super().__init__(
            current,
            "This section was saved in another window, or by someone else, after "
            "you opened it, so your changes were not saved. Compare the saved "
            "version with yours, keep what you need in your copy and save again.",
        )


class IntakeLocked(ValidationError):
    """The intake was completed; its sections no longer change."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        when = timezone.localtime(intake.completed_at) if intake.completed_at else None
        super().__init__(
            "This intake was completed"
            + (f" on {when:%d %b %Y}" if when else "")
            + ", so its sections are locked and your changes were not saved. "
            "Add anything new as an addendum.",
            code="locked",
        )


def start_refusal(
    episode: Episode, *, intake: Intake | EllipsisType | None = ...
) -> str | None:
    """Return why an intake cannot be started for this episode, or None. A
    caller that has read the episode's ``intake`` (or knows there is none)
    passes it, saving a query."""
    if episode.phase == Episode.Phase.CLOSED:
        return "This episode of care is closed."
    if episode.phase not in STARTABLE_PHASES:
        return (
            "The intake starts in the assessment phase: move the episode to "
            "assessment first."
        )
    if intake is ...:
        intake = Intake.objects.filter(episode=episode).first()
    if intake is not None:
        return "This episode already has an intake."
    return None


@transaction.atomic
def start_intake(
    episode: Episode, *, by: User, request: HttpRequest | None = None
) -> Intake:
    """Open a draft intake, with every section empty at version 1."""
    # Lock the episode so two clicks cannot both start an intake.
    episode = (
        Episode.objects.select_for_update(of=("self",))
        .select_related("client__clinician")
        .get(pk=episode.pk)
    )
    episode.client.refuse_unless_primary(by, "start the intake")
    refusal = start_refusal(episode)
    if refusal:
        raise ValidationError(refusal)
    intake = Intake.objects.create(episode=episode, created_by=by)
    IntakeSection.objects.bulk_create(
        IntakeSection(intake=intake, key=key) for key in IntakeSection.Key.values
    )
    record(by, "intake.start", intake, request=request)
    return intake


def _clean_text(label: str, value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"“{label}” must be text.")
    if len(value) > limit:
        raise ValidationError(
            f"“{label}” can hold up to {limit:,} characters; it is longer."
        )
    if "\x00" in value:
        raise ValidationError(f"“{label}” contains a character that cannot be saved.")
    return value


def _clean_section(key: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields sent for one section; return them cleaned."""
    spec = {name: label for name, label, _ in SECTION_FIELDS[key]}
    allowed = set(spec) | (
        {"diagnoses"} if key == IntakeSection.Key.DIAGNOSES else set()
    )
    unknown = set(fields) - allowed
    if unknown:
        label = IntakeSection.Key(key).label
        raise ValidationError(
            f"The {label.lower()} section has no "
            f"{', '.join(sorted(n.replace('_', ' ')[:40] for n in unknown))}."
        )
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "diagnoses":
            cleaned[name] = _clean_diagnoses(value)
        elif name == "risk_level":
            if value not in IntakeSection.RiskLevel.values:
                raise ValidationError(
                    "Record your judgement of current risk: low, moderate or high."
                )
            cleaned[name] = value
        elif name in CHOICE_FIELDS:
            if value not in IntakeSection.Answer.values:
                raise ValidationError(f"Answer “{spec[name]}”: yes, no or unsure.")
            cleaned[name] = value
        else:
            cleaned[name] = _clean_text(spec[name], value)
    return cleaned


def _check_risk_screen(section: IntakeSection) -> None:
    """The risk screen is saved whole: both questions answered and a judgement."""
    for name, label, _ in SECTION_FIELDS[IntakeSection.Key.RISK]:
        if name in CHOICE_FIELDS and not getattr(section, name):
            if name == "risk_level":
                raise ValidationError(
                    "Record your judgement of current risk: low, moderate or high."
                )
            raise ValidationError(f"Answer “{label}”: yes, no or unsure.")


def _clean_diagnoses(rows: Any) -> list[dict[str, str]]:
    """Each row: description (required once anything is entered), code system
    and code (shape-checked, normalised). Blank rows are dropped."""
    if not isinstance(rows, list | tuple):
        raise ValidationError("Send the provisional diagnoses as a list.")
    cleaned = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) - {
            "description",
            "code_system",
            "code",
        }:
            raise ValidationError(
                f"Diagnosis {number} must have a description, code system and code."
            )
        label = f"Diagnosis {number}"
        description = _clean_text(
            label, row.get("description", ""), MAX_DESCRIPTION
        ).strip()
        system = row.get("code_system", "") or ""
        code = _clean_text(f"{label} code", row.get("code", "") or "", MAX_CODE).strip()
        if not (description or system or code):
            continue
        if system not in ProvisionalDiagnosis.CodeSystem.values:
            raise ValidationError(f"{label}: choose ICD-10-CM, ICD-11 or no code.")
        if not description:
            raise ValidationError(
                f"{label}: describe the diagnosis in words as well as any code."
            )
        if code and not system:
            raise ValidationError(
                f"{label}: say whether “{code[:20]}” is an ICD-10-CM or ICD-11 code."
            )
        if system and not code:
            raise ValidationError(f"{label}: enter the code, or choose “No code”.")
        code = ProvisionalDiagnosis.normalise_code(system, code)
        refusal = ProvisionalDiagnosis.code_refusal(system, code) if code else None
        if refusal:
            raise ValidationError(f"{label}: {refusal}")
        cleaned.append(
            {"description": description, "code_system": system, "code": code}
        )
    if len(cleaned) > MAX_DIAGNOSES:
        raise ValidationError(
            f"An intake can list up to {MAX_DIAGNOSES} provisional diagnoses."
        )
    return cleaned


def _replace_diagnoses(intake: Intake, rows: list[dict[str, str]]) -> None:
    """Make the intake's diagnoses match ``rows``, updating rows in place.

    Only a draft intake's list changes, like a draft note's text; once the
    intake is completed the list is locked with the rest.
    """
    existing = list(intake.diagnoses.order_by("position", "id"))
    for position, row in enumerate(rows):
        if position < len(existing):
            diagnosis = existing[position]
            diagnosis.position = position
            for name, value in row.items():
                setattr(diagnosis, name, value)
            diagnosis.save()
        else:
            ProvisionalDiagnosis.objects.create(intake=intake, position=position, **row)
    for surplus in existing[len(rows) :]:
        surplus.delete()


def risk_signalled(section: IntakeSection) -> bool:
    """True when the risk screen must raise an alert: a moderate or high
    judgement, or any current thoughts of self-harm or of harming others."""
    yes = IntakeSection.Answer.YES
    return (
        section.risk_level
        in (IntakeSection.RiskLevel.MODERATE, IntakeSection.RiskLevel.HIGH)
        or section.current_self_harm_thoughts == yes
        or section.current_harm_to_others_thoughts == yes
    )


def _alert_summary(section: IntakeSection) -> str:
    return (
        f"Risk judged {section.get_risk_level_display().lower()} at intake. "
        "Current thoughts of self-harm or suicide: "
        f"{section.get_current_self_harm_thoughts_display().lower()}. "
        "Current thoughts of harming others: "
        f"{section.get_current_harm_to_others_thoughts_display().lower()}. "
        "See the intake's risk screen for history and protective factors."
    )


def _raise_risk_alert(
    intake: Intake, section: IntakeSection, *, by: User, request: HttpRequest | None
) -> RiskAlert | None:
    """Raise an alert unless one from this intake is still open."""
    already_open = (
        RiskAlert.objects.open()
        .filter(source_type=intake._meta.label_lower, source_uuid=intake.uuid)
        .exists()
    )
    if already_open:
        return None
    return raise_alert(
        intake.episode.client,
        source=ALERT_SOURCE,
        summary=_alert_summary(section),
        episode=intake.episode,
        severity=RISK_SEVERITY[section.risk_level],
        raised_by=by,
        source_object=intake,
        request=request,
    )


@transaction.atomic
def save_section(
    intake: Intake,
    key: str,
    *,
    by: User,
    version: int,
    request: HttpRequest | None = None,
    **fields: Any,
) -> IntakeSection:
    """Save the given fields of one section, if it is still at ``version``.

    Raises SectionConflict when the section was saved since the editor loaded
    that version, and IntakeLocked once the intake is completed. Fields not
    passed keep their stored value. Saving the risk screen raises a risk alert
    in the same transaction when ``risk_signalled`` says so.
    """
    if key not in IntakeSection.Key.values:
        raise ValidationError(f"The intake has no section called “{key[:40]}”.")
    cleaned = _clean_section(key, fields)
    # The intake row is locked so completion and saves take turns.
    intake = (
        Intake.objects.select_for_update(of=("self",))
        .select_related("episode__client")
        .get(pk=intake.pk)
    )
    intake.episode.client.refuse_unless_primary(by, "write the intake")
    if intake.is_completed:
        raise IntakeLocked(intake)
    section = IntakeSection.objects.get(intake=intake, key=key)
    section.intake = intake
    diagnoses = cleaned.pop("diagnoses", None)
    for name, value in cleaned.items():
        setattr(section, name, value)
    if key == IntakeSection.Key.RISK:
        _check_risk_screen(section)
    # Compare-and-set on the version: zero rows means someone saved first.
    save_if_current(
        section,
        cleaned,
        version=version,
        by=by,
        conflict=SectionConflict,
        current=lambda: IntakeSection.objects.select_related("updated_by").get(
            pk=section.pk
        ),
    )
    if diagnoses is not None:
        _replace_diagnoses(intake, diagnoses)
    saved = sorted([*cleaned, *(["diagnoses"] if diagnoses is not None else [])])
    record(
        by,
        "intake.section.save",
        section,
        request=request,
        detail={"section": key, "version": section.version, "fields": saved},
    )
    if key == IntakeSection.Key.RISK and risk_signalled(section):
        _raise_risk_alert(intake, section, by=by, request=request)
    return section


def completion_refusal(intake: Intake) -> str | None:
    """Return why the intake cannot be completed yet, or None when it can."""
    if intake.is_completed:
        return "This intake is already completed."
    sections = {s.key: s for s in intake.sections.all()}
    missing = [
        what
        for key, name, what in REQUIRED_TO_COMPLETE
        if not str(getattr(sections[key], name)).strip()
    ]
    if missing:
        listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "")
        return f"Before completing the intake, fill in {listed}{missing[-1]}."
    return None


@transaction.atomic
def complete_intake(
    intake: Intake, *, by: User, request: HttpRequest | None = None
) -> Intake:
    """Complete and lock the intake; later changes go into addenda."""
    intake = (
        Intake.objects.select_for_update(of=("self",))
        .select_related("episode__client")
        .get(pk=intake.pk)
    )
    intake.episode.client.refuse_unless_primary(by, "complete the intake")
    refusal = completion_refusal(intake)
    if refusal:
        raise ValidationError(refusal)
    intake.status = Intake.Status.COMPLETED
    intake.completed_at = timezone.now()
    intake.completed_by = by
    intake.save(update_fields=["status", "completed_at", "completed_by"])
    record(by, "intake.complete", intake, request=request)
    return intake


@transaction.atomic
def add_intake_addendum(
    intake: Intake, *, by: User, text: str, request: HttpRequest | None = None
) -> IntakeAddendum:
    """Append a dated addition to a completed intake."""
    intake = Intake.objects.select_related("episode__client").get(pk=intake.pk)
    if not intake.is_completed:
        raise ValidationError(
            "This intake is still a draft: edit its sections directly. Addenda are "
            "for intakes that are already completed."
        )
    intake.episode.client.refuse_unless_primary(by, "add to the intake")
    text = _clean_text("Addendum", text or "").strip()
    if not text:
        raise ValidationError("Write the addendum before saving it.")
    addendum = IntakeAddendum.objects.create(intake=intake, author=by, text=text)
    record(by, "intake.addendum.add", addendum, request=request)
    return addendum


def send_refusal(
    episode: Episode, *, intake: Intake | EllipsisType | None = ...
) -> str | None:
    """Return why the questionnaire cannot be sent for this episode, or None.
    A caller that has read the episode's ``intake`` (or knows there is none)
    passes it, saving a query."""
    if not episode.is_open:
        return "This episode of care is closed."
    if not episode.client.email:
        return "Add the client's email address before sending the questionnaire."
    if intake is ...:
        intake = Intake.objects.filter(episode=episode).first()
    if intake is not None and intake.is_completed:
        return "The intake is already completed."
    done = episode.pre_intake_requests.filter(completed_at__isnull=False).first()
    if done is not None:
        when = timezone.localtime(done.completed_at)
        return f"The client already answered the questionnaire on {when:%d %b %Y}."
    return None


@transaction.atomic
def send_pre_intake(
    episode: Episode,
    *,
    by: User,
    base_url: str,
    request: HttpRequest | None = None,
) -> tuple[PreIntakeRequest, str]:
    """Email the client a one-time link to the questionnaire; returns (request,
    link). A link sent earlier and not yet answered stops working."""
    episode = (
        Episode.objects.select_for_update(of=("self",))
        .select_related("client__practice", "client__clinician")
        .get(pk=episode.pk)
    )
    episode.client.refuse_unless_primary(by, "send the questionnaire")
    refusal = send_refusal(episode)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    episode.pre_intake_requests.pending().update(replaced_at=now)
    token = PreIntakeRequest.new_token()
    pre = PreIntakeRequest.objects.create(
        episode=episode,
        token_hash=PreIntakeRequest.hash_token(token),
        sent_by=by,
        sent_at=now,
        expires_at=PreIntakeRequest.default_expiry(),
    )
    link = base_url.rstrip("/") + reverse("intake:pre_intake", args=[token])
    record(by, "preintake.send", pre, request=request)
    client = episode.client
    practice = client.practice
    crisis = "\n".join(practice.crisis_line_list())
    # Nothing clinical in the email: it may be read on a shared device.
    body = (
        f"Hello {client.preferred_name or client.given_name},\n\n"
        f"Before your assessment with {practice.name}, {by.full_name} would like "
        "you to answer a few questions about what brings you to therapy. It takes "
        "about ten minutes.\n\n"
        f"The link works once and expires in 14 days:\n{link}\n"
        + (f"\nIf you need urgent help:\n{crisis}\n" if crisis else "")
    )
    address = client.email

    def send() -> None:
        send_mail(
            f"A few questions before your assessment with {practice.name}",
            body,
            None,
            [address],
        )

    transaction.on_commit(send)
    return pre, link


def find_pre_intake(token: str) -> PreIntakeRequest | None:
    """The request whose token this is, whatever its state (the page explains
    a used or expired link with that practice's crisis lines)."""
    return (
        PreIntakeRequest.objects.select_related("episode__client__practice")
        .filter(token_hash=PreIntakeRequest.hash_token(token))
        .first()
    )


ANSWER_FIELDS = ("what_brings_you", "hopes", "prior_therapy", "current_supports")


@transaction.atomic
def submit_pre_intake(
    pre: PreIntakeRequest,
    *,
    request: HttpRequest | None = None,
    contact_unchanged: bool = False,
    **answers: str,
) -> PreIntakeRequest:
    """Store the client's answers once. The actor is the link, not a user, so
    the audit event has no actor and carries the request's IP address."""
    allowed = {*ANSWER_FIELDS, *(name for name, _ in CONTACT_FIELDS)}
    unknown = set(answers) - allowed
    if unknown:
        raise ValidationError(
            f"The questionnaire has no {', '.join(sorted(unknown))} question."
        )
    cleaned = {
        name: _clean_text(name.replace("_", " "), value or "", MAX_ANSWER).strip()
        for name, value in answers.items()
    }
    if not cleaned.get("what_brings_you"):
        raise ValidationError("Tell us a little about what brings you to therapy.")
    if not contact_unchanged and not any(
        cleaned.get(name) for name, _ in CONTACT_FIELDS
    ):
        raise ValidationError(
            "Enter your current contact details, or tick “My contact details have "
            "not changed”."
        )
    pre = PreIntakeRequest.objects.select_for_update().get(pk=pre.pk)
    if not pre.is_pending:
        raise ValidationError("This questionnaire link has been used or has expired.")
    for name, value in cleaned.items():
        setattr(pre, name, value)
    pre.contact_unchanged = contact_unchanged
    pre.completed_at = timezone.now()
    pre.save()
    record(
        None,
        "preintake.submit",
        pre,
        request=request,
        detail={"contact_unchanged": contact_unchanged},
    )
    return pre


@transaction.atomic
def review_contact_changes(
    pre: PreIntakeRequest,
    *,
    by: User,
    accept: list[str],
    request: HttpRequest | None = None,
) -> PreIntakeRequest:
    """Apply the chosen proposed contact details through update_client (an empty
    ``accept`` keeps the details on file); either way they are not proposed
    again."""
    pre = (
        PreIntakeRequest.objects.select_for_update(of=("self",))
        .select_related("episode__client")
        .get(pk=pre.pk)
    )
    client = pre.episode.client
    pre.episode.client.refuse_unless_primary(by, "change the client's details")
    if pre.contact_reviewed_at is not None:
        raise ValidationError("These contact details were already reviewed.")
    proposals = {name: proposed for name, _, _, proposed in pre.contact_proposals()}
    if not proposals:
        raise ValidationError("The questionnaire proposes no new contact details.")
    unknown = set(accept) - set(proposals)
    if unknown:
        raise ValidationError("Choose only details the client proposed.")
    if accept:
        changes: dict[str, Any] = {name: proposals[name] for name in accept}
        update_client(client, by=by, request=request, **changes)
    pre.contact_reviewed_at = timezone.now()
    pre.contact_reviewed_by = by
    pre.save(update_fields=["contact_reviewed_at", "contact_reviewed_by"])
    record(
        by,
        "preintake.contact.accept" if accept else "preintake.contact.keep",
        pre,
        request=request,
        detail={"fields": sorted(accept)},
    )
    return pre
