"""Homework pages. Clinicians assign, end, review and comment through the
chart; the client fills entries in through the portal (``get_own``: anyone
else's assignment is 404)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.homework import guided, services
from alliance.homework.forms import AssignForm, CommentForm
from alliance.homework.models import HomeworkAssignment, HomeworkEntry
from alliance.homework.templates_catalog import answers_from_post, get_template, shown


@require_http_methods(["GET", "POST"])
def assign(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Set homework from a template for the episode's client."""
    episode = permissions.get_episode(request, uuid, write=True)
    refusal = services.assign_refusal(episode)
    if refusal:
        # Treatment has ended: say so instead of offering the form.
        return render(
            request, "homework/assign.html", {"episode": episode, "refusal": refusal}
        )
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_homework(
                episode, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Homework assigned.")
            return redirect("chart:section", episode.client.uuid, "homework")
    return render(request, "homework/assign.html", {"episode": episode, "form": form})


@require_POST
def end(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    assignment = permissions.get_clinical(
        request,
        HomeworkAssignment.objects.select_related("episode__client"),
        uuid,
        write=True,
    )
    services.end_assignment(assignment, by=request.user, request=request)
    messages.success(request, "Homework ended; nothing more is due.")
    return redirect("chart:homework_review", assignment.episode.uuid)


@require_POST
def comment(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    entry = permissions.get_clinical(
        request,
        HomeworkEntry.objects.select_related("assignment__episode__client"),
        uuid,
        write=True,
    )
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Write a comment before saving.")
        services.comment_on_entry(
            entry,
            by=request.user,
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Comment saved; the client sees it with their entry.")
    return redirect("chart:homework_review", entry.assignment.episode.uuid)


# -- portal ------------------------------------------------------------------------


def _own_assignment(
    request: AuthenticatedRequest, uuid: object, day: str, write: bool
) -> tuple[HomeworkAssignment, date]:
    assignment = permissions.get_own(
        request,
        HomeworkAssignment.objects.select_related("client__practice", "episode"),
        uuid,
        write=write,
    )
    try:
        for_date = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    # Only a due day has a form; any other date is not a page.
    if not assignment.is_occurrence(for_date, services.client_today(assignment)):
        raise Http404
    return assignment, for_date


def _entry_context(
    request: AuthenticatedRequest,
    assignment: HomeworkAssignment,
    day: date,
    entry: HomeworkEntry | None,
    answers: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    client = assignment.client
    # ``?fast=1`` speeds the guided timer up for browser tests, never in production.
    fast = settings.DEBUG and request.GET.get("fast") == "1"
    if answers is None:
        answers = entry.answers if entry else {}
    return {
        "client": client,
        "practice": client.practice,
        "portal": True,
        "assignment": assignment,
        "template": get_template(assignment.template),
        "day": day,
        "entry": entry,
        "version": entry.version if entry else 0,
        "fields": shown(assignment.template, answers, form=True),
        "sent_answers": shown(assignment.template, answers, form=False),
        "guided": guided.panel(assignment.template, fast=fast),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def entry(request: AuthenticatedRequest, uuid: object, day: str) -> HttpResponse:
    """The client's form for one occurrence: save a draft, or send it."""
    assignment, for_date = _own_assignment(request, uuid, day, request.method == "POST")
    stored = HomeworkEntry.objects.filter(
        assignment=assignment, for_date=for_date
    ).first()
    if request.method == "GET":
        return render(
            request,
            "homework/entry.html",
            _entry_context(request, assignment, for_date, stored),
        )
    answers = answers_from_post(assignment.template, request.POST)
    try:
        if request.POST.get("action") == "submit":
            services.submit_entry(
                assignment, for_date, answers, by=request.user, request=request
            )
            messages.success(request, "Sent to your clinician. Thank you.")
            return redirect("portal:home")
        saved = services.save_entry_draft(
            assignment,
            for_date,
            answers,
            by=request.user,
            version=_version(request),
            request=request,
        )
    except ValidationError as exc:
        return render(
            request,
            "homework/entry.html",
            _entry_context(
                request, assignment, for_date, stored, answers, errors=exc.messages
            ),
        )
    if saved.not_saved:
        # The rest is saved; show the form again with what needs fixing.
        return render(
            request,
            "homework/entry.html",
            _entry_context(
                request,
                assignment,
                for_date,
                saved,
                answers,
                errors=_not_saved(saved.not_saved),
            ),
        )
    messages.success(request, "Saved. You can come back to it later.")
    return redirect("homework:entry", assignment.uuid, for_date.isoformat())


def _not_saved(problems: list[str] | tuple[str, ...]) -> list[str]:
    return [f"Not saved: {problem}" for problem in problems]


def _version(request: AuthenticatedRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
def autosave(request: AuthenticatedRequest, uuid: object, day: str) -> HttpResponse:
    """Save the draft as the client types; answers the status line (and the
    new version) to htmx, or goes back to the form after a plain POST."""
    assignment, for_date = _own_assignment(request, uuid, day, True)
    answers = answers_from_post(assignment.template, request.POST)
    context: dict[str, Any] = {"assignment": assignment, "day": for_date}
    try:
        saved = services.save_entry_draft(
            assignment,
            for_date,
            answers,
            by=request.user,
            version=_version(request),
            request=request,
        )
    except ValidationError as exc:
        context.update(status_errors=exc.messages, version=_version(request))
    else:
        context.update(
            saved=saved,
            version=saved.version,
            not_saved=_not_saved(saved.not_saved),
        )
    if request.htmx:
        return render(request, "homework/entry.html#save-status", context)
    if "status_errors" in context:
        messages.error(request, " ".join(context["status_errors"]))
    elif context["not_saved"]:
        # The valid answers were saved: a warning about the rest, not a refusal.
        messages.warning(request, " ".join(context["not_saved"]))
    return redirect("homework:entry", assignment.uuid, for_date.isoformat())
