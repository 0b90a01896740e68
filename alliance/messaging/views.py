"""Message pages. Clinicians reach a client's thread through the caseload
(``get_client``: the primary clinician writes, a supervisor reads, another
clinician's client is 404, admins 403); the client reaches only their own
(``get_own_client``). Forms post plainly (multipart, for the optional file)
and work without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.core.crypto import DecryptionError
from alliance.core.downloads import download_response
from alliance.messaging import selectors, services
from alliance.messaging.forms import MessageForm
from alliance.messaging.models import Message, MessageAttachment
from alliance.messaging.uploads import bounded_uploads


def _uploads(request: AuthenticatedRequest) -> list[Any]:
    return [f for name in request.FILES for f in request.FILES.getlist(name)]


def _covering(request: AuthenticatedRequest, client: Client) -> bool:
    """Whether the clinician reaches this thread only as the primary
    clinician's cover today (``permissions`` decides)."""
    user = request.user
    return (
        getattr(user, "is_clinical", False)
        and not services.is_primary(client, user)
        and permissions.covers_client(user, client)
    )


def _send(
    request: AuthenticatedRequest,
    client: Client,
    form: MessageForm,
    covering: bool = False,
) -> bool:
    """Send the posted message; on refusal put the reason on the form."""
    if not form.is_valid():
        return False
    try:
        services.send_message(
            client,
            form.cleaned_data["body"],
            by=request.user,
            files=_uploads(request),
            request=request,
            covering=covering,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@dataclass
class Shown:
    """A message as one reader sees it."""

    message: Message
    author: str
    # Sent by the reader's side (the client, or the care team).
    mine: bool
    # From the other side and not read before this page was opened.
    new: bool


def _shown(
    request: AuthenticatedRequest, client: Client, items: list[Message], covering: bool
) -> list[Shown]:
    by_client = services.is_client_side(client, request.user)
    marks = by_client or covering or services.is_primary(client, request.user)
    shown = []
    for m in items:
        if m.from_client:
            author = "You" if by_client else client.display_name
        else:
            author = str(m.sender)
        mine = m.from_client == by_client
        shown.append(Shown(m, author, mine, marks and not mine and m.read_at is None))
    return shown


def _thread_context(
    request: AuthenticatedRequest, client: Client, form: MessageForm, **extra: Any
) -> dict[str, Any]:
    page = selectors.thread_page(client, request.GET.get("page", 1))
    covering = extra.pop("covering", False)
    return {
        "client": client,
        "practice": client.practice,
        "page": page,
        "thread": _shown(request, client, page.object_list, covering),  # type: ignore[arg-type]  # thread_page made object_list a list
        "form": form,
        "covering": covering,
        "refusal": services.sending_refusal(client, request.user, covering=covering),
        "allow_attachments": client.practice.allow_message_attachments,
        **extra,
    }


# -- clinicians --------------------------------------------------------------------


@require_GET
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """Every conversation in the caseload, unread first; no message text."""
    user = permissions.require_clinician(request)
    threads = selectors.inbox(user, covering=permissions.covered_clinician_ids(user))
    record(
        user,
        "message.inbox_view",
        None,
        request=request,
        detail={"threads": len(threads)},
    )
    return render(
        request,
        "messaging/inbox.html",
        {"threads": threads, "message_emails": services.emails_wanted(user)},
    )


@bounded_uploads
@require_http_methods(["GET", "POST"])
def thread(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The conversation with one client; the primary clinician may reply, or
    the colleague covering them while they are away."""
    client = permissions.get_client(
        request, uuid, write=request.method == "POST", cover=True
    )
    covering = _covering(request, client)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if _send(request, client, form, covering):
            messages.success(request, f"Message sent to {client.display_name}.")
            return redirect("messaging:thread", client.uuid)
        return render(
            request,
            "messaging/thread.html",
            _thread_context(request, client, form, covering=covering),
        )
    # Listed before marking, so what was new still shows as new this once.
    context = _thread_context(request, client, form, covering=covering)
    services.read_thread(client, by=request.user, request=request, covering=covering)
    return render(request, "messaging/thread.html", context)


def _download(
    request: AuthenticatedRequest, attachment: MessageAttachment
) -> HttpResponseBase:
    try:
        data = attachment.data
        filename = attachment.filename
    except DecryptionError:
        record(
            request.user,
            "message.attachment_unreadable",
            attachment,
            request=request,
            client_uuid=attachment.message.client.uuid,
            outcome=AuditEvent.Outcome.FAILED,
        )
        raise Http404 from None
    response = download_response(data, filename, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachments() -> Any:
    return MessageAttachment.objects.select_related("message__client")


@require_GET
def attachment(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """Download a file from a thread the clinician may read."""
    found = permissions.get_clinical(
        request,
        _attachments(),
        uuid,
        action="message.attachment_download",
        cover=True,
    )
    return _download(request, found)


# -- the client's portal -------------------------------------------------------------


@bounded_uploads
@require_http_methods(["GET", "POST"])
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The client's conversation with their clinician. After therapy ends it
    can be read for the practice's set time, but not written in."""
    client = permissions.get_own_client(request, write=request.method == "POST")
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if _send(request, client, form):
            messages.success(
                request,
                "Message sent. Your clinician will read it when they are next "
                "working; it is not seen straight away.",
            )
            return redirect("messaging:mine")
        context = _thread_context(request, client, form, portal=True)
        return render(request, "messaging/mine.html", context)
    context = _thread_context(request, client, form, portal=True)
    services.read_thread(client, by=request.user, request=request)
    return render(request, "messaging/mine.html", context)


@require_GET
def mine_attachment(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """Download a file from the client's own thread; anyone else's is 404."""
    found = permissions.get_own(
        request, _attachments(), uuid, action="message.attachment_download"
    )
    return _download(request, found)


# -- emails about new messages ------------------------------------------------------


@require_POST
def email_choice(request: AuthenticatedRequest) -> HttpResponse:
    """Switch one's own emails about new messages on or off: a client from
    their reminder page (also after therapy ends), a clinician or supervisor
    from the inbox. Admins have no messages, so 403."""
    user = request.user
    if getattr(user, "role", None) == User.Role.CLIENT:
        permissions.get_own_client(request, keepsake=True)
        back = "reminders:preferences"
    else:
        user = permissions.require_clinician(request)
        back = "messaging:inbox"
    enabled = request.POST.get("enabled") == "on"
    services.set_message_emails(user, enabled, request=request)
    messages.success(
        request,
        "You will get an email when a new message reaches you."
        if enabled
        else "You will get no emails about new messages.",
    )
    return redirect(back)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in each message email: GET asks to confirm; POST switches the
    emails off (a mail scanner opening the link changes nothing)."""
    user = services.user_for_token(token)
    if user is None:
        return render(request, "messaging/unsubscribe_invalid.html", status=404)
    context = {"token": token, "is_client": user.role == User.Role.CLIENT}
    if request.method == "POST":
        services.set_message_emails(user, False, request=request)
        return render(request, "messaging/unsubscribed.html", context)
    return render(request, "messaging/unsubscribe.html", context)
