"""Risk alerts, measures, goals, homework and appointments.

Free text a client or clinician wrote about the client's inner life stays on
the pages (docs/api.md, "What is withheld"): alert wording and actions taken,
homework answers and comments, goal-rating notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import zone_of
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert
from alliance.api.common import (
    DEFAULT_LIMIT,
    InSchema,
    audit_list,
    page,
    require_if_match,
)
from alliance.api.main import require_write
from alliance.api.problems import Problem
from alliance.clients.models import Client
from alliance.homework import services as homework
from alliance.homework.models import HomeworkAssignment
from alliance.measures import services as measures
from alliance.measures.models import Administration, MeasureSchedule
from alliance.plans import services as plans
from alliance.plans.models import Goal, GoalRating
from alliance.scheduling import services as scheduling
from alliance.scheduling.forms import BookAppointmentForm
from alliance.scheduling.models import Appointment

router = Router(tags=["care"])


def _open_episode(client: Client) -> Any:
    episode = client.current_episode()
    if episode is None or not episode.is_open:
        raise Problem(
            422, "refused", "Refused", "The client has no open episode of care."
        )
    return episode


# --- risk alerts ----------------------------------------------------------------


class AlertOut(Schema):
    uuid: UUID
    client: UUID
    severity: str
    source_type: str
    raised_at: datetime
    acknowledged_at: datetime | None
    escalated_at: datetime | None


class AlertPage(Schema):
    items: list[AlertOut]
    next: str | None = None


class AcknowledgeIn(InSchema):
    action_taken: str = Field(..., min_length=1, max_length=5000)


def alert_out(alert: RiskAlert) -> dict[str, Any]:
    return {
        "uuid": alert.uuid,
        "client": alert.client.uuid,
        "severity": alert.severity,
        "source_type": alert.source_type,
        "raised_at": alert.raised_at,
        "acknowledged_at": alert.acknowledged_at,
        "escalated_at": alert.escalated_at,
    }


@router.get(
    "/alerts", response=AlertPage, url_name="alert_list", summary="Your clients' alerts"
)
def alert_list(
    request: AuthenticatedRequest,
    open: bool = True,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    """Risk alerts of the clients you hold (open ones unless ``open=false``).
    The alert's wording is withheld: read it on its page."""
    user = permissions.require_clinician(request)
    queryset = RiskAlert.objects.in_caseload_of(user).select_related("client")
    if open:
        queryset = queryset.filter(acknowledged_at__isnull=True)
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="alerts")
    audit_list(request, "riskalert.list", rows)
    return {"items": [alert_out(a) for a in rows], "next": following}


@router.post(
    "/alerts/{uuid}/acknowledgement",
    response=AlertOut,
    url_name="alert_acknowledge",
    summary="Acknowledge an alert",
)
def alert_acknowledge(
    request: AuthenticatedRequest, uuid: UUID, payload: AcknowledgeIn
):
    """With the action taken; the primary clinician, their cover, or a duty
    access holder, as on the alert's page."""
    require_write(request)
    alert = permissions.get_alert(request, uuid, write=True)
    with transaction.atomic():
        alert = acknowledge_alert(
            alert, by=request.user, action_taken=payload.action_taken, request=request
        )
    return alert_out(alert)


# --- measures -------------------------------------------------------------------


class ScheduleOut(Schema):
    uuid: UUID
    episode: UUID
    instrument: str
    when: str
    every_n_weeks: int | None
    share_with_client: bool
    active: bool
    created_at: datetime


class SchedulePage(Schema):
    items: list[ScheduleOut]
    next: str | None = None


class ScheduleIn(InSchema):
    instrument: str = Field(..., min_length=1, max_length=40)
    when: MeasureSchedule.When
    every_n_weeks: int | None = Field(None, ge=1, le=52)
    share_with_client: bool = False


def schedule_out(schedule: MeasureSchedule) -> dict[str, Any]:
    return {
        "uuid": schedule.uuid,
        "episode": schedule.episode.uuid,
        "instrument": schedule.instrument,
        "when": schedule.when,
        "every_n_weeks": schedule.every_n_weeks,
        "share_with_client": schedule.share_with_client,
        "active": schedule.active,
        "created_at": schedule.created_at,
    }


@router.get(
    "/clients/{uuid}/measure-schedules",
    response=SchedulePage,
    url_name="schedule_list",
    summary="Measures assigned to a client",
)
def schedule_list(
    request: AuthenticatedRequest,
    uuid: UUID,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    client = permissions.get_client(request, uuid)
    queryset = MeasureSchedule.objects.filter(episode__client=client).select_related(
        "episode"
    )
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="schedules")
    audit_list(request, "measure_schedule.list", rows, obj=client)
    return {"items": [schedule_out(s) for s in rows], "next": following}


@router.post(
    "/clients/{uuid}/measure-schedules",
    response={201: ScheduleOut},
    url_name="schedule_create",
    summary="Assign a measure",
)
def schedule_create(request: AuthenticatedRequest, uuid: UUID, payload: ScheduleIn):
    """To the client's open episode, once or every n weeks."""
    require_write(request)
    client = permissions.get_client(request, uuid, write=True)
    episode = _open_episode(client)
    with transaction.atomic():
        schedule = measures.schedule_measure(
            episode,
            payload.instrument,
            when=payload.when,
            every_n_weeks=payload.every_n_weeks,
            share_with_client=payload.share_with_client,
            by=request.user,
            request=request,
        )
    return 201, schedule_out(schedule)


class AdministrationOut(Schema):
    uuid: UUID
    client: UUID
    episode: UUID
    instrument: str
    instrument_version: str
    status: str
    mode: str
    total: float | None
    band: str
    band_label: str
    caseness: bool | None
    subscales: dict[str, Any]
    risk: bool | None = Field(
        description="Whether an answer flagged risk (a risk alert was raised)."
    )
    taken_at: datetime | None
    submitted_at: datetime | None


class AdministrationPage(Schema):
    items: list[AdministrationOut]
    next: str | None = None


def administration_out(administration: Administration) -> dict[str, Any]:
    return {
        "uuid": administration.uuid,
        "client": administration.client.uuid,
        "episode": administration.episode.uuid,
        "instrument": administration.instrument,
        "instrument_version": administration.instrument_version,
        "status": administration.status,
        "mode": administration.mode,
        "total": administration.total,
        "band": administration.band,
        "band_label": administration.band_label,
        "caseness": administration.caseness,
        "subscales": administration.subscales or {},
        "risk": administration.risk,
        "taken_at": administration.taken_at,
        "submitted_at": administration.submitted_at,
    }


@router.get(
    "/clients/{uuid}/administrations",
    response=AdministrationPage,
    url_name="administration_list",
    summary="A client's submitted measures with scores",
)
def administration_list(
    request: AuthenticatedRequest,
    uuid: UUID,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    client = permissions.get_client(request, uuid)
    queryset = Administration.objects.submitted().filter(client=client)
    queryset = queryset.select_related("client", "episode")
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="admins")
    audit_list(request, "administration.list", rows, obj=client)
    return {"items": [administration_out(a) for a in rows], "next": following}


@router.get(
    "/administrations/{uuid}",
    response=AdministrationOut,
    url_name="administration_detail",
    summary="One submitted measure with its scores",
)
def administration_detail(request: AuthenticatedRequest, uuid: UUID):
    administration = permissions.get_clinical(
        request, Administration.objects.submitted().select_related("episode"), uuid
    )
    return administration_out(administration)


# --- goals ------------------------------------------------------------------------


class GoalOut(Schema):
    uuid: UUID
    episode: UUID
    statement: str
    target_date: date
    status: str
    latest_level: int | None
    version: int


class GoalPage(Schema):
    items: list[GoalOut]
    next: str | None = None


class RatingIn(InSchema):
    level: int = Field(..., ge=-2, le=2, description="Goal attainment scale level.")


class RatingOut(Schema):
    uuid: UUID
    goal: UUID
    level: int
    rated_at: datetime


def with_latest_level(queryset: Any) -> Any:
    latest = GoalRating.objects.filter(goal=OuterRef("pk")).order_by("-rated_at", "-pk")
    return queryset.annotate(latest_level=Subquery(latest.values("level")[:1]))


def goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "uuid": goal.uuid,
        "episode": goal.episode.uuid,
        "statement": goal.statement,
        "target_date": goal.target_date,
        "status": goal.status,
        "latest_level": goal.latest_level,  # type: ignore[attr-defined]  # from with_latest_level
        "version": goal.version,
    }


@router.get(
    "/clients/{uuid}/goals",
    response=GoalPage,
    url_name="goal_list",
    summary="A client's goals",
)
def goal_list(
    request: AuthenticatedRequest,
    uuid: UUID,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    client = permissions.get_client(request, uuid)
    queryset = with_latest_level(
        Goal.objects.filter(episode__client=client).select_related("episode")
    )
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="goals")
    audit_list(request, "goal.list", rows, obj=client)
    return {"items": [goal_out(g) for g in rows], "next": following}


@router.get("/goals/{uuid}", response=GoalOut, url_name="goal_detail", summary="A goal")
def goal_detail(request: AuthenticatedRequest, response: HttpResponse, uuid: UUID):
    goal = permissions.get_clinical(request, with_latest_level(Goal.objects), uuid)
    response["ETag"] = f'"{goal.version}"'
    return goal_out(goal)


@router.post(
    "/goals/{uuid}/ratings",
    response={201: RatingOut},
    url_name="goal_rate",
    summary="Rate a goal",
)
def goal_rate(request: AuthenticatedRequest, uuid: UUID, payload: RatingIn):
    """Where the client stands on the goal's scale now (primary clinician)."""
    require_write(request)
    goal = permissions.get_clinical(request, Goal.objects.all(), uuid, write=True)
    with transaction.atomic():
        rating = plans.rate_goal(goal, payload.level, by=request.user, request=request)
    return 201, {
        "uuid": rating.uuid,
        "goal": goal.uuid,
        "level": rating.level,
        "rated_at": rating.rated_at,
    }


# --- homework ---------------------------------------------------------------------


class EntryOut(Schema):
    uuid: UUID
    for_date: date
    status: str
    submitted_at: datetime | None


class HomeworkOut(Schema):
    uuid: UUID
    episode: UUID
    template: str
    title: str
    starts_on: date
    due_date: date | None
    recurrence: str
    status: str
    entries: list[EntryOut] = Field(
        description="The client's entries; what they wrote is withheld."
    )


class HomeworkPage(Schema):
    items: list[HomeworkOut]
    next: str | None = None


def homework_out(assignment: HomeworkAssignment) -> dict[str, Any]:
    return {
        "uuid": assignment.uuid,
        "episode": assignment.episode.uuid,
        "template": assignment.template,
        "title": assignment.title,
        "starts_on": assignment.starts_on,
        "due_date": assignment.due_date,
        "recurrence": assignment.recurrence,
        "status": assignment.status,
        "entries": [
            {
                "uuid": entry.uuid,
                "for_date": entry.for_date,
                "status": entry.status,
                "submitted_at": entry.submitted_at,
            }
            for entry in assignment.entries.all()
        ],
    }


@router.get(
    "/clients/{uuid}/homework",
    response=HomeworkPage,
    url_name="homework_list",
    summary="A client's homework and entries",
)
def homework_list(
    request: AuthenticatedRequest,
    uuid: UUID,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    client = permissions.get_client(request, uuid)
    queryset = (
        HomeworkAssignment.objects.filter(client=client)
        .select_related("episode")
        .prefetch_related("entries")
    )
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="homework")
    audit_list(request, "homeworkassignment.list", rows, obj=client)
    return {"items": [homework_out(h) for h in rows], "next": following}


class AssignIn(InSchema):
    template: str = Field(..., min_length=1, max_length=40)
    title: str = Field("", max_length=200)
    instructions: str = Field(..., min_length=1, max_length=5000)
    technique: str = Field("", max_length=100)
    due_date: date | None = None
    recurrence: HomeworkAssignment.Recurrence = HomeworkAssignment.Recurrence.NONE
    weekdays: list[int] = Field(default_factory=list, max_length=7)
    reminder: bool = False


@router.post(
    "/clients/{uuid}/homework",
    response={201: HomeworkOut},
    url_name="homework_assign",
    summary="Set homework",
)
def homework_assign(request: AuthenticatedRequest, uuid: UUID, payload: AssignIn):
    """For the client's open episode (primary clinician), with the homework
    page's checks (a due date, or how often it repeats; not after treatment)."""
    require_write(request)
    client = permissions.get_client(request, uuid, write=True)
    episode = _open_episode(client)
    with transaction.atomic():
        assignment = homework.assign_homework(
            episode,
            by=request.user,
            template=payload.template,
            title=payload.title,
            instructions=payload.instructions,
            technique=payload.technique,
            due_date=payload.due_date,
            recurrence=payload.recurrence,
            weekdays=payload.weekdays,
            reminder=payload.reminder,
            request=request,
        )
    return 201, homework_out(assignment)


@router.get(
    "/homework/{uuid}",
    response=HomeworkOut,
    url_name="homework_detail",
    summary="One homework assignment and its entries",
)
def homework_detail(request: AuthenticatedRequest, uuid: UUID):
    assignment = permissions.get_clinical(
        request, HomeworkAssignment.objects.select_related("episode"), uuid
    )
    return homework_out(assignment)


# --- appointments ---------------------------------------------------------------


class AppointmentOut(Schema):
    uuid: UUID
    client: UUID
    clinician: UUID
    starts_at: datetime
    ends_at: datetime
    status: str
    modality: str
    version: int


class AppointmentPage(Schema):
    items: list[AppointmentOut]
    next: str | None = None


class StatusIn(InSchema):
    status: Appointment.Status
    reason: str = Field("", max_length=500)


def appointment_tag(appointment: Appointment) -> str:
    """Changes with a reschedule (the version) and a status change."""
    return f"{appointment.version}-{appointment.status}"


def appointment_out(appointment: Appointment) -> dict[str, Any]:
    return {
        "uuid": appointment.uuid,
        "client": appointment.client.uuid,
        "clinician": appointment.clinician.uuid,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "status": appointment.status,
        "modality": appointment.modality,
        "version": appointment.version,
    }


@router.get(
    "/appointments",
    response=AppointmentPage,
    url_name="appointment_list",
    summary="Appointments on your calendar",
)
def appointment_list(
    request: AuthenticatedRequest, cursor: str | None = None, limit: int = DEFAULT_LIMIT
):
    """Appointments on the calendars you may see (your own; a supervisor's
    supervisees'; every clinician's for the practice admin)."""
    user = permissions.require_staff(request)
    clinicians = permissions.visible_clinicians(user)
    queryset = Appointment.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
        clinician__in=clinicians, client__practice_id=user.practice_id
    ).select_related("client", "clinician")
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="appts")
    audit_list(request, "appointment.list", rows)
    return {"items": [appointment_out(a) for a in rows], "next": following}


class BookIn(InSchema):
    client: UUID
    clinician: UUID | None = Field(
        None, description="Practice admins only: whose calendar (default: yours)."
    )
    starts_at: datetime = Field(
        description="With an offset; without one, in the practice's time zone."
    )
    duration_minutes: int = Field(50, ge=1, le=1440)
    modality: Appointment.Modality = Appointment.Modality.IN_PERSON
    location: str = Field("", max_length=200)


@router.post(
    "/appointments",
    response={201: AppointmentOut},
    url_name="appointment_book",
    summary="Book an appointment",
)
def appointment_book(
    request: AuthenticatedRequest, response: HttpResponse, payload: BookIn
):
    """A clinician books their own clients on their own calendar; the practice
    admin any client of the practice with any clinician (the booking page's
    rules and form)."""
    require_write(request)
    user = permissions.require_staff(request)
    starts_at = payload.starts_at
    zone = zone_of(user.practice)
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, zone)
    data = {
        "client": str(payload.client),
        "starts_at": timezone.localtime(starts_at, zone).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": str(payload.duration_minutes),
        "modality": payload.modality,
        "location": payload.location,
    }
    if payload.clinician is not None:
        data["clinician"] = str(payload.clinician)
    with timezone.override(zone):
        form = BookAppointmentForm(data, user=user)
        valid = form.is_valid()
    if not valid:
        raise Problem(
            422,
            "invalid",
            "Invalid request",
            "The booking cannot be made as sent; nothing was booked.",
            errors=[
                {"field": field, "message": str(message)}
                for field, messages in form.errors.items()
                for message in messages
            ],
        )
    cleaned = form.cleaned_data
    with transaction.atomic():
        appointment = scheduling.book_appointment(
            client=cleaned["client"],
            clinician=cleaned.get("clinician") or user,
            starts_at=starts_at,
            duration_minutes=cleaned["duration_minutes"],
            modality=cleaned["modality"],
            location=cleaned["location"],
            by=user,
            request=request,
        )
    response["ETag"] = f'"{appointment_tag(appointment)}"'
    return 201, appointment_out(appointment)


@router.get(
    "/appointments/{uuid}",
    response=AppointmentOut,
    url_name="appointment_detail",
    summary="An appointment",
)
def appointment_detail(
    request: AuthenticatedRequest, response: HttpResponse, uuid: UUID
):
    appointment = permissions.get_appointment(request, uuid)
    response["ETag"] = f'"{appointment_tag(appointment)}"'
    return appointment_out(appointment)


@router.post(
    "/appointments/{uuid}/status",
    response=AppointmentOut,
    url_name="appointment_status",
    summary="Mark an appointment attended, cancelled, …",
)
def appointment_status(
    request: AuthenticatedRequest, response: HttpResponse, uuid: UUID, payload: StatusIn
):
    """Needs ``If-Match`` with the appointment's ETag."""
    require_write(request)
    appointment = permissions.get_appointment(request, uuid, write=True)
    require_if_match(request, appointment_tag(appointment))
    with transaction.atomic():
        scheduling.set_status(
            appointment,
            payload.status,
            by=request.user,
            reason=payload.reason,
            request=request,
        )
    appointment = Appointment.objects.select_related("client", "clinician").get(
        pk=appointment.pk
    )
    response["ETag"] = f'"{appointment_tag(appointment)}"'
    return appointment_out(appointment)
