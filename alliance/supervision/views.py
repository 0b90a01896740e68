"""Supervision records. A supervisor records sessions with their current
supervisees (``require_supervisor``); a record is read by its supervisor and
its supervisee only (``get_supervision_session``: anyone else 404, admins and
clients 403), changed by its supervisor on the day it was written until they
mark it final, and its agreed actions ticked done by either of them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.supervision import selectors, services
from alliance.supervision.forms import SupervisionSessionForm

PAGE_SIZE = 25


def _supervisees(user: User) -> list[User]:
    return list(
        User.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            pk__in=user.supervisee_ids(), practice_id=user.practice_id
        ).order_by("full_name", "pk")
    )


def _chosen(
    request: AuthenticatedRequest, people: list[User], wanted: str
) -> User | None:
    wanted = wanted.strip()
    if not wanted:
        return None
    chosen = next((p for p in people if str(p.uuid) == wanted), None)
    if chosen is None:
        messages.error(request, "That clinician is not one of your supervisees.")
    return chosen


@require_GET
def session_list(request: AuthenticatedRequest) -> HttpResponse:
    """The records the user supervised or was supervised in, newest first;
    a supervisor may show one supervisee's."""
    user = permissions.require_clinician(request)
    is_supervisor = user.role == User.Role.SUPERVISOR
    people: list[User] = []
    if is_supervisor:
        # Former supervisees too: their records stay the supervisor's.
        people = list(
            User.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
                Q(pk__in=user.supervisee_ids())
                | Q(supervision_sessions_received__supervisor=user),
                practice_id=user.practice_id,
            )
            .distinct()
            .order_by("full_name", "pk")
        )
    chosen = _chosen(request, people, request.GET.get("supervisee", ""))
    paginator = Paginator(
        selectors.sessions_of(user, chosen.pk if chosen else None), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    record(
        user,
        "supervisionsession.list",
        None,
        request=request,
        detail={"count": paginator.count, "page": page.number},
    )
    return render(
        request,
        "supervision/list.html",
        {
            "page": page,
            "people": people,
            "chosen": chosen,
            "is_supervisor": is_supervisor,
            "may_record": bool(user.supervisee_ids()),
        },
    )


@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest) -> HttpResponse:
    """Record a supervision session with one current supervisee: first choose
    whom (skipped when there is one), then the form, which offers only that
    supervisee's clients."""
    user = permissions.require_supervisor(request)
    people = _supervisees(user)
    source = request.POST if request.method == "POST" else request.GET
    asked = source.get("supervisee", "").strip()
    supervisee = _chosen(request, people, asked)
    if not asked and len(people) == 1:
        supervisee = people[0]
    if supervisee is None:
        record(user, "supervisionsession.new", None, request=request)
        return render(request, "supervision/choose.html", {"people": people})
    clients = selectors.clients_to_discuss(supervisee)
    form = SupervisionSessionForm(
        request.POST if request.method == "POST" else None,
        clients=clients,
        initial={"held_on": user.practice.today()} if user.practice else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_session(
                user, supervisee, form.session_input(), request=request
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Supervision session recorded.")
            return redirect(session)
    # The form lists the supervisee's clients by name.
    record(
        user,
        "supervisionsession.new",
        None,
        request=request,
        detail={"supervisee": str(supervisee.uuid)},
    )
    return render(
        request,
        "supervision/form.html",
        {"form": form, "supervisee": supervisee, "session": None},
    )


@require_GET
def detail(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    session = permissions.get_supervision_session(request, uuid)
    user = request.user
    return render(
        request,
        "supervision/detail.html",
        {
            "session": session,
            "clients": session.clients_named,
            "actions": list(session.actions.select_related("done_by")),
            "is_supervisor": user.pk == session.supervisor_id,
            "locked": session.is_locked(),
        },
    )


def _edit_clients(session: Any) -> Any:
    """The supervisee's clients, and any discussed before who has moved on."""
    return (
        Client.objects.filter(
            Q(practice_id=session.practice_id, clinician_id=session.supervisee_id)
            | Q(supervision_discussions__session=session)
        )
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    session = permissions.get_supervision_session(request, uuid, write=True)
    if session.is_locked():
        messages.error(
            request,
            "This record is final or was written on an earlier day; "
            "it can no longer be changed.",
        )
        return redirect(session)
    actions = [a.text for a in session.actions.all()]
    form = SupervisionSessionForm(
        request.POST if request.method == "POST" else None,
        clients=_edit_clients(session),
        initial={
            "held_on": session.held_on,
            "clients": session.clients_named,
            "actions": "\n".join(actions),
            "notes": session.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_session(
                session, form.session_input(), by=request.user, request=request
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Supervision record saved.")
            return redirect(session)
    return render(
        request,
        "supervision/form.html",
        {"form": form, "supervisee": session.supervisee, "session": session},
    )


@require_POST
def finalise(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    session = permissions.get_supervision_session(request, uuid, write=True)
    try:
        services.finalise_session(session, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The record is final; it now reads as written.")
    return redirect(session)


@require_POST
def action_done(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    action = permissions.get_agreed_action(request, uuid)
    done = request.POST.get("done")
    if done not in ("1", "0"):
        messages.error(request, "Choose whether the action is done.")
    else:
        try:
            services.set_action_done(
                action, done == "1", by=request.user, request=request
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(action.session)
