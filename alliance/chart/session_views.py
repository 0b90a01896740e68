"""The therapy-session page: the session record and its progress note (edited,
signed, co-signed and added to here, answered to htmx as the ``#note-body``
partial), composed with the session's part of the treatment plan, the homework
to review and the open clinical prompts.

Page level like the rest of the chart: the notes app offers the note's forms
and services, plans, homework and measures their selectors and partials, and
the page puts them together. Each address stays under /notes/.
"""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.homework.selectors import review as homework_review
from alliance.measures.selectors import low_alliance_before, open_prompts
from alliance.notes import services
from alliance.notes.forms import AddendumForm, NoteForm
from alliance.notes.models import ProcessNote, ProgressNote, TherapySession
from alliance.notes.selectors import next_to_cosign
from alliance.notes.services import NoteConflict
from alliance.plans.selectors import session_plan

PAGE = "chart/session.html"


def _notes() -> QuerySet[ProgressNote]:
    return ProgressNote.objects.select_related(
        "episode__client",
        "session__appointment",
        "session__clinician",
        "author",
        "updated_by",
        "signed_by",
        "cosigned_by",
    )


def _render(
    request: AuthenticatedRequest,
    note: ProgressNote,
    *,
    status: int = 200,
    form: NoteForm | None = None,
    addendum_form: AddendumForm | None = None,
    **extra: Any,
) -> HttpResponse:
    """The session page, or only its ``#note-body`` for htmx."""
    user = request.user
    client = note.episode.client
    primary = permissions.is_primary_clinician(user, client)
    can_edit = not note.is_signed and note.author_id == user.pk and primary
    can_addend = note.is_signed and primary
    context = {
        "session": note.session,
        "appointment": note.session.appointment,
        "client": client,
        "note": note,
        "form": form or (NoteForm(note=note) if can_edit else None),
        "can_addend": can_addend,
        "addendum_form": addendum_form or (AddendumForm() if can_addend else None),
        "can_cosign": note.is_signed
        and not note.is_cosigned
        and services.supervises_author(user, note),
        "addenda": note.addenda.select_related("author"),
        # The latest alliance check before this session, when the client
        # disagreed with a statement: a prompt to ask about it.
        "alliance_prompt": low_alliance_before(note.episode, note.session.held_at),
        # Only ever the viewer's own process notes; nobody else's are looked up.
        "process_note": ProcessNote.objects.filter(
            session=note.session, author_id=user.pk
        ).first(),
        **extra,
    }
    template = f"{PAGE}#note-body" if request.htmx else PAGE
    return render(request, template, context, status=status)


def _conflict(
    request: AuthenticatedRequest, conflict: NoteConflict, *, status: int = 409
) -> HttpResponse:
    """Show the stored note next to the editor's unsaved text; nothing is lost."""
    current = _notes().get(pk=conflict.current.pk)
    if not NoteForm.carries_text(request.POST):
        # A bare signature on a stale version: nothing typed to keep.
        return _render(request, current, status=status, errors=conflict.messages)
    data = request.POST.copy()
    # Saving again from here is a deliberate overwrite of the version now shown.
    data["version"] = str(current.version)
    if current.is_signed:
        unsaved = [
            (label, request.POST.get(name, ""))
            for name, label, _, text in current.sections()
            if request.POST.get(name, "").strip() and request.POST.get(name, "") != text
        ]
        if request.POST.get("risk_notes", "").strip() not in ("", current.risk_notes):
            unsaved.append(("Risk details", request.POST["risk_notes"]))
        addendum = "\n\n".join(f"{label}: {text.strip()}" for label, text in unsaved)
        response = _render(
            request,
            current,
            status=status,
            errors=conflict.messages,
            unsaved=unsaved,
            addendum_form=AddendumForm(initial={"text": addendum}),
        )
    else:
        form = NoteForm(data, note=current)
        form.is_valid()
        form.add_error(None, conflict)
        response = _render(request, current, status=status, form=form, conflict=True)
    if request.htmx:
        reswap(retarget(response, "#note-body"), "outerHTML")
    return response


def session(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The session record: progress note (form while a draft), addenda, co-sign."""
    session = permissions.get_clinical(
        request, TherapySession.objects.select_related("appointment"), uuid
    )
    return _render(
        request,
        _notes().get(session=session),
        # Reached from the co-sign queue: offer "co-sign and open next".
        from_queue=request.GET.get("queue") == "1",
        queue_supervisee=request.GET.get("supervisee", "").strip()[:40],
        session_plan=session_plan(session, request.user),
        session_homework=homework_review(session.episode),
        session_prompts=open_prompts(session.episode.client),
    )


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    reading = request.method == "GET"
    note = permissions.get_clinical(
        request,
        _notes(),
        uuid,
        write=True,
        action="progressnote.view" if reading else None,
    )
    if reading:
        return _render(request, note)
    form = NoteForm(request.POST, note=note)
    if not form.is_valid():
        return _render(request, note, form=form)
    try:
        note = services.save_draft(
            note,
            by=request.user,
            version=form.cleaned_data["version"],
            request=request,
            **form.draft_fields(),
        )
    except NoteConflict as conflict:
        return _conflict(request, conflict)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render(request, note, form=form)
    if request.htmx:
        saved_at = timezone.localtime(note.updated_at)
        return _render(request, note, notice=f"Draft saved at {saved_at:%H:%M}.")
    messages.success(request, "Draft saved.")
    return redirect(note)


@require_POST
def sign(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Save the text sent with the request (if any), then sign and lock the note."""
    note = permissions.get_clinical(request, _notes(), uuid, write=True)
    form = NoteForm(request.POST, note=note)
    if not form.is_valid():
        return _render(request, note, form=form)
    user = request.user
    version = form.cleaned_data["version"]
    try:
        if NoteForm.carries_text(request.POST):
            # Saved in its own transaction, so a refused signature keeps the text.
            note = services.save_draft(
                note,
                by=user,
                version=version,
                request=request,
                **form.draft_fields(),
            )
            version = note.version
        note = services.sign_note(
            note,
            by=user,
            version=version,
            request=request,
        )
    except NoteConflict as conflict:
        return _conflict(request, conflict)
    except ValidationError as exc:
        if request.htmx:
            return _render(request, _notes().get(pk=note.pk), errors=exc.messages)
        messages.error(request, " ".join(exc.messages))
        return redirect(note)
    done = "Note signed and locked."
    if note.risk_level not in ("", ProgressNote.RiskLevel.NONE):
        done += " A risk alert was raised for the risk you recorded."
    if request.htmx:
        return _render(request, _notes().get(pk=note.pk), notice=done)
    messages.success(request, done)
    return redirect(note)


@require_POST
def cosign(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """A supervisor co-signs a supervisee's signed note. Read access is enough
    to reach it; the service checks the supervision itself."""
    note = permissions.get_clinical(request, _notes(), uuid, write=False)
    try:
        services.cosign_note(note, by=request.user, request=request)
    except ValidationError as exc:
        if request.htmx:
            return _render(request, note, errors=exc.messages)
        messages.error(request, " ".join(exc.messages))
        return redirect(note)
    if request.POST.get("next") == "queue":
        return _next_in_queue(request, request.POST.get("supervisee", ""))
    if request.htmx:
        return _render(request, _notes().get(pk=note.pk), notice="Note co-signed.")
    messages.success(request, "Note co-signed.")
    return redirect(note)


def _next_in_queue(request: AuthenticatedRequest, supervisee: str) -> HttpResponse:
    """After "co-sign and open next": the oldest note still awaiting the
    supervisor's co-signature (of the supervisee the queue was filtered to,
    if any), or the queue itself once it is empty."""
    user = request.user
    supervisee_id = None
    supervisee = supervisee.strip()
    if supervisee:
        supervisee_id = (
            User.objects.filter(uuid=supervisee, pk__in=user.supervisee_ids())
            .values_list("pk", flat=True)
            .first()
            if _is_uuid(supervisee)
            else None
        )
    following = next_to_cosign(user, supervisee_id)
    if following is None:
        messages.success(
            request, "Note co-signed. Nothing else awaits your co-signature."
        )
        return redirect("notes:cosign_queue")
    messages.success(request, "Note co-signed. Here is the next one.")
    query = "?queue=1" + (f"&supervisee={supervisee}" if supervisee_id else "")
    return redirect(reverse("chart:session", args=[following.session.uuid]) + query)


def _is_uuid(value: str) -> bool:
    try:
        uuid_module.UUID(value)
    except ValueError:
        return False
    return True


@require_POST
def addendum(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    note = permissions.get_clinical(request, _notes(), uuid, write=True)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.add_addendum(
                note,
                by=request.user,
                text=form.cleaned_data["text"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                return _render(request, note, notice="Addendum added.")
            messages.success(request, "Addendum added.")
            return redirect(note)
    return _render(request, note, addendum_form=form)
