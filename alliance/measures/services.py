"""Writes about measures: schedules and administrations. Each function checks,
writes and audits in one transaction; views, the portal, the kiosk and the demo
all call these.

An administration is a draft while answers come in (each saved as given and
checked as far as it goes), then submitted: fully validated, scored, and never
changed again.

Risk at the first answer: every time answers are saved (portal, kiosk,
clinician entry, follow-up), each risk item's rule runs on the answer as given
and a risk alert is raised inside the same transaction, so a risk answer is
never stored without its alert, even if the form is never finished. There is
one alert per administration and item (``Administration.risk_alerts``): the
same answer saved again, or the final submit, raises nothing more; a worse
answer is added to the open alert. Changing the answer back never removes the
alert. A draft holding a risk answer is never deleted: ``discard_draft`` keeps
it as incomplete.

Not everything an instrument flags is risk. Rules of kind "prompt" (AUDIT's
"next level up") become a ``ClinicalPrompt`` on submit: shown to the clinician,
dismissible, never a risk alert. A risk item left blank on a form whose total
may be prorated (CORE-10 item 6) raises a low-severity alert that says plainly
the question was not answered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import add_to_alert, raise_alert
from alliance.audit.services import record
from alliance.clients.models import Episode
from alliance.measures.engine import (
    Instrument,
    InvalidAnswers,
    Item,
    RiskFlag,
    get_instrument,
)
from alliance.measures.models import (
    Administration,
    ClinicalPrompt,
    EmploymentStatus,
    MeasureSchedule,
)
from alliance.measures.selectors import next_due_dates
from alliance.measures.tracking import refresh_tracks

MAX_TEXT_ANSWER = 2000
MAX_WEEKS = 52
SEVERITY_ORDER = ("high", "medium", "low")
IN_PROGRESS = (
    "Raised as soon as this answer was saved; the questionnaire was not yet submitted."
)


def instrument_or_refuse(code: str) -> Instrument:
    try:
        return get_instrument(code)
    except KeyError:
        raise ValidationError(f"“{code}” is not a measure Alliance knows.") from None


def refuse_unsuitable(episode: Episode, instrument: Instrument) -> None:
    """ValidationError when the instrument is retired (kept only so earlier
    answers display) or the client's age today is outside the ages it is
    published for (adults unless its file says "ages")."""
    if instrument.retired:
        raise ValidationError(
            f"{instrument.short_name} is no longer given. {instrument.retired_note}".strip()
        )
    client = episode.client
    if client.date_of_birth is None:
        return
    problem = instrument.age_problem(client.age_on(timezone.localdate()))
    if problem:
        raise ValidationError(problem)


def refresh_due(
    episode: Episode, *, instrument: str | None = None
) -> list[MeasureSchedule]:
    """Store ``next_due`` on the episode's schedules (of one instrument, or
    all) from its phase and scores, after anything that changes them: a
    score, a new or stopped schedule, a move of phase. Writes only what
    changed. Returns the schedules it changed."""
    schedules = MeasureSchedule.objects.filter(episode=episode).select_related(
        "episode__client__practice"
    )
    if instrument is not None:
        schedules = schedules.filter(instrument=instrument)
    changed = []
    for schedule, due in next_due_dates(list(schedules)):
        if schedule.next_due != due:
            schedule.next_due = due
            changed.append(schedule)
    MeasureSchedule.objects.bulk_update(changed, ["next_due"])
    return changed


def refresh_all_due(*, chunk: int = 2000) -> int:
    """Store ``next_due`` on every schedule (the backfill, and a repair after
    a practice changes its time zone). Returns how many changed."""
    changed = 0
    episode_ids = list(
        MeasureSchedule.objects.values_list("episode_id", flat=True)
        .distinct()
        .order_by("episode_id")
    )
    for start in range(0, len(episode_ids), chunk):
        schedules = MeasureSchedule.objects.filter(
            episode_id__in=episode_ids[start : start + chunk]
        ).select_related("episode__client__practice")
        batch = [
            schedule
            for schedule, due in next_due_dates(list(schedules))
            if schedule.next_due != due and not setattr(schedule, "next_due", due)  # type: ignore[func-returns-value]  # sets, then keeps the row
        ]
        MeasureSchedule.objects.bulk_update(batch, ["next_due"], batch_size=1000)
        changed += len(batch)
    return changed


def on_episode_moved(sender: object, episode: Episode, **kwargs: Any) -> None:
    """``clients.signals.episode_moved`` receiver: a phase decides what is due
    at intake, termination and follow-up, and nothing is due once closed."""
    refresh_due(episode)


@transaction.atomic
def schedule_measure(
    episode: Episode,
    instrument_code: str,
    *,
    when: str,
    every_n_weeks: int | None = None,
    by: User,
    share_with_client: bool = False,
    request: HttpRequest | None = None,
) -> MeasureSchedule:
    """Assign a measure to the episode, once or on a schedule."""
    instrument = instrument_or_refuse(instrument_code)
    if when not in MeasureSchedule.When.values:
        raise ValidationError("Choose when the measure should be given.")
    if not episode.is_open:
        raise ValidationError("Measures cannot be assigned on a closed episode.")
    refuse_unsuitable(episode, instrument)
    if when == MeasureSchedule.When.EVERY_N_WEEKS:
        if not every_n_weeks or not 1 <= every_n_weeks <= MAX_WEEKS:
            raise ValidationError(
                f"Say how many weeks apart the measure is given, from 1 to {MAX_WEEKS}."
            )
    else:
        every_n_weeks = None
    schedule = MeasureSchedule(
        episode=episode,
        instrument=instrument.code,
        when=when,
        every_n_weeks=every_n_weeks,
        share_with_client=share_with_client,
        created_by=by,
    )
    if MeasureSchedule.objects.filter(
        episode=episode, instrument=instrument.code, when=when, active=True
    ).exists():
        raise ValidationError(
            f"{instrument.short_name} is already assigned "
            f"{schedule.describe_when().lower()} in this episode."
        )
    schedule.save()
    refresh_due(episode)
    record(
        by,
        "measure_schedule.create",
        schedule,
        request=request,
        detail={"instrument": instrument.code, "when": when},
    )
    return schedule


@transaction.atomic
def stop_schedule(
    schedule: MeasureSchedule, *, by: User, request: HttpRequest | None = None
) -> MeasureSchedule:
    """Stop giving the measure; answers already given stay on the record."""
    schedule = MeasureSchedule.objects.select_for_update().get(pk=schedule.pk)
    if not schedule.active:
        raise ValidationError("This measure was already stopped.")
    schedule.active = False
    schedule.stopped_at = timezone.now()
    schedule.stopped_by = by
    schedule.next_due = None
    schedule.save(update_fields=["active", "stopped_at", "stopped_by", "next_due"])
    record(by, "measure_schedule.stop", schedule, request=request)
    return schedule


@transaction.atomic
def start_administration(
    episode: Episode,
    instrument_code: str,
    *,
    mode: str,
    by: User | None = None,
    schedule: MeasureSchedule | None = None,
    request: HttpRequest | None = None,
) -> Administration:
    """Open a draft administration, or return the draft already open for the
    same measure and mode (a second click or a reload never duplicates it)."""
    instrument = instrument_or_refuse(instrument_code)
    if mode not in Administration.Mode.values:
        raise ValueError(f"unknown mode: {mode!r}")
    if not episode.is_open:
        raise ValidationError("Measures cannot be given on a closed episode.")
    refuse_unsuitable(episode, instrument)
    existing = (
        Administration.objects.drafts()
        .filter(episode=episode, instrument=instrument.code, mode=mode)
        .order_by("-started_at")
        .first()
    )
    if existing is not None:
        return existing
    return _new_draft(
        episode, instrument, mode=mode, by=by, schedule=schedule, request=request
    )


def _new_draft(
    episode: Episode,
    instrument: Instrument,
    *,
    mode: str,
    by: User | None,
    schedule: MeasureSchedule | None,
    request: HttpRequest | None,
) -> Administration:
    if schedule is not None and (
        schedule.episode_id != episode.pk or schedule.instrument != instrument.code
    ):
        raise ValidationError("That schedule belongs to another measure or episode.")
    administration = Administration.objects.create(
        episode=episode,
        client_id=episode.client_id,
        schedule=schedule,
        instrument=instrument.code,
        instrument_version=instrument.version,
        mode=mode,
        entered_by=by if mode == Administration.Mode.CLINICIAN else None,
    )
    record(
        by,
        "administration.start",
        administration,
        request=request,
        detail={"instrument": instrument.code, "mode": mode},
    )
    return administration


@transaction.atomic
def discard_draft(
    administration: Administration,
    *,
    reason: str,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Administration | None:
    """Close an unfinished questionnaire nobody will finish (a follow-up that
    lapsed, a draft left over from treatment), so it stops showing as one to
    carry on. Without a risk answer it is removed (returns None). With one it
    is kept, marked incomplete with the item it stopped at, its alert left
    open (returns it). Submitted answers are never removed (ValidationError)."""
    administration = _locked_draft(administration)
    answers = administration.answer_dict()
    try:
        instrument: Instrument | None = get_instrument(administration.instrument)
    except KeyError:
        instrument = None
    holds_risk = administration.risk or bool(
        instrument and instrument.risk_flags(answers)
    )
    if holds_risk:
        return _keep_incomplete(
            administration, instrument, answers, reason=reason, by=by, request=request
        )
    record(
        by,
        "administration.discard",
        administration,
        request=request,
        detail={
            "instrument": administration.instrument,
            "mode": administration.mode,
            "reason": reason,
        },
    )
    administration.delete()
    return None


def _keep_incomplete(
    administration: Administration,
    instrument: Instrument | None,
    answers: dict[str, Any],
    *,
    reason: str,
    by: User | None,
    request: HttpRequest | None,
) -> Administration:
    if instrument is not None:
        # A draft saved before risk was checked at the first answer gets its
        # alert now; one already raised is not raised again.
        _check_risk(
            administration,
            instrument,
            answers,
            answers,
            by=by,
            request=request,
            in_progress=True,
        )
        numbers = [item.number for item in instrument.items if item.key in answers]
    else:
        numbers = []
    now = timezone.now()
    administration.status = Administration.Status.INCOMPLETE
    administration.risk = True
    administration.closed_at = now
    administration.closed_reason = reason[:100]
    administration.stopped_at_item = max(numbers) if numbers else None
    administration.save(
        update_fields=[
            "status",
            "risk",
            "risk_alerts",
            "closed_at",
            "closed_reason",
            "stopped_at_item",
        ]
    )
    record(
        by,
        "administration.incomplete",
        administration,
        request=request,
        detail={
            "instrument": administration.instrument,
            "mode": administration.mode,
            "reason": reason,
            "stopped_at_item": administration.stopped_at_item,
        },
    )
    return administration


def _locked_draft(administration: Administration) -> Administration:
    """Re-read under the write lock; refuse anything no longer a draft."""
    fresh = Administration.objects.select_for_update().get(pk=administration.pk)
    if not fresh.is_draft:
        raise ValidationError(
            "These answers were already submitted, so they can no longer change."
        )
    return fresh


def _check_text(instrument: Instrument, answers: dict[str, Any]) -> None:
    items = {item.key: item for item in instrument.items}
    for key, value in answers.items():
        if isinstance(value, str) and len(value) > MAX_TEXT_ANSWER:
            item = items.get(key)
            number = item.number if item else key
            raise ValidationError(
                f"The answer to item {number} is too long: keep it under "
                f"{MAX_TEXT_ANSWER:,} characters."
            )


def _validate(
    instrument: Instrument, answers: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    _check_text(instrument, answers)
    try:
        return dict(instrument.validate(answers, partial=partial))
    except InvalidAnswers as exc:
        raise ValidationError(str(exc)) from None


@transaction.atomic
def save_answers(
    administration: Administration,
    answers: dict[str, Any],
    *,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Administration:
    """Add or change answers on a draft. An empty answer (None or "") removes
    one. Each answer is checked as far as it goes; a bad one changes nothing.
    A risk answer raises its alert here, before the form is submitted."""
    return _save_answers(
        administration, answers, by=by, request=request, in_progress=True
    )


def _save_answers(
    administration: Administration,
    answers: dict[str, Any],
    *,
    by: User | None,
    request: HttpRequest | None,
    in_progress: bool,
) -> Administration:
    administration = _locked_draft(administration)
    instrument = instrument_or_refuse(administration.instrument)
    before = administration.answer_dict()
    merged = dict(before)
    for key, value in answers.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    cleaned = _validate(instrument, merged, partial=True)
    administration.set_answers(cleaned)
    administration.saved_at = timezone.now()
    administration.save(update_fields=["answers", "saved_at"])
    record(
        by,
        "administration.save",
        administration,
        request=request,
        detail={"items": sorted(answers)},
    )
    if _check_risk(
        administration,
        instrument,
        before,
        cleaned,
        by=by,
        request=request,
        in_progress=in_progress,
    ):
        administration.save(update_fields=["risk", "risk_alerts"])
    return administration


def _check_risk(
    administration: Administration,
    instrument: Instrument,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    by: User | None,
    request: HttpRequest | None,
    in_progress: bool,
) -> bool:
    """Raise a risk alert for each risk answer in ``after`` that has none yet
    on this administration; add a worse answer to the item's open alert (or,
    once that alert is acknowledged, raise a new one). Sets ``risk`` and
    ``risk_alerts`` on the administration (not saved); True if they changed."""
    tracked = dict(administration.risk_alerts or {})
    changed = False
    for flag in instrument.risk_flags(after):
        entry = tracked.get(flag.item_key)
        previous = before.get(flag.item_key)
        source, summary, severity = describe_risk(instrument, (flag,))
        if entry is not None and not entry.get("unanswered"):
            if (
                isinstance(previous, int)
                and isinstance(flag.answer, int)
                and previous >= flag.answer
            ):
                continue  # the same answer again, or a milder one
            alert = RiskAlert.objects.filter(uuid=entry.get("alert")).first()
            if alert is not None and alert.is_open:
                try:
                    add_to_alert(
                        alert,
                        note=f"The answer was later changed. {summary}",
                        severity=severity,
                        by=by,
                        request=request,
                    )
                    continue
                except ValidationError:
                    pass  # acknowledged a moment ago: raise a new one below
            summary += (
                "\nThe answer changed after the earlier alert about it was "
                "acknowledged."
            )
        if in_progress:
            summary += f"\n{IN_PROGRESS}"
        alert = raise_alert(
            administration.client,
            source=source,
            summary=summary,
            episode=administration.episode,
            severity=severity,
            raised_by=by,
            source_object=administration,
            request=request,
        )
        tracked[flag.item_key] = {"alert": str(alert.uuid), "severity": severity}
        changed = True
    if changed:
        administration.risk_alerts = tracked
        administration.risk = True
    return changed


def _raise_unanswered(
    administration: Administration,
    instrument: Instrument,
    keys: tuple[str, ...],
    *,
    prorated: bool,
    by: User | None,
    request: HttpRequest | None,
) -> bool:
    """A low-severity alert for each risk item left blank on a submitted form:
    not a risk answer, a question to ask at the next contact."""
    tracked = dict(administration.risk_alerts or {})
    changed = False
    items = {item.key: item for item in instrument.items}
    for key in keys:
        if key in tracked or key not in items:
            continue
        item = items[key]
        question = f" (“{item.text}”)" if item.text else ""
        how = (
            f", and the {instrument.short_name} total was prorated without it"
            if prorated
            else ""
        )
        alert = raise_alert(
            administration.client,
            source=f"{instrument.short_name} item {item.number} not answered"[:100],
            summary=(
                f"Item {item.number}{question}, a risk question, was left blank"
                f"{how}. This is not a risk answer: the question was not "
                "answered. Ask about it at the next contact."
            ),
            episode=administration.episode,
            severity=RiskAlert.Severity.LOW,
            raised_by=by,
            source_object=administration,
            request=request,
        )
        tracked[key] = {"alert": str(alert.uuid), "severity": "low", "unanswered": True}
        changed = True
    if changed:
        administration.risk_alerts = tracked
    return changed


def _raise_prompt(
    administration: Administration,
    instrument: Instrument,
    flags: tuple[RiskFlag, ...],
    *,
    by: User | None,
    request: HttpRequest | None,
) -> ClinicalPrompt:
    source, text, _ = describe_risk(instrument, flags)
    prompt = ClinicalPrompt.objects.create(
        client_id=administration.client_id,
        episode_id=administration.episode_id,
        administration=administration,
        instrument=instrument.code,
        source=source,
        text=text,
    )
    record(
        by,
        "prompt.raise",
        prompt,
        request=request,
        detail={"instrument": instrument.code, "source": source},
    )
    return prompt


@transaction.atomic
def dismiss_prompt(
    prompt: ClinicalPrompt,
    *,
    by: User,
    note: str,
    request: HttpRequest | None = None,
) -> ClinicalPrompt:
    """The clinician has acted on the prompt: it leaves the chart, with a note."""
    note = (note or "").strip()
    if not note:
        raise ValidationError("Say what was done about it before dismissing it.")
    if len(note) > MAX_TEXT_ANSWER:
        raise ValidationError(f"Keep the note under {MAX_TEXT_ANSWER:,} characters.")
    prompt = ClinicalPrompt.objects.select_for_update().get(pk=prompt.pk)
    if prompt.dismissed_at is not None:
        raise ValidationError("This prompt was already dismissed.")
    prompt.dismissed_at = timezone.now()
    prompt.dismissed_by = by
    prompt.dismiss_note = note
    prompt.save(update_fields=["dismissed_at", "dismissed_by", "dismiss_note"])
    record(by, "prompt.dismiss", prompt, request=request)
    return prompt


def _option_label(item: Item, answer: Any) -> str:
    for option in item.options:
        if option.value == answer:
            return option.label
    return str(answer)


def describe_risk(
    instrument: Instrument, flags: tuple[RiskFlag, ...]
) -> tuple[str, str, str]:
    """(source, summary, severity) for a risk alert: only the flagged answers,
    in plain words, never the rest of the questionnaire."""
    items = {item.key: item for item in instrument.items}
    numbers: list[int] = []
    lines: list[str] = []
    for flag in flags:
        item = items.get(flag.item_key)
        if item is None:
            lines.append(f"{flag.reason}")
            continue
        numbers.append(item.number)
        question = f" (“{item.text}”)" if item.text else ""
        lines.append(
            f"Item {item.number}{question} was answered "
            f"“{_option_label(item, flag.answer)}”. {flag.reason}"
        )
    numbers = sorted(set(numbers))
    if len(numbers) == 1:
        source = f"{instrument.short_name} item {numbers[0]}"
    elif numbers:
        listed = ", ".join(str(n) for n in numbers[:-1])
        source = f"{instrument.short_name} items {listed} and {numbers[-1]}"
    else:
        source = f"{instrument.short_name} answers"
    severity = next(
        (s for s in SEVERITY_ORDER if any(f.severity == s for f in flags)), "high"
    )
    return source[:100], "\n".join(line.strip() for line in lines), severity


def _submit(
    administration: Administration,
    *,
    by: User | None,
    taken_at: datetime | None,
    request: HttpRequest | None,
) -> Administration:
    instrument = instrument_or_refuse(administration.instrument)
    cleaned = _validate(instrument, administration.answer_dict(), partial=False)
    score = instrument.score(cleaned)
    now = timezone.now()
    administration.set_answers(cleaned)
    administration.status = Administration.Status.SUBMITTED
    administration.instrument_version = instrument.version
    administration.total = score.total
    administration.band = score.band or ""
    administration.band_label = score.band_label or ""
    administration.caseness = score.caseness
    # Alerts for answers saved along the way were raised then; this raises
    # only what is new (a correction, answers set without save_answers).
    _check_risk(
        administration,
        instrument,
        cleaned,
        cleaned,
        by=by,
        request=request,
        in_progress=False,
    )
    _raise_unanswered(
        administration,
        instrument,
        score.unanswered_risk,
        prorated=score.prorated,
        by=by,
        request=request,
    )
    # A risk answer given and later changed still counts: the alert stays.
    administration.risk = bool(score.risk_flags) or any(
        not entry.get("unanswered")
        for entry in (administration.risk_alerts or {}).values()
    )
    administration.subscales = dict(score.subscales)
    administration.submitted_at = now
    administration.saved_at = now
    administration.taken_at = taken_at or now
    administration.save(
        update_fields=[
            "answers",
            "status",
            "instrument_version",
            "total",
            "band",
            "band_label",
            "caseness",
            "risk",
            "risk_alerts",
            "subscales",
            "submitted_at",
            "saved_at",
            "taken_at",
        ]
    )
    record(
        by,
        "administration.submit",
        administration,
        request=request,
        # No risk flag here: it is encrypted on the row (docs/decisions/0004).
        detail={"instrument": instrument.code},
    )
    if score.prompts:
        _raise_prompt(administration, instrument, score.prompts, by=by, request=request)
    # The stored "due" and "not on track" states follow the new score. The
    # episode's row lock makes two scores submitted at once take turns, so the
    # second sees the first's.
    list(
        Episode.objects.select_for_update()
        .filter(pk=administration.episode_id)
        .values_list("pk", flat=True)
    )
    refresh_due(administration.episode, instrument=instrument.code)
    refresh_tracks(administration.episode, [instrument.code])
    return administration


@transaction.atomic
def submit_administration(
    administration: Administration,
    *,
    by: User | None = None,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Administration:
    """Validate every answer, score, store the score columns, and raise a risk
    alert for any risk answer, all together. ``at`` backdates when the client
    answered (paper forms typed in later, the demo)."""
    administration = _locked_draft(administration)
    if at is not None and at > timezone.now():
        raise ValidationError("A measure cannot be dated in the future.")
    return _submit(administration, by=by, taken_at=at, request=request)


@transaction.atomic
def correct_administration(
    original: Administration,
    answers: dict[str, Any],
    *,
    by: User,
    reason: str,
    request: HttpRequest | None = None,
) -> Administration:
    """Replace a submitted administration's answers with a new, submitted one
    that points at it. The original stays on the record, marked as corrected."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the answers are being corrected.")
    if len(reason) > MAX_TEXT_ANSWER:
        raise ValidationError(f"Keep the reason under {MAX_TEXT_ANSWER:,} characters.")
    original = Administration.objects.select_for_update().get(pk=original.pk)
    if not original.is_submitted:
        raise ValidationError(
            "Only submitted answers are corrected; a draft can still be changed."
        )
    if original.corrections.exists():
        raise ValidationError(
            "These answers were already corrected: correct the latest version."
        )
    correction = Administration.objects.create(
        episode_id=original.episode_id,
        client_id=original.client_id,
        schedule_id=original.schedule_id,
        instrument=original.instrument,
        instrument_version=original.instrument_version,
        mode=Administration.Mode.CLINICIAN,
        entered_by=by,
        corrects=original,
        correction_reason=reason,
    )
    instrument = instrument_or_refuse(original.instrument)
    correction.set_answers(_validate(instrument, dict(answers), partial=False))
    correction.save(update_fields=["answers"])
    record(
        by,
        "administration.correct",
        correction,
        request=request,
        detail={"corrects": str(original.uuid)},
    )
    return _submit(correction, by=by, taken_at=original.taken_at, request=request)


@transaction.atomic
def record_administration(
    episode: Episode,
    instrument_code: str,
    answers: dict[str, Any],
    *,
    by: User,
    mode: str = Administration.Mode.CLINICIAN,
    schedule: MeasureSchedule | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Administration:
    """Start, answer and submit in one call (paper forms, imports, the demo).
    Always a new administration: an open draft of the same measure is left alone."""
    instrument = instrument_or_refuse(instrument_code)
    if mode not in Administration.Mode.values:
        raise ValueError(f"unknown mode: {mode!r}")
    if not episode.is_open:
        raise ValidationError("Measures cannot be given on a closed episode.")
    refuse_unsuitable(episode, instrument)
    administration = _new_draft(
        episode, instrument, mode=mode, by=by, schedule=schedule, request=request
    )
    administration = _save_answers(
        administration, answers, by=by, request=request, in_progress=False
    )
    return submit_administration(administration, by=by, request=request, at=at)


@transaction.atomic
def record_employment(
    episode: Episode,
    *,
    stage: str,
    status: str,
    by: User,
    request: HttpRequest | None = None,
) -> EmploymentStatus:
    """Record (or correct) the client's employment status at the start or the
    end of the episode: one status per stage, the latest answer kept."""
    if stage not in EmploymentStatus.Stage.values:
        raise ValidationError(
            "Choose whether this is the status at assessment or at the end."
        )
    if status not in EmploymentStatus.Status.values:
        raise ValidationError("Choose an employment status from the list.")
    if stage == EmploymentStatus.Stage.START and not episode.is_open:
        raise ValidationError(
            "The episode is closed: the status at assessment can no longer be changed."
        )
    row = EmploymentStatus.objects.filter(episode=episode, stage=stage).first()
    before = row.status if row else None
    if row is None:
        row = EmploymentStatus(episode=episode, stage=stage)
    row.status = status
    row.recorded_at = timezone.now()
    row.recorded_by = by
    row.save()
    record(
        by,
        "employment_status.record",
        row,
        request=request,
        detail={"stage": stage, "status": status, "before": before},
    )
    return row
