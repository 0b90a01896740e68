from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.notes import selectors, services
from alliance.notes.forms import ProcessNoteForm, StartSessionForm
from alliance.notes.models import ProcessNote
from alliance.notes.services import NoteConflict
from alliance.scheduling.models import Appointment

# The session page itself (the session record, its progress note and the
# note's editing, signing, co-signing and addenda) is composed by the chart
# (alliance.chart.session_views): it shows the plans, homework and measures
# parts of the session beside the note.


@require_POST
def start(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Start the session record (and draft progress note) for a held appointment."""
    appointment = permissions.get_clinical(
        request, Appointment.objects.all(), uuid, write=True
    )
    form = StartSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose SOAP, DAP or BIRP for the progress note.")
        return redirect(appointment)
    try:
        session = services.start_session(
            appointment,
            by=request.user,
            structure=form.cleaned_data["structure"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(appointment)
    messages.success(request, "Session record started; the progress note is a draft.")
    return redirect(session)


@require_http_methods(["GET", "POST"])
def process_note(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The author's private process notes for one session."""
    note = permissions.get_clinical(
        request,
        ProcessNote.objects.select_related("session__appointment"),
        uuid,
        write=request.method == "POST",
    )
    form = ProcessNoteForm(request.POST or None, process_note=note)
    status = 200
    theirs = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_process_note(
                note.session,
                by=request.user,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
                request=request,
            )
        except NoteConflict as conflict:
            theirs = conflict.current
            data = request.POST.copy()
            data["version"] = str(theirs.version)
            form = ProcessNoteForm(data, process_note=theirs)
            form.is_valid()
            form.add_error(None, conflict)
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Process notes saved.")
            return redirect(note)
    return render(
        request,
        "notes/process_note.html",
        {
            "process_note": note,
            "session": note.session,
            "client": note.session.client,
            "form": form,
            "theirs": theirs,
            "saved": [("Process notes", theirs.text or "—")] if theirs else [],
        },
        status=status,
    )


QUEUE_PAGE_SIZE = 25


def cosign_queue(request: HttpRequest) -> HttpResponse:
    """The supervisor's co-sign queue: supervisees' signed notes awaiting the
    co-signature, oldest first, paged, optionally for one supervisee."""
    user = permissions.require_supervisor(request)
    supervisees = list(
        User.objects.filter(pk__in=user.supervisee_ids()).order_by("full_name", "pk")
    )
    chosen = None
    wanted = request.GET.get("supervisee", "").strip()
    if wanted:
        chosen = next((s for s in supervisees if str(s.uuid) == wanted), None)
        if chosen is None:
            messages.error(
                request,
                "That clinician is not one of your supervisees; showing everyone's "
                "notes.",
            )
    paginator = Paginator(
        selectors.cosign_queue(user, chosen.pk if chosen else None), QUEUE_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    record(
        user,
        "note.cosign_queue.view",
        None,
        request=request,
        detail={"count": paginator.count, "page": page.number},
    )
    return render(
        request,
        "notes/cosign_queue.html",
        {
            "page": page,
            "supervisees": supervisees,
            "chosen": chosen,
            "now": timezone.now(),
        },
    )
