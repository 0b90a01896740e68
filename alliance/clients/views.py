"""Clinician pages for clients and episodes: registering and editing clients,
phase changes, consent and portal invitations. The client chart is composed by
``alliance.chart`` and the caseload list by ``alliance.home``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import User
from alliance.accounts.services import clients_in_care
from alliance.audit.services import record
from alliance.clients import services
from alliance.clients.forms import (
    ClientForm,
    ConsentForm,
    ConsentTextForm,
    NewClientForm,
    NewEpisodeForm,
    TransitionForm,
)
from alliance.clients.models import Client, Consent, ConsentText, Episode
from alliance.clients.selectors import caseload
from alliance.core.versioning import Conflict, model_form_conflict_page


@require_http_methods(["GET", "POST"])
def client_create(request: AuthenticatedRequest) -> HttpResponse:
    user = permissions.require_clinician(request)
    form = NewClientForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        clinician = data.pop("clinician")
        try:
            client = services.register_client(
                by=user, clinician=clinician, request=request, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{client.display_name} registered; a referral episode is open.",
            )
            if permissions.holds_client(user, client):
                return redirect(client)
            return redirect("clients:list")
    return render(request, "clients/client_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def client_edit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    client = permissions.get_client(request, uuid, write=True)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        fresh = Client.objects.get(pk=client.pk)
        try:
            services.update_client(
                fresh,
                by=request.user,
                version=form.cleaned_data["version"],
                request=request,
                **form.details(),
            )
        except Conflict as conflict:
            return model_form_conflict_page(
                request,
                conflict,
                ClientForm,
                action=reverse("clients:edit", args=[client.uuid]),
                back=client.get_absolute_url(),
                title=f"Client details: {conflict.current.display_name}",
            )
        messages.success(request, "Client details saved.")
        return redirect("chart:section", client.uuid, "documents")
    return render(request, "clients/client_form.html", {"form": form, "client": client})


def _refusal(text: str, episode: Episode, to: str) -> str:
    """The refusal as one message; when an open high-risk alert holds up the
    ending, with a link to each such alert."""
    if to not in Episode.ENDED_PHASES:
        return text
    alerts = list(episode.open_high_alerts())
    if not alerts:
        return text
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((alert.get_absolute_url(), alert.source) for alert in alerts),
    )
    return format_html("{} Open the alert: {}.", text, links)


@require_POST
def transition(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    episode = permissions.get_episode(request, uuid, write=True)
    form = TransitionForm(request.POST, episode=episode)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        # A phase not offered for this episode is explained by the rule itself.
        to = request.POST.get("to", "")
        refusal = episode.can_move_to(to) if to else None
        messages.error(
            request, _refusal(refusal, episode, to) if refusal else " ".join(errors)
        )
        return redirect("chart:episode", episode.client.uuid)
    to = form.cleaned_data["to"]
    try:
        services.transition_episode(
            episode,
            to,
            by=request.user,
            reason=form.cleaned_data["reason"],
            discharge=form.cleaned_data["discharge"],
            keep_appointments=request.POST.get("keep_appointments") == "1",
            request=request,
        )
    except ValidationError as exc:
        codes = {error.code for error in exc.error_list}
        if "future_appointments" in codes:
            # Not a refusal: the clinician sees what stays booked and confirms.
            return render(
                request,
                "clients/transition_confirm.html",
                {
                    "episode": episode,
                    "client": episode.client,
                    "to": to,
                    "to_label": Episode.Phase(to).label.lower(),
                    "reason": form.cleaned_data["reason"],
                    "appointments": list(episode.future_appointments()),
                },
            )
        messages.error(request, _refusal(" ".join(exc.messages), episode, to))
    else:
        messages.success(
            request,
            f"Episode moved to {Episode.Phase(form.cleaned_data['to']).label.lower()}.",
        )
    return redirect("chart:episode", episode.client.uuid)


@require_POST
def open_new_episode(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Open a new episode for a returning client, linked to their last one."""
    client = permissions.get_client(request, uuid, write=True)
    form = NewEpisodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for opening a new episode.")
        return redirect("chart:episode", client.uuid)
    try:
        services.open_episode(
            client,
            by=request.user,
            reason=form.cleaned_data["reason"],
            previous=client.episodes.order_by("-opened_at").first(),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "A new episode is open, in referral.")
    return redirect("chart:episode", client.uuid)


@require_POST
def invite_portal(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    client = permissions.get_client(request, uuid, write=True)
    try:
        services.invite_to_portal(
            client,
            by=request.user,
            base_url=request.build_absolute_uri("/"),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Portal invitation sent to {client.email}.")
    return redirect("chart:section", client.uuid, "documents")


@require_POST
def withdraw_consent(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    consent = permissions.get_clinical(
        request, Consent.objects.select_related("episode__client"), uuid, write=True
    )
    try:
        services.withdraw_consent(consent, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Consent recorded as withdrawn.")
    return redirect("chart:episode", consent.episode.client.uuid)


@require_http_methods(["GET", "POST"])
def consent(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Record the client's informed consent to the current consent text."""
    episode = permissions.get_episode(request, uuid, write=True)
    text = services.current_consent_text(episode.client.practice)
    if text is None:
        messages.error(
            request, "The practice admin has not published a consent text yet."
        )
        return redirect("chart:episode", episode.client.uuid)
    form = ConsentForm(request.POST or None, initial={"given_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(
                episode,
                consent_text=text,
                method=form.cleaned_data["method"],
                given_at=form.cleaned_data["given_at"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Consent recorded (version {text.version}).")
            return redirect("chart:episode", episode.client.uuid)
    return render(
        request,
        "clients/consent_form.html",
        {"form": form, "episode": episode, "text": text},
    )


@require_http_methods(["GET", "POST"])
def consent_texts(request: AuthenticatedRequest) -> HttpResponse:
    """The practice admin's consent text: edit to publish a new version."""
    admin = permissions.require_practice_admin(request)
    texts = ConsentText.objects.filter(practice=admin.practice)
    current = texts.first()
    form = ConsentTextForm(
        request.POST or None,
        initial={"title": current.title, "body": current.body} if current else None,
    )
    if request.method == "POST" and form.is_valid():
        text = services.publish_consent_text(
            admin.practice,  # type: ignore[arg-type]  # an admin belongs to a practice
            by=admin,
            request=request,
            **form.cleaned_data,
        )
        messages.success(request, f"Version {text.version} published.")
        return redirect("clients:consent_texts")
    return render(
        request,
        "clients/consent_texts.html",
        {"form": form, "texts": texts, "current": current},
    )


def consent_text_detail(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Any staff member may read any version of their practice's consent text."""
    text = permissions.get_practice_object(
        request, ConsentText.objects.all(), {"uuid": uuid}
    )
    return render(request, "clients/consent_text_detail.html", {"text": text})


@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, uuid: object) -> HttpResponse:
    """Hand a clinician's caseload to colleagues (practice admin): all to one,
    or client by client, with one reason; all or nothing."""
    admin = permissions.require_practice_admin(request)
    member = permissions.get_practice_object(
        request, User.objects.all(), {"uuid": uuid}, admin_only=True
    )
    rows = caseload(member)
    colleagues = list(
        User.objects.clinicians()
        .filter(practice_id=admin.practice_id)  # type: ignore[misc]  # None: IS NULL, as at run time
        .exclude(pk=member.pk)
    )
    by_uuid = {str(c.uuid): c for c in colleagues}
    errors: list[str] = []
    chosen: dict[str, str] = {}
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        everyone = request.POST.get("all_to", "")
        assignments = []
        for row in rows:
            picked = everyone or request.POST.get(f"to-{row.uuid}", "")
            chosen[str(row.uuid)] = picked
            if not picked:
                continue
            if picked not in by_uuid:
                errors.append(f"{row.display_name}: choose a colleague from the list.")
                continue
            assignments.append((row, by_uuid[picked]))
        if not reason:
            errors.append(
                "Give a reason for the transfer; each client's timeline shows it."
            )
        if not errors:
            try:
                changes = services.transfer_caseload(
                    member, assignments, by=admin, reason=reason, request=request
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                left = clients_in_care(member)
                text = (
                    f"{len(changes)} client{'s' if len(changes) != 1 else ''} "
                    f"transferred from {member}."
                )
                if left:
                    text += f" {left} in care still to transfer."
                messages.success(request, text)
                return redirect("caseload:transfer", member.uuid)
    record(
        admin,
        "caseload.transfer_view",
        member,
        request=request,
        detail={"clients": [str(r.uuid) for r in rows]},
    )
    for row in rows:
        row.chosen = chosen.get(str(row.uuid), "")  # type: ignore[attr-defined]  # for the page
    return render(
        request,
        "clients/transfer.html",
        {
            "member": member,
            "rows": rows,
            "in_care": sum(1 for r in rows if r.in_care),  # type: ignore[attr-defined, misc]  # set by caseload
            "colleagues": colleagues,
            "errors": errors,
            "reason": reason,
            "all_to": request.POST.get("all_to", "")
            if request.method == "POST"
            else "",
        },
        status=200,
    )
