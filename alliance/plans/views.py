from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.clients.models import Episode
from alliance.core.pdf import pdf_response, render_pdf
from alliance.core.versioning import Conflict, conflict_page, rebind, stored_rows
from alliance.notes.models import TherapySession
from alliance.plans import services
from alliance.plans.forms import (
    AchieveForm,
    AcknowledgeForm,
    DropForm,
    GoalForm,
    GoalReviseForm,
    MeasuresForm,
    PlanForm,
    RatingForm,
    technique_groups,
)
from alliance.plans.models import Goal, TreatmentPlan, TreatmentPlanVersion
from alliance.plans.selectors import goals_page, session_plan
from alliance.plans.services import RecordConflict

SESSION_PARTIAL = "plans/_session_plan.html"


def _can_edit(request: AuthenticatedRequest, episode: Episode) -> bool:
    return episode.is_open and permissions.is_primary_clinician(
        request.user, episode.client
    )


def _goal(request: AuthenticatedRequest, uuid: object, *, write: bool) -> Goal:
    return permissions.get_clinical(
        request, Goal.objects.select_related("episode"), uuid, write=write
    )


# -- goals ------------------------------------------------------------------------


def goals(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The episode's goals: scales, ratings, status, and the GAS T-score."""
    episode = permissions.get_episode(request, uuid)
    return render(
        request,
        "plans/goals.html",
        {
            "episode": episode,
            "client": episode.client,
            "page": goals_page(episode),
            "can_edit": _can_edit(request, episode),
        },
    )


@require_http_methods(["GET", "POST"])
def goal_create(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    episode = permissions.get_episode(request, uuid, write=True)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.create_goal(
                episode, by=request.user, request=request, **form.content()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal saved with its attainment scale.")
            return redirect(goal)
    return render(
        request,
        "plans/goal_form.html",
        {"form": form, "episode": episode, "client": episode.client, "goal": None},
    )


@require_http_methods(["GET", "POST"])
def goal_revise(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    goal = _goal(request, uuid, write=True)
    form = GoalReviseForm(
        request.POST or None, initial={**goal.content(), "version": goal.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_goal(
                goal,
                by=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                request=request,
                **form.content(),
            )
        except Conflict as conflict:
            stored = conflict.current
            last = stored.versions.order_by("-number").first()
            return conflict_page(
                request,
                conflict,
                form=rebind(GoalReviseForm, request, stored.version),
                values={"reason": last.reason if last else ""},
                action=request.path,
                back=stored.get_absolute_url(),
                title="Revise the goal",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal revised; the earlier version is kept.")
            return redirect(goal)
    return render(
        request,
        "plans/goal_form.html",
        {
            "form": form,
            "episode": goal.episode,
            "client": goal.episode.client,
            "goal": goal,
        },
    )


def _goal_status(
    request: AuthenticatedRequest, uuid: object, *, dropping: bool
) -> HttpResponse:
    goal = _goal(request, uuid, write=True)
    form_class = DropForm if dropping else AchieveForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if dropping:
                services.drop_goal(
                    goal,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            else:
                services.achieve_goal(
                    goal,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    request=request,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, "Goal dropped." if dropping else "Goal marked as achieved."
            )
            return redirect(goal)
    return render(
        request,
        "plans/goal_status.html",
        {
            "form": form,
            "goal": goal,
            "episode": goal.episode,
            "client": goal.episode.client,
            "dropping": dropping,
        },
    )


@require_http_methods(["GET", "POST"])
def goal_achieve(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    return _goal_status(request, uuid, dropping=False)


@require_http_methods(["GET", "POST"])
def goal_drop(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    return _goal_status(request, uuid, dropping=True)


@require_http_methods(["GET", "POST"])
def goal_rate(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Rate a goal between sessions (ratings in a session are made on the
    session page)."""
    goal = _goal(request, uuid, write=True)
    form = RatingForm(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_goal(
                goal,
                form.cleaned_data["level"],
                by=request.user,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Rating recorded.")
            return redirect(goal)
    return render(
        request,
        "plans/goal_rate.html",
        {
            "form": form,
            "goal": goal,
            "episode": goal.episode,
            "client": goal.episode.client,
        },
    )


# -- treatment plans -------------------------------------------------------------------


def plan(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The episode's treatment plan: the current version and the earlier ones."""
    episode = permissions.get_episode(request, uuid)
    treatment_plan = (
        TreatmentPlan.objects.filter(episode=episode).select_related("current").first()
    )
    versions = (
        list(
            treatment_plan.versions.select_related(
                "created_by", "acknowledgement__recorded_by"
            ).defer("problems", "frequency_note", "reason")
        )
        if treatment_plan
        else []
    )
    return render(
        request,
        "plans/plan.html",
        {
            "episode": episode,
            "client": episode.client,
            "plan": treatment_plan,
            "version": treatment_plan.current if treatment_plan else None,
            "versions": versions,
            "can_edit": _can_edit(request, episode),
        },
    )


def _plan_form(
    request: AuthenticatedRequest,
    episode: Episode,
    *,
    treatment_plan: TreatmentPlan | None,
) -> HttpResponse:
    current = treatment_plan.current if treatment_plan else None
    reviewing = treatment_plan is not None
    data = request.POST if request.method == "POST" else None
    initial = None
    if current is None:
        initial = {
            "next_review": services.practice_today(episode) + timedelta(weeks=6),
            "session_frequency": TreatmentPlanVersion.Frequency.WEEKLY,
        }
    form = PlanForm(
        data, episode=episode, version=current, reviewing=reviewing, initial=initial
    )
    measures = MeasuresForm(data, version=current)
    if data is not None:
        selected = [s for s in data.getlist("interventions") if isinstance(s, str)]
    else:
        selected = list(current.interventions) if current else []
    conflict: dict[str, Any] = {}
    status = 200
    if data is not None and form.is_valid() and measures.is_valid():
        arguments: dict[str, Any] = {
            **form.content(),
            "interventions": selected,
            "measures": measures.measures(),
        }
        try:
            if treatment_plan is None:
                services.create_plan(
                    episode, by=request.user, request=request, **arguments
                )
            else:
                services.review_plan(
                    treatment_plan,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                    request=request,
                    **arguments,
                )
        except Conflict as exc:
            form, conflict = _plan_conflict(request, episode, exc)
            current = exc.current.current
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Plan reviewed: a new version is saved and the earlier one kept."
                if reviewing
                else "Treatment plan saved.",
            )
            return redirect("plans:plan", episode.uuid)
    response = render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "measures_form": measures,
            "groups": technique_groups("", selected),
            "episode": episode,
            "client": episode.client,
            "plan": treatment_plan,
            "version": current,
            **conflict,
        },
        status=status,
    )
    if conflict and request.htmx:
        reswap(retarget(response, "body"), "innerHTML")
    return response


def _plan_conflict(
    request: AuthenticatedRequest, episode: Episode, conflict: Conflict
) -> tuple[PlanForm, dict[str, Any]]:
    """The reviewer's form, bound again at the stored version, and the plan as
    someone else saved it meanwhile, shown above the form (409)."""
    stored = conflict.current.current
    data = request.POST.copy()
    data["version"] = str(conflict.current.version)
    form = PlanForm(data, episode=episode, version=stored, reviewing=True)
    form.is_valid()
    form.add_error(None, conflict)
    saved = stored_rows(form, stored, {"reason": stored.reason})
    saved.append(
        (
            "Planned interventions",
            "; ".join(n for _, n, _ in stored.intervention_list()) or "—",
        )
    )
    return form, {
        "saved": saved,
        "saved_by": stored.created_by,
        "saved_at": stored.created_at,
    }


@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    episode = permissions.get_episode(request, uuid, write=True)
    if TreatmentPlan.objects.filter(episode=episode).exists():
        messages.info(request, "This episode already has a plan: review it instead.")
        return redirect("plans:plan", episode.uuid)
    return _plan_form(request, episode, treatment_plan=None)


@require_http_methods(["GET", "POST"])
def plan_review(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    treatment_plan = permissions.get_clinical(
        request,
        TreatmentPlan.objects.select_related("current"),
        uuid,
        write=True,
    )
    return _plan_form(request, treatment_plan.episode, treatment_plan=treatment_plan)


@require_GET
def technique_picker(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The technique checkboxes filtered by the search box (htmx)."""
    episode = permissions.get_episode(request, uuid, write=True)
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "plans/_technique_picker.html",
        {
            "groups": technique_groups(query, request.GET.getlist("interventions")),
            "episode": episode,
            "q": query,
        },
    )


def plan_version(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """One version of a plan, as it was written."""
    version = permissions.get_clinical(
        request,
        TreatmentPlanVersion.objects.select_related(
            "created_by", "plan__current", "acknowledgement__recorded_by"
        ),
        uuid,
    )
    episode = version.plan.episode
    return render(
        request,
        "plans/plan_version.html",
        {
            "version": version,
            "plan": version.plan,
            "episode": episode,
            "client": episode.client,
            "can_edit": _can_edit(request, episode),
        },
    )


@require_GET
def plan_version_pdf(request: HttpRequest, uuid: object) -> HttpResponseBase:
    """One version of the plan as a PDF, with the client's signature block."""
    version = permissions.get_clinical(
        request,
        TreatmentPlanVersion.objects.select_related(
            "created_by",
            "plan__episode__client__practice",
            "acknowledgement__recorded_by",
        ),
        uuid,
    )
    client = version.plan.episode.client
    pdf = render_pdf(
        "plans/plan_version_pdf.html",
        {
            "version": version,
            "client": client,
            "practice": client.practice,
            "digest": version.content_digest(),
            "printed_at": timezone.now(),
        },
        base_url=request.build_absolute_uri("/"),
    )
    return pdf_response(
        pdf, f"treatment-plan-v{version.number}-{version.created_at:%Y-%m-%d}.pdf"
    )


@require_http_methods(["GET", "POST"])
def plan_acknowledge(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Record the client's acknowledgement of a plan version."""
    version = permissions.get_clinical(
        request,
        TreatmentPlanVersion.objects.select_related("plan__episode"),
        uuid,
        write=True,
    )
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_plan_version(
                version,
                by=request.user,
                method=form.cleaned_data["method"],
                given_at=form.cleaned_data["given_at"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Acknowledgement of version {version.number} recorded."
            )
            return redirect(version)
    episode = version.plan.episode
    return render(
        request,
        "plans/acknowledge.html",
        {
            "form": form,
            "version": version,
            "episode": episode,
            "client": episode.client,
        },
    )


# -- session records -------------------------------------------------------------------


def _session_response(
    request: AuthenticatedRequest,
    session: TherapySession,
    context: Any,
    *,
    status: int = 200,
) -> HttpResponse:
    template = SESSION_PARTIAL if request.htmx else "plans/session_record.html"
    response = render(
        request,
        template,
        {"session_plan": context, "session": session, "client": session.client},
        status=status,
    )
    if request.htmx and status == 409:
        reswap(retarget(response, "#session-plan"), "outerHTML")
    return response


@require_http_methods(["GET", "POST"])
def session_record(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The plan's part of a session: read it, or save it (htmx, optimistic)."""
    writing = request.method == "POST"
    session = permissions.get_clinical(
        request,
        TherapySession.objects.select_related("episode", "appointment"),
        uuid,
        write=writing,
    )
    user = request.user
    if not writing:
        return _session_response(request, session, session_plan(session, user))
    context = session_plan(session, user, data=request.POST)
    form = context.form
    if form is None:  # write access already means the primary clinician
        raise PermissionDenied
    if not form.is_valid():
        return _session_response(request, session, context)
    try:
        services.save_session_record(
            session, by=user, request=request, **form.service_arguments()
        )
    except RecordConflict as conflict:
        context = session_plan(
            session, user, data=request.POST, version=conflict.current.version
        )
        if context.form is not None:
            context.form.is_valid()
            context.form.add_error(None, conflict)
        context.extra["conflict"] = True
        return _session_response(request, session, context, status=409)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _session_response(request, session, context)
    if request.htmx:
        context = session_plan(session, user)
        context.extra["notice"] = "Session plan record saved."
        return _session_response(request, session, context)
    messages.success(request, "Session plan record saved.")
    return redirect(session)
