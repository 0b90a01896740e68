"""Coping toolbox pages.

Clinician side: the client's toolbox (``get_client``: the primary clinician
writes while an episode is open, a supervisor reads, admins and clients get
403, anyone else 404). Portal side: the client's own toolbox, which stays
theirs after therapy ends, so every portal view passes ``keepsake=True`` for
reads and writes alike.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.core.versioning import Conflict, conflict_page, rebind
from alliance.homework import guided
from alliance.toolbox import selectors, services
from alliance.toolbox.forms import (
    GuidedLogForm,
    LibrarySkillForm,
    NotesForm,
    OwnSkillForm,
    PracticeForm,
)
from alliance.toolbox.models import CopingSkill


def _skills() -> Any:
    return CopingSkill.objects.select_related("client__practice")


def _error(request: AuthenticatedRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _form_problem(form: Any) -> ValidationError:
    """The form's first errors as one message (for forms shown on a list)."""
    return ValidationError(
        [str(e) for errors in form.errors.values() for e in errors][:3]
    )


def _log_practice(
    request: AuthenticatedRequest, skill: CopingSkill, form: PracticeForm
) -> None:
    if not form.is_valid():
        raise _form_problem(form)
    data = form.cleaned_data
    services.log_practice(
        skill,
        practised_on=data["practised_on"],
        helpfulness=data["helpfulness"],
        note=data["note"],
        idempotency_key=data["idempotency_key"],
        by=request.user,
        request=request,
    )


# -- clinician --------------------------------------------------------------------


def _client_page(
    request: AuthenticatedRequest, client: Client, **forms: Any
) -> HttpResponse:
    toolbox = selectors.client_toolbox(client)
    can_edit = (
        permissions.is_primary_clinician(request.user, client) and toolbox.episode_open
    )
    return render(
        request,
        "toolbox/client.html",
        {
            "client": client,
            "toolbox": toolbox,
            "can_edit": can_edit,
            "library_form": forms.get("library_form") or toolbox.library_form,
            "own_form": forms.get("own_form") or toolbox.own_form,
        },
    )


@require_GET
def client(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """All the client's skills, with their notes and practice logs."""
    found = permissions.get_client(request, uuid)
    record(
        request.user,
        "coping_toolbox.view",
        None,
        request=request,
        client_uuid=found.uuid,
    )
    return _client_page(request, found)


def _back(request: AuthenticatedRequest, client: Client) -> HttpResponse:
    # A fixed choice of pages, never a URL from the form (no open redirect).
    if request.POST.get("back") == "chart":
        return redirect("chart:section", client.uuid, "homework")
    return redirect("toolbox:client", client.uuid)


@require_POST
def add_from_library(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    found = permissions.get_client(request, uuid, write=True)
    form = LibrarySkillForm(request.POST)
    if form.is_valid():
        try:
            skill = services.add_skill_from_library(
                found,
                form.cleaned_data["technique"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"“{skill.title}” added; the client sees it in their portal."
            )
            return _back(request, found)
    return _client_page(request, found, library_form=form)


@require_POST
def add_skill(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    found = permissions.get_client(request, uuid, write=True)
    form = OwnSkillForm(request.POST)
    if form.is_valid():
        try:
            skill = services.add_own_skill(
                found,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{skill.title}” added to the toolbox.")
            return redirect("toolbox:client", found.uuid)
    return _client_page(request, found, own_form=form)


def _clinician_skill(request: AuthenticatedRequest, uuid: object) -> CopingSkill:
    return permissions.get_clinical(request, _skills(), uuid, write=True)


def _notes_conflict(
    request: AuthenticatedRequest,
    conflict: Conflict,
    *,
    action: str,
    back: str,
    label: str = "",
    portal: dict[str, Any] | None = None,
) -> HttpResponse:
    """The notes as now stored next to the unsaved ones (409)."""
    stored = conflict.current
    form = rebind(NotesForm, request, stored.version)
    if label:
        form.fields["notes"].label = label
    return conflict_page(
        request,
        conflict,
        form=form,
        saved=[(str(form.fields["notes"].label), stored.client_notes or "—")],
        action=action,
        back=back,
        title=f"Notes on “{stored.title}”",
        context=portal,
        template="portal/conflict.html" if portal is not None else None,
    )


@require_POST
def skill_notes(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    skill = _clinician_skill(request, uuid)
    form = NotesForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_problem(form)
        services.update_skill_notes(
            skill,
            notes=form.cleaned_data["notes"],
            by=request.user,
            version=form.cleaned_data["version"],
            request=request,
        )
    except Conflict as conflict:
        return _notes_conflict(
            request,
            conflict,
            action=reverse("toolbox:skill_notes", args=[skill.uuid]),
            back=reverse("toolbox:client", args=[skill.client.uuid]),
            label="In the client's words",
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "Notes saved.")
    return redirect("toolbox:client", skill.client.uuid)


@require_POST
def skill_log(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    skill = _clinician_skill(request, uuid)
    try:
        _log_practice(request, skill, PracticeForm(request.POST))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "Practice logged.")
    return redirect("toolbox:client", skill.client.uuid)


@require_POST
def archive(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    skill = _clinician_skill(request, uuid)
    try:
        services.archive_skill(skill, by=request.user, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"“{skill.title}” put away; its log is kept.")
    return redirect("toolbox:client", skill.client.uuid)


@require_POST
def restore(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    skill = _clinician_skill(request, uuid)
    try:
        services.restore_skill(skill, by=request.user, request=request)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"“{skill.title}” is back in the toolbox.")
    return redirect("toolbox:client", skill.client.uuid)


# -- portal -----------------------------------------------------------------------


def _portal(client: Client, **extra: Any) -> dict[str, Any]:
    return {"client": client, "practice": client.practice, "portal": True, **extra}


def _mine_page(
    request: AuthenticatedRequest, client: Client, form: OwnSkillForm | None = None
) -> HttpResponse:
    return render(
        request,
        "toolbox/mine.html",
        _portal(
            client,
            toolbox=selectors.portal_toolbox(client),
            form=form or OwnSkillForm(),
        ),
    )


@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The client's toolbox: their skills and a form to add their own."""
    found = permissions.get_own_client(request, keepsake=True)
    record(
        request.user,
        "coping_toolbox.portal_view",
        None,
        request=request,
        client_uuid=found.uuid,
    )
    return _mine_page(request, found)


@require_POST
def add_own(request: AuthenticatedRequest) -> HttpResponse:
    found = permissions.get_own_client(request, write=True, keepsake=True)
    form = OwnSkillForm(request.POST)
    if form.is_valid():
        try:
            skill = services.add_own_skill(
                found,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{skill.title}” is in your toolbox.")
            return redirect("toolbox:skill", skill.uuid)
    return _mine_page(request, found, form)


def _own_skill(
    request: AuthenticatedRequest, uuid: object, *, write: bool
) -> CopingSkill:
    return permissions.get_own(request, _skills(), uuid, write=write, keepsake=True)


def _skill_page(
    request: AuthenticatedRequest,
    skill: CopingSkill,
    *,
    notes_form: NotesForm | None = None,
    practice_form: PracticeForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    today = services.client_today(skill.client)
    return render(
        request,
        "toolbox/skill.html",
        _portal(
            skill.client,
            skill=skill,
            technique=skill.library_entry(),
            practices=selectors.skill_practices(skill),
            notes_form=notes_form
            or NotesForm(
                initial={"notes": skill.client_notes, "version": skill.version}
            ),
            practice_form=practice_form
            or PracticeForm(initial={"practised_on": today}),
            errors=errors or [],
        ),
    )


@require_GET
def skill(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """One skill: the client's notes, the practice log, and for a library
    skill what it is for and its steps."""
    return _skill_page(request, _own_skill(request, uuid, write=False))


@require_POST
def notes(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    found = _own_skill(request, uuid, write=True)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            services.update_skill_notes(
                found,
                notes=form.cleaned_data["notes"],
                by=request.user,
                version=form.cleaned_data["version"],
                request=request,
            )
        except Conflict as conflict:
            return _notes_conflict(
                request,
                conflict,
                action=reverse("toolbox:notes", args=[found.uuid]),
                back=reverse("toolbox:skill", args=[found.uuid]),
                portal=_portal(found.client),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your notes are saved.")
            return redirect("toolbox:skill", found.uuid)
    return _skill_page(request, found, notes_form=form)


@require_POST
def log(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    found = _own_skill(request, uuid, write=True)
    form = PracticeForm(request.POST)
    try:
        _log_practice(request, found, form)
    except ValidationError as exc:
        if form.is_bound and not form.errors:
            form.add_error(None, exc)
        return _skill_page(request, found, practice_form=form)
    messages.success(request, "Practice logged. Well done for making time for it.")
    return redirect("toolbox:skill", found.uuid)


@require_POST
def archive_mine(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    found = _own_skill(request, uuid, write=True)
    services.archive_skill(found, by=request.user, request=request)
    messages.success(
        request, f"“{found.title}” is put away. Your notes and log are kept."
    )
    return redirect("toolbox:mine")


@require_POST
def restore_mine(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    found = _own_skill(request, uuid, write=True)
    try:
        services.restore_skill(found, by=request.user, request=request)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("toolbox:mine")
    messages.success(request, f"“{found.title}” is back in your toolbox.")
    return redirect("toolbox:skill", found.uuid)


# -- guided exercises, any time ---------------------------------------------------


def _exercises_page(
    request: AuthenticatedRequest, client: Client, form: GuidedLogForm
) -> HttpResponse:
    # ``?fast=1`` speeds the timer up for browser tests, never in production.
    fast = settings.DEBUG and request.GET.get("fast") == "1"
    panel = guided.panel(guided.TEMPLATE, fast=fast)
    return render(
        request,
        "toolbox/exercises.html",
        {
            "client": client,
            "practice": client.practice,
            "portal": True,
            "guided": panel,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
def exercises(request: AuthenticatedRequest) -> HttpResponse:
    """The breathing pacer, body scan and grounding, whenever the client wants
    them, also after therapy ends (a keepsake). POST logs the exercise done
    as a practice of its skill in the client's own toolbox."""
    found = permissions.get_own_client(
        request, write=request.method == "POST", keepsake=True
    )
    if request.method == "GET":
        record(
            request.user,
            "guided_exercises.view",
            None,
            request=request,
            client_uuid=found.uuid,
        )
        return _exercises_page(request, found, GuidedLogForm())
    form = GuidedLogForm(request.POST)
    if not form.is_valid():
        return _exercises_page(request, found, form)
    data = form.cleaned_data
    try:
        practice = services.log_guided_exercise(
            found,
            data["method"],
            minutes=data["minutes"],
            helpfulness=data["helpfulness"],
            by=request.user,
            idempotency_key=data["idempotency_key"],
            request=request,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _exercises_page(request, found, form)
    messages.success(
        request,
        f"Logged in your coping toolbox under “{practice.skill.title}”. "
        "Well done for making time for it.",
    )
    return redirect("toolbox:skill", practice.skill.uuid)
