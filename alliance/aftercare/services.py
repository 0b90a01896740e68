"""Writes about aftercare: scheduling follow-ups when an episode enters
aftercare, the sweep that opens, completes and closes them, the client's
answers, and booster-session requests and the clinician's response.

Each function checks, writes and audits in one transaction. The sweep
(``run_followups``) handles each follow-up in its own transaction, so one that
fails is logged and retried on the next run without holding up the others.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Practice, User
from alliance.aftercare.models import (
    DEFAULT_INSTRUMENTS,
    MISSED_AFTER_DAYS,
    NOTE_MAX,
    WELLBEING_MAX,
    WELLBEING_MIN,
    BoosterRequest,
    FollowUp,
    UsingPlan,
)
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import raise_alert
from alliance.audit.services import record
from alliance.clients.models import Client, Episode, EpisodeTransition
from alliance.clients.services import open_episode, transition_episode
from alliance.measures.change import DETERIORATION, classify_change
from alliance.measures.engine import get_instrument
from alliance.measures.models import Administration, MeasureSchedule
from alliance.measures.services import discard_draft, start_administration

logger = logging.getLogger(__name__)

ALERT_SOURCE = "Aftercare follow-up"
RESPONSE_MAX = 2000
DEFAULT_MONTHS = [1, 3, 6]
MAX_MONTHS = 60
# Follow-up questionnaires per follow-up, at most; the first measures the
# episode used come first.
MAX_INSTRUMENTS = 4

P = Episode.Phase
S = FollowUp.Status
B = BoosterRequest.Status


# -- dates ------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months on, clamped to the month's end
    (31 January + 1 month = 28 or 29 February)."""
    return day + relativedelta(months=months)


def practice_months(practice: Practice) -> list[int]:
    """The practice's follow-up months; the default 1, 3 and 6 when the setting
    cannot be read (a bad value must never block an episode's move)."""
    try:
        months = practice.followup_month_list()
    except (ValueError, TypeError, AttributeError):
        return list(DEFAULT_MONTHS)
    months = [m for m in months if 1 <= m <= MAX_MONTHS]
    return months or list(DEFAULT_MONTHS)


# -- scheduling -------------------------------------------------------------------


def followup_instruments(episode: Episode, *, before: datetime) -> list[str]:
    """The validated measures the episode scored before ``before``, in the order
    they were first given (PHQ-9, GAD-7...); ["phq9", "gad7"] when it has none."""
    codes: list[str] = []
    for code in (
        Administration.objects.current()
        .filter(episode=episode, taken_at__lt=before, total__isnull=False)
        .order_by("taken_at", "id")
        .values_list("instrument", flat=True)
    ):
        if code in codes:
            continue
        try:
            instrument = get_instrument(code)
        except KeyError:
            continue
        if instrument.validated:
            codes.append(code)
    return codes[:MAX_INSTRUMENTS] or list(DEFAULT_INSTRUMENTS)


@transaction.atomic
def schedule_followups(
    episode: Episode,
    *,
    entered_at: datetime,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> list[FollowUp]:
    """One follow-up per practice month, counted in calendar months from the
    local date the episode entered aftercare. Calling it again for the same
    entry adds nothing."""
    client = episode.client
    practice = client.practice
    start = practice.today(entered_at)
    existing = set(
        FollowUp.objects.filter(episode=episode, aftercare_from=entered_at).values_list(
            "months", flat=True
        )
    )
    instruments = followup_instruments(episode, before=entered_at)
    created = []
    for months in practice_months(practice):
        if months in existing:
            continue
        followup = FollowUp.objects.create(
            episode=episode,
            client=client,
            months=months,
            aftercare_from=entered_at,
            due_on=add_months(start, months),
            instruments=instruments,
        )
        record(
            by,
            "followup.schedule",
            followup,
            request=request,
            detail={"months": months, "due_on": followup.due_on.isoformat()},
        )
        created.append(followup)
    return created


def on_episode_moved(
    sender: Any,
    *,
    episode: Episode,
    transition: EpisodeTransition,
    by: User,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """``clients.signals.episode_moved`` receiver, inside the move's transaction.

    Entering aftercare schedules the follow-ups. Going back to active treatment
    cancels the pending ones (the clinician is seeing the client again) and
    settles pending booster requests. Closing cancels the pending ones too: a
    closed episode takes no measures and the portal becomes read-only, so they
    could not be answered; scores already given to an open one are compared
    first, so a deterioration is not lost.
    """
    at = transition.at
    if transition.to_phase == P.AFTERCARE:
        schedule_followups(episode, entered_at=at, by=by, request=request)
        return
    pending = list(
        FollowUp.objects.select_for_update(of=("self",))
        .filter(episode=episode, status__in=FollowUp.PENDING)
        .select_related("client__practice", "episode__clinician")
    )
    compare = transition.to_phase == P.CLOSED
    for followup in pending:
        _finish(
            followup,
            S.CANCELLED,
            now=at,
            compare=compare and followup.status == S.OPEN,
            by=by,
            request=request,
            detail={"phase": transition.to_phase},
        )
    if transition.from_phase == P.AFTERCARE and transition.to_phase == P.ACTIVE:
        for booster in BoosterRequest.objects.select_for_update().filter(
            episode=episode, status__in=BoosterRequest.PENDING
        ):
            booster.status = B.REOPENED
            booster.responded_at = at
            booster.responded_by = by
            booster.save(update_fields=["status", "responded_at", "responded_by"])
            record(by, "booster.reopen", booster, request=request)


# -- comparing a follow-up with the end of treatment ------------------------------


def _current(administration: Administration) -> Administration:
    """The administration itself, or the correction that replaced it."""
    seen = 0
    while seen < 20:
        correction = (
            Administration.objects.filter(corrects=administration)
            .order_by("id")
            .first()
        )
        if correction is None:
            return administration
        administration = correction
        seen += 1
    return administration


def followup_scores(followup: FollowUp) -> dict[str, Administration]:
    """The submitted score of each of the follow-up's measures: the portal
    questionnaire it opened (or its correction), else the first one of that
    measure completed in the episode since it opened (entered by the clinician)."""
    scores: dict[str, Administration] = {}
    if followup.opened_at is None:
        return scores
    for administration in followup.administrations.order_by("id"):
        if administration.is_submitted and administration.instrument not in scores:
            scores[administration.instrument] = _current(administration)
    missing = [code for code in followup.instruments if code not in scores]
    if missing:
        for administration in (
            Administration.objects.current()
            .filter(
                episode_id=followup.episode_id,
                instrument__in=missing,
                taken_at__gte=followup.opened_at,
            )
            .order_by("taken_at", "id")
        ):
            scores.setdefault(administration.instrument, administration)
    return {code: scores[code] for code in followup.instruments if code in scores}


def end_of_treatment_scores(
    episode: Episode, codes: list[str], *, before: datetime
) -> dict[str, Administration]:
    """Per measure, the last score the episode had before it entered aftercare."""
    found: dict[str, Administration] = {}
    for administration in (
        Administration.objects.current()
        .filter(
            episode=episode,
            instrument__in=codes,
            taken_at__lt=before,
            total__isnull=False,
        )
        .order_by("-taken_at", "-id")
    ):
        found.setdefault(administration.instrument, administration)
    return found


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def compare_followup(followup: FollowUp) -> dict[str, Any]:
    """The follow-up's scores against the end of treatment, per measure:

    - reliable deterioration (Jacobson & Truax 1991, as measures.change
      classifies it: the published points threshold where there is one);
    - return to the clinical range: not a case at the end of treatment, a case
      now (the instrument's caseness cut-off);
    - any risk item answered (the measures service raised its own alert).
    """
    scores = followup_scores(followup)
    ends = end_of_treatment_scores(
        followup.episode, list(followup.instruments), before=followup.aftercare_from
    )
    rows = []
    for code in followup.instruments:
        try:
            instrument = get_instrument(code)
        except KeyError:
            continue
        now, end = scores.get(code), ends.get(code)
        row: dict[str, Any] = {
            "instrument": code,
            "name": instrument.short_name,
            "end": _number(end.total) if end else None,
            "score": _number(now.total) if now else None,
            "category": "",
            "reliable_deterioration": False,
            "returned_to_clinical": False,
            "risk": bool(now and now.risk),
            "caseness_label": instrument.caseness_label,
            "threshold": _number(instrument.reliable_change),
        }
        if now is not None and end is not None and now.total is not None:
            try:
                # No score at the end of treatment: nothing to compare with.
                change = (
                    classify_change(instrument, end.total, now.total)
                    if end.total is not None
                    else None
                )
            except (ValueError, TypeError, ZeroDivisionError):
                change = None
            if change is not None:
                row["category"] = change.category
                row["reliable_deterioration"] = change.category == DETERIORATION
            row["returned_to_clinical"] = end.caseness is False and now.caseness is True
        rows.append(row)
    reasons = []
    for row in rows:
        if row["reliable_deterioration"]:
            reasons.append(f"{row['instrument']}:reliable_deterioration")
        if row["returned_to_clinical"]:
            reasons.append(f"{row['instrument']}:returned_to_clinical")
        if row["risk"]:
            reasons.append(f"{row['instrument']}:risk")
    return {
        "measures": rows,
        "reasons": reasons,
        "answered": sorted(scores),
        "deteriorated": bool(reasons),
    }


def _alert_summary(followup: FollowUp, result: dict[str, Any]) -> str:
    lines = [
        f"At the {followup.months}-month follow-up after treatment ended "
        f"(clinician: {followup.episode.clinician.full_name}):"
    ]
    for row in result["measures"]:
        why = []
        if row["reliable_deterioration"]:
            threshold = (
                f", a rise of {row['threshold']} or more points is reliable"
                if row["threshold"]
                else ""
            )
            why.append(f"a reliable deterioration (Jacobson & Truax{threshold})")
        if row["returned_to_clinical"]:
            why.append(f"back in the clinical range ({row['caseness_label']})")
        if row["risk"]:
            why.append("a risk item was answered (see its own risk alert)")
        if not why:
            continue
        end = row["end"] if row["end"] is not None else "none"
        lines.append(
            f"{row['name']} {row['score']} (end of treatment {end}): "
            + "; ".join(why)
            + "."
        )
    lines.append(
        "The client has been offered a booster session. Consider re-opening "
        "treatment or starting a new episode."
    )
    return "\n".join(lines)


def _evaluate(
    followup: FollowUp, *, now: datetime, request: HttpRequest | None = None
) -> None:
    """Compare once, store the result, and on a deterioration raise one risk
    alert and offer the client a booster session."""
    if followup.result.get("evaluated_at"):
        return
    result = compare_followup(followup)
    result["evaluated_at"] = now.isoformat()
    followup.result = result
    followup.deteriorated = result["deteriorated"] if result["answered"] else None
    fields = ["result", "deteriorated"]
    if result["deteriorated"]:
        any_risk = any(row["risk"] for row in result["measures"])
        followup.alert = raise_alert(
            followup.client,
            source=ALERT_SOURCE,
            summary=_alert_summary(followup, result),
            episode=followup.episode,
            severity=RiskAlert.Severity.HIGH if any_risk else RiskAlert.Severity.MEDIUM,
            source_object=followup,
            request=request,
        )
        fields.append("alert")
        offer_booster(followup, now=now, request=request)
    followup.save(update_fields=fields)
    record(
        None,
        "followup.compare",
        followup,
        request=request,
        detail={"reasons": result["reasons"]},
    )


def _finish(
    followup: FollowUp,
    status: str,
    *,
    now: datetime,
    compare: bool = True,
    by: User | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    if compare and followup.opened_at is not None:
        _evaluate(followup, now=now, request=request)
    if status in (S.MISSED, S.CANCELLED):
        # Its unanswered questionnaires would otherwise linger on the portal
        # home, or be picked up by the next follow-up with old answers.
        for draft in followup.administrations.filter(
            status=Administration.Status.DRAFT
        ):
            discard_draft(draft, reason=f"follow-up {status}", by=by, request=request)
    followup.status = status
    followup.ended_at = now
    fields = ["status", "ended_at"]
    if status == S.COMPLETED:
        followup.completed_at = now
        fields.append("completed_at")
    followup.save(update_fields=fields)
    record(by, f"followup.{status}", followup, request=request, detail=detail or {})


def _measures_done(followup: FollowUp) -> bool:
    return set(followup_scores(followup)) >= set(followup.instruments)


def _settle(
    followup: FollowUp, *, now: datetime, request: HttpRequest | None = None
) -> str | None:
    """Compare an open follow-up once its measures are all in; complete it once
    the questions are answered too. Returns "completed", "compared" or None."""
    if followup.status != S.OPEN or not _measures_done(followup):
        return None
    if followup.is_answered:
        _finish(followup, S.COMPLETED, now=now, request=request)
        return "completed"
    if not followup.result.get("evaluated_at"):
        _evaluate(followup, now=now, request=request)
        return "compared"
    return None


# -- the sweep --------------------------------------------------------------------


def _locked(pk: int) -> FollowUp:
    return (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("client__practice", "episode__clinician")
        .get(pk=pk)
    )


@transaction.atomic
def open_followup(followup: FollowUp, *, now: datetime | None = None) -> bool:
    """Open a due follow-up: portal questionnaires for each measure (they show
    on the portal home as drafts) and the questions. Earlier ones of the same
    episode still pending are marked missed, so one is open at a time."""
    now = now or timezone.now()
    followup = _locked(followup.pk)
    if followup.status != S.SCHEDULED:
        return False
    episode = followup.episode
    if episode.phase != P.AFTERCARE:
        _finish(followup, S.CANCELLED, now=now, compare=False)
        return False
    for earlier in (
        FollowUp.objects.select_for_update(of=("self",))
        .filter(
            episode=episode, status__in=FollowUp.PENDING, due_on__lt=followup.due_on
        )
        .select_related("client__practice", "episode__clinician")
    ):
        _finish(earlier, S.MISSED, now=now, detail={"superseded_by": followup.months})
    schedules = {
        s.instrument: s
        for s in MeasureSchedule.objects.filter(
            episode=episode, active=True, when=MeasureSchedule.When.AT_FOLLOW_UP
        )
    }
    opened = []
    for code in followup.instruments:
        # A portal draft left over from treatment is not this follow-up's.
        for stale in Administration.objects.drafts().filter(
            episode=episode, instrument=code, mode=Administration.Mode.PORTAL
        ):
            discard_draft(stale, reason="superseded by a follow-up")
        try:
            opened.append(
                start_administration(
                    episode,
                    code,
                    mode=Administration.Mode.PORTAL,
                    schedule=schedules.get(code),
                )
            )
        except ValidationError:
            logger.warning("Follow-up %s: could not start %s", followup.uuid, code)
    followup.administrations.add(*opened)
    followup.status = S.OPEN
    followup.opened_at = now
    followup.save(update_fields=["status", "opened_at"])
    record(
        None,
        "followup.open",
        followup,
        detail={
            "months": followup.months,
            "instruments": [a.instrument for a in opened],
        },
    )
    return True


def _email_body(followup: FollowUp) -> tuple[str, str]:
    client = followup.client
    practice = client.practice
    link = settings.SITE_URL.rstrip("/") + reverse(
        "aftercare:followup", args=[followup.uuid]
    )
    crisis = "\n".join(practice.crisis_line_list())
    # Nothing clinical: the email may be read on a shared device.
    body = (
        f"Hello {client.preferred_name or client.given_name},\n\n"
        f"Your follow-up check-in with {practice.name} is ready. It takes about "
        "five minutes. Sign in to your portal to answer it:\n"
        f"{link}\n" + (f"\nIf you need urgent help:\n{crisis}\n" if crisis else "")
    )
    return "Your follow-up check-in is ready", body


def _send_email(followup: FollowUp, *, now: datetime) -> bool:
    """Email the client once that the follow-up is ready: claim the row first
    (so two workers never both send), give the claim back if sending fails so
    the next sweep retries."""
    practice = followup.client.practice
    local = timezone.localtime(now, practice.zone).time()
    if practice.in_quiet_hours(local):
        return False
    claimed = FollowUp.objects.filter(
        pk=followup.pk, status=S.OPEN, email_sent_at__isnull=True
    ).update(email_sent_at=now)
    if not claimed:
        return False
    subject, body = _email_body(followup)
    try:
        send_mail(subject, body, None, [followup.client.email])
    except Exception:
        logger.exception("Follow-up %s: the email could not be sent", followup.uuid)
        FollowUp.objects.filter(pk=followup.pk).update(email_sent_at=None)
        return False
    record(None, "followup.email", followup)
    return True


def _each(label: str, ids: list[int], step: Any) -> int:
    done = 0
    for pk in ids:
        try:
            with transaction.atomic():
                if step(_locked(pk)):
                    done += 1
        except Exception:
            logger.exception("Aftercare sweep: %s failed for follow-up %s", label, pk)
    return done


def run_followups(now: datetime | None = None) -> dict[str, int]:
    """The hourly sweep. In order: compare and complete answered follow-ups;
    mark missed those open for 30 days; open those due today (practice time
    zone); email the client about each newly open one. Safe to run at any time
    and as often as wanted. Returns how many of each it did."""
    now = now or timezone.now()
    counts = {"completed": 0, "compared": 0, "missed": 0, "opened": 0, "emailed": 0}

    open_ids = list(FollowUp.objects.filter(status=S.OPEN).values_list("pk", flat=True))
    for pk in open_ids:
        try:
            with transaction.atomic():
                outcome = _settle(_locked(pk), now=now)
        except Exception:
            logger.exception("Aftercare sweep: settling follow-up %s failed", pk)
            continue
        if outcome:
            counts[outcome] += 1

    deadline = now - timedelta(days=MISSED_AFTER_DAYS)
    stale = list(
        FollowUp.objects.filter(status=S.OPEN, opened_at__lte=deadline).values_list(
            "pk", flat=True
        )
    )

    def miss(followup: FollowUp) -> bool:
        if followup.status != S.OPEN:
            return False
        _finish(followup, S.MISSED, now=now)
        return True

    counts["missed"] = _each("marking missed", stale, miss)

    # Due today somewhere on Earth; each practice's own date decides.
    latest_today = (now + timedelta(hours=14)).date()
    due = [
        f
        for f in FollowUp.objects.filter(status=S.SCHEDULED, due_on__lte=latest_today)
        .select_related("client__practice")
        .order_by("episode_id", "-due_on")
        if f.due_on <= f.client.practice.today(now)
    ]
    # Only the latest due follow-up of an episode opens (open_followup marks the
    # earlier ones missed): an episode moved into aftercare long ago gets one
    # check-in, not a pile.
    latest: dict[int, FollowUp] = {}
    for followup in due:
        latest.setdefault(followup.episode_id, followup)
    counts["opened"] = _each(
        "opening",
        [f.pk for f in latest.values()],
        lambda f: open_followup(f, now=now),
    )

    to_email = (
        FollowUp.objects.filter(
            status=S.OPEN, email_sent_at__isnull=True, client__user__isnull=False
        )
        .exclude(client__email="")
        .select_related("client__practice")
    )
    for followup in to_email:
        if _send_email(followup, now=now):
            counts["emailed"] += 1
    return counts


# -- the client's answers ---------------------------------------------------------


def clean_wellbeing(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not WELLBEING_MIN <= value <= WELLBEING_MAX
    ):
        raise ValidationError(
            f"Choose a number from {WELLBEING_MIN} (very badly) to "
            f"{WELLBEING_MAX} (very well)."
        )
    return value


def clean_note(note: object, *, limit: int = NOTE_MAX) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise ValidationError("The note must be text.")
    note = note.replace("\x00", "").strip()
    if len(note) > limit:
        raise ValidationError(f"Keep it to {limit} characters or fewer.")
    return note


def _refuse_unless_client(client: Client, by: User, doing: str) -> None:
    if client.user_id is None or client.user_id != by.pk:
        raise ValidationError(f"Only the client can {doing}.")


@transaction.atomic
def answer_followup(
    followup: FollowUp,
    *,
    wellbeing: Any,
    note: Any,
    using_plan: Any,
    wants_contact: Any,
    by: User,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> FollowUp:
    """Store the client's answers to the four questions (once: a resent form
    changes nothing). A wish to talk to the clinician asks for a booster
    session. Completes the follow-up when its questionnaires are in too."""
    now = now or timezone.now()
    followup = _locked(followup.pk)
    _refuse_unless_client(followup.client, by, "answer their follow-up")
    if followup.status != S.OPEN:
        raise ValidationError(
            "This check-in is closed, so it can no longer be answered."
        )
    if followup.is_answered:
        return followup
    if using_plan not in UsingPlan.values:
        raise ValidationError("Say whether you have been using your plan or skills.")
    if not isinstance(wants_contact, bool):
        raise ValidationError("Say whether you would like to talk to your clinician.")
    followup.set_answers(
        {
            "wellbeing": clean_wellbeing(wellbeing),
            "note": clean_note(note),
            "using_plan": using_plan,
            "wants_contact": wants_contact,
        }
    )
    followup.answered_at = now
    followup.save(update_fields=["answers", "answered_at"])
    record(by, "followup.answer", followup, request=request)
    if wants_contact:
        request_booster(
            followup.client, note="", by=by, followup=followup, request=request, now=now
        )
    _settle(followup, now=now, request=request)
    return followup


# -- booster sessions -------------------------------------------------------------


def offer_booster(
    followup: FollowUp, *, now: datetime, request: HttpRequest | None = None
) -> BoosterRequest:
    """Offer the client a booster session, unless one is already pending."""
    pending = (
        BoosterRequest.objects.select_for_update()
        .filter(client_id=followup.client_id, status__in=BoosterRequest.PENDING)
        .first()
    )
    if pending is not None:
        return pending
    booster = BoosterRequest.objects.create(
        client_id=followup.client_id,
        episode_id=followup.episode_id,
        followup=followup,
        status=B.OFFERED,
        offered_at=now,
        created_at=now,
    )
    record(None, "booster.offer", booster, request=request)
    return booster


@transaction.atomic
def request_booster(
    client: Client,
    *,
    note: Any,
    by: User,
    followup: FollowUp | None = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> BoosterRequest:
    """The client asks for a booster session: takes up the offer if there is
    one, else asks afresh (only while the episode is in aftercare). One pending
    request at a time: asking again returns it unchanged."""
    now = now or timezone.now()
    _refuse_unless_client(client, by, "ask for a booster session")
    note = clean_note(note)
    pending = (
        BoosterRequest.objects.select_for_update()
        .filter(client=client, status__in=BoosterRequest.PENDING)
        .first()
    )
    if pending is not None and pending.status == B.REQUESTED:
        return pending
    if pending is not None:
        pending.status = B.REQUESTED
        pending.requested_at = now
        pending.note = note
        pending.save(update_fields=["status", "requested_at", "note"])
        record(by, "booster.request", pending, request=request)
        return pending
    episode = client.current_episode()
    if episode is None or episode.phase != P.AFTERCARE:
        raise ValidationError(
            "A booster session can be asked for here after your treatment, while "
            "your follow-up check-ins run. Please contact your clinician directly."
        )
    booster = BoosterRequest(
        client=client,
        episode=episode,
        followup=followup,
        status=B.REQUESTED,
        requested_at=now,
        note=note,
        created_at=now,
    )
    try:
        # A savepoint: a double tap racing past the lookup above meets the
        # one-pending constraint, and the stored request is returned.
        with transaction.atomic():
            booster.save()
    except IntegrityError:
        return BoosterRequest.objects.get(
            client=client, status__in=BoosterRequest.PENDING
        )
    record(by, "booster.request", booster, request=request)
    return booster


RESPONSES = ("reopen", "new_episode", "decline")


@transaction.atomic
def respond_to_booster(
    booster: BoosterRequest,
    *,
    action: str,
    response: Any,
    by: User,
    request: HttpRequest | None = None,
) -> BoosterRequest:
    """The primary clinician's answer to a pending booster session:

    - ``reopen``: the episode, still in aftercare, goes back to active treatment;
    - ``new_episode``: the episode is closed, so a new one opens (referral),
      linked to it;
    - ``decline``: declined or arranged otherwise.

    ``response`` is recorded with it (and is the reason for the move).
    """
    booster = (
        BoosterRequest.objects.select_for_update(of=("self",))
        .select_related("client", "episode")
        .get(pk=booster.pk)
    )
    booster.client.refuse_unless_primary(by, "answer a booster-session request")
    if not booster.is_pending:
        raise ValidationError("This booster-session request was already answered.")
    if action not in RESPONSES:
        raise ValidationError("Choose what to do about the booster session.")
    response = clean_note(response, limit=RESPONSE_MAX)
    if not response:
        raise ValidationError("Write what you decided or arranged.")
    episode = booster.episode
    booster.response = response
    booster.responded_at = timezone.now()
    booster.responded_by = by
    fields = ["status", "response", "responded_at", "responded_by"]
    if action == "reopen":
        if episode.phase != P.AFTERCARE:
            raise ValidationError(
                "Treatment can be re-opened only while the episode is in aftercare."
                + (" It is closed: start a new episode." if not episode.is_open else "")
            )
        # Saved first: the move settles pending requests, and this one is answered.
        booster.status = B.REOPENED
        booster.save(update_fields=fields)
        transition_episode(episode, P.ACTIVE, by=by, reason=response, request=request)
    elif action == "new_episode":
        if episode.is_open:
            raise ValidationError(
                "The episode is still open: re-open treatment instead of starting "
                "a new episode."
            )
        booster.new_episode = open_episode(
            booster.client, by=by, reason=response, previous=episode, request=request
        )
        booster.status = B.NEW_EPISODE
        booster.save(update_fields=[*fields, "new_episode"])
    else:
        booster.status = B.DECLINED
        booster.save(update_fields=fields)
    record(by, f"booster.{action}", booster, request=request)
    return booster
