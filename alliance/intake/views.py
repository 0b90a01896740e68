from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.core.pdf import pdf_response
from alliance.intake import services
from alliance.intake.forms import (
    AddendumForm,
    ContactReviewForm,
    PreIntakeForm,
    SectionForm,
)
from alliance.intake.models import (
    CHOICE_FIELDS,
    SECTION_FIELDS,
    Intake,
    IntakeSection,
    PreIntakeRequest,
    ProvisionalDiagnosis,
)
from alliance.intake.pdf import summary_pdf
from alliance.intake.selectors import count_filled, prefill_for
from alliance.intake.services import IntakeLocked, SectionConflict

PAGE = "intake/intake_detail.html"
KEYS = list(IntakeSection.Key.values)


def _intakes() -> QuerySet[Intake]:
    return Intake.objects.select_related(
        "episode__client__clinician",
        "episode__client__practice",
        "episode__clinician",
        "created_by",
        "completed_by",
    )


def _sections(intake: Intake) -> list[IntakeSection]:
    sections = list(intake.sections.select_related("updated_by"))
    for section in sections:
        section.intake = intake
    return sorted(sections, key=lambda s: KEYS.index(s.key))


def _values(section: IntakeSection) -> list[tuple[str, str]]:
    """(label, text) of each field, choices shown by their label."""
    values = []
    for name, label, _ in SECTION_FIELDS[section.key]:
        if name in CHOICE_FIELDS:
            text = getattr(section, f"get_{name}_display")()
        else:
            text = getattr(section, name)
        values.append((label, text))
    return values


@dataclass
class Card:
    """One section as shown on the intake page: read-only, or its form."""

    section: IntakeSection
    diagnoses: list[ProvisionalDiagnosis]
    form: SectionForm | None = None
    notice: str = ""
    errors: list[str] = field(default_factory=list)
    prefilled_on: datetime | None = None
    # On a conflict: the stored section, shown beside the editor's copy.
    saved: IntakeSection | None = None
    # On a refused save of a locked intake: what the editor typed.
    unsaved: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def label(self) -> str:
        return self.section.get_key_display()

    @property
    def values(self) -> list[tuple[str, str]]:
        return _values(self.section)

    @property
    def saved_values(self) -> list[tuple[str, str]]:
        return _values(self.saved) if self.saved is not None else []


def _can_write(request: AuthenticatedRequest, intake: Intake) -> bool:
    client = intake.episode.client
    return not intake.is_completed and permissions.is_primary_clinician(
        request.user, client
    )


def _card(
    request: AuthenticatedRequest,
    intake: Intake,
    section: IntakeSection,
    diagnoses: list[ProvisionalDiagnosis],
    fills: dict[str, dict[str, str]],
    pre: PreIntakeRequest | None,
) -> Card:
    card = Card(section=section, diagnoses=diagnoses)
    if _can_write(request, intake):
        # The client's answers fill a section nobody has saved yet; they become
        # the clinician's text only when the clinician saves it.
        prefill = fills.get(section.key) if section.version == 1 else None
        if prefill and section.is_empty() and pre is not None:
            card.prefilled_on = pre.completed_at
        else:
            prefill = None
        card.form = SectionForm(section=section, prefill=prefill)
    return card


def _page_context(
    request: AuthenticatedRequest,
    intake: Intake,
    *,
    replace: Card | None = None,
    addendum_form: AddendumForm | None = None,
) -> dict[str, Any]:
    client = intake.episode.client
    primary = permissions.is_primary_clinician(request.user, client)
    diagnoses = list(intake.diagnoses.all())
    pre, fills = prefill_for(intake)
    cards = []
    for section in _sections(intake):
        if replace is not None and section.key == replace.key:
            cards.append(replace)
        else:
            cards.append(_card(request, intake, section, diagnoses, fills, pre))
    can_addend = intake.is_completed and primary
    return {
        "intake": intake,
        "client": client,
        "episode": intake.episode,
        "cards": cards,
        "filled": sum(1 for c in cards if not _is_empty(c)),
        "can_write": _can_write(request, intake),
        "completion_refusal": services.completion_refusal(intake)
        if not intake.is_completed
        else None,
        "can_addend": can_addend,
        "addendum_form": addendum_form or (AddendumForm() if can_addend else None),
        "addenda": intake.addenda.select_related("author"),
        "pre_intake": pre,
    }


def _is_empty(card: Card) -> bool:
    if card.key == IntakeSection.Key.DIAGNOSES:
        return not card.diagnoses
    return not any(str(v).strip() for _, v in card.values)


def _render_page(
    request: AuthenticatedRequest, intake: Intake, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    return render(
        request, PAGE, _page_context(request, intake, **kwargs), status=status
    )


def _section_response(
    request: AuthenticatedRequest, intake: Intake, card: Card, *, status: int = 200
) -> HttpResponse:
    """The section's card alone for htmx; the whole page otherwise."""
    if request.htmx:
        context = {"intake": intake, "card": card, "client": intake.episode.client}
        return render(request, f"{PAGE}#section", context, status=status)
    return _render_page(request, intake, replace=card, status=status)


def intake_detail(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The intake: one card per section, each saved on its own."""
    intake = permissions.get_clinical(request, _intakes(), uuid)
    return _render_page(request, intake)


@require_POST
def start(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    episode = permissions.get_episode(request, uuid, write=True)
    try:
        intake = services.start_intake(episode, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("chart:section", episode.client.uuid, "documents")
    messages.success(request, "Intake started. Each section saves on its own.")
    return redirect(intake)


@require_POST
def section(request: AuthenticatedRequest, uuid: object, key: str) -> HttpResponse:
    """Save one section (htmx gets that section's card back)."""
    intake = permissions.get_clinical(request, _intakes(), uuid, write=True)
    if key not in KEYS:
        raise Http404
    current = intake.sections.select_related("updated_by").get(key=key)
    current.intake = intake
    diagnoses = list(intake.diagnoses.all())
    form = SectionForm(request.POST, section=current)
    if intake.is_completed:
        return _locked(request, intake, current, diagnoses, form)
    if not form.is_valid():
        card = Card(section=current, diagnoses=diagnoses, form=form)
        return _section_response(request, intake, card)
    try:
        saved = services.save_section(
            intake,
            key,
            by=request.user,
            version=form.cleaned_data["version"],
            request=request,
            **form.section_fields(),
        )
    except SectionConflict as conflict:
        return _conflict(request, intake, conflict, form)
    except IntakeLocked:
        return _locked(request, intake, current, diagnoses, form)
    except ValidationError as exc:
        form.add_error(None, exc)
        card = Card(section=current, diagnoses=diagnoses, form=form)
        return _section_response(request, intake, card)
    saved.intake = intake
    done = f"{saved.get_key_display()} saved at {timezone.localtime(saved.updated_at):%H:%M}."
    if key == IntakeSection.Key.RISK and services.risk_signalled(saved):
        done += " The risk you recorded has an open risk alert on the client's chart."
    if request.htmx:
        card = Card(
            section=saved,
            diagnoses=list(intake.diagnoses.all()),
            form=SectionForm(section=saved),
            notice=done,
        )
        return _section_response(request, intake, card)
    messages.success(request, done)
    return redirect(saved.get_absolute_url())


def _conflict(
    request: AuthenticatedRequest,
    intake: Intake,
    conflict: SectionConflict,
    form: SectionForm,
) -> HttpResponse:
    """Show the stored section next to the editor's unsaved copy; saving again
    from here deliberately replaces the version now shown."""
    theirs = conflict.current
    theirs.intake = intake
    data = request.POST.copy()
    data["version"] = str(theirs.version)
    mine = SectionForm(data, section=theirs)
    mine.is_valid()
    mine.add_error(None, conflict)
    card = Card(
        section=theirs,
        diagnoses=list(intake.diagnoses.all()),
        form=mine,
        saved=theirs,
    )
    return _section_response(request, intake, card, status=409)


def _locked(
    request: AuthenticatedRequest,
    intake: Intake,
    current: IntakeSection,
    diagnoses: list[ProvisionalDiagnosis],
    form: SectionForm,
) -> HttpResponse:
    locked = IntakeLocked(intake)
    card = Card(
        section=current,
        diagnoses=diagnoses,
        errors=locked.messages,
        unsaved=form.posted_text(),
    )
    return _section_response(request, intake, card, status=409)


@require_POST
def complete(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    intake = permissions.get_clinical(request, _intakes(), uuid, write=True)
    try:
        services.complete_intake(intake, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Intake completed and locked. Add later changes as addenda."
        )
    if request.htmx:  # htmx ignores a 302's body: tell it where to navigate
        return HttpResponseClientRedirect(intake.get_absolute_url(), status=204)
    return redirect(intake.get_absolute_url())


@require_POST
def addendum(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    intake = permissions.get_clinical(request, _intakes(), uuid, write=True)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.add_intake_addendum(
                intake, by=request.user, text=form.cleaned_data["text"], request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Addendum added.")
            return redirect(f"{intake.get_absolute_url()}#addenda")
    return _render_page(request, intake, addendum_form=form)


def _summary_context(intake: Intake) -> dict[str, Any]:
    diagnoses = list(intake.diagnoses.all())
    sections = _sections(intake)
    return {
        "intake": intake,
        "client": intake.episode.client,
        "practice": intake.episode.client.practice,
        "clinician": intake.episode.client.clinician,
        "sections": [
            (s, _values(s)) for s in sections if s.key != IntakeSection.Key.DIAGNOSES
        ],
        "diagnoses": diagnoses,
        "addenda": list(intake.addenda.select_related("author")),
        "filled": count_filled(intake),
        "total": len(KEYS),
        "printed_at": timezone.now(),
    }


def summary(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Every section read-only, laid out for printing."""
    intake = permissions.get_clinical(request, _intakes(), uuid)
    return render(request, "intake/summary.html", _summary_context(intake))


def summary_download(request: AuthenticatedRequest, uuid: object) -> HttpResponseBase:
    """The summary as a PDF with the practice's letterhead (audited as intake.pdf)."""
    intake = permissions.get_clinical(request, _intakes(), uuid, action="intake.pdf")
    pdf = summary_pdf(
        _summary_context(intake), base_url=request.build_absolute_uri("/")
    )
    day = timezone.localdate(intake.completed_at or timezone.now())
    return pdf_response(pdf, f"intake-summary-{day:%Y-%m-%d}.pdf")


@require_POST
def send_pre_intake(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Email the client a one-time link to the pre-intake questionnaire."""
    episode = permissions.get_episode(request, uuid, write=True)
    try:
        services.send_pre_intake(
            episode,
            by=request.user,
            base_url=request.build_absolute_uri("/"),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Questionnaire sent to {episode.client.email}. The link works once "
            "and expires in 14 days.",
        )
    return redirect("chart:section", episode.client.uuid, "documents")


@require_POST
def review_contact(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Copy the contact details the client proposed (the ticked ones) to their
    record, or keep the details on file."""
    pre = permissions.get_clinical(
        request,
        PreIntakeRequest.objects.select_related("episode__client"),
        uuid,
        write=True,
    )
    client = pre.episode.client
    proposals = pre.contact_proposals()
    if not proposals:
        messages.error(request, "There are no proposed contact details to review.")
        return redirect("chart:section", client.uuid, "documents")
    form = ContactReviewForm(request.POST, proposals=proposals)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors))
        return redirect("chart:section", client.uuid, "documents")
    accept = form.cleaned_data["fields_to_accept"]
    try:
        services.review_contact_changes(
            pre, by=request.user, accept=accept, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Contact details updated."
            if accept
            else "Contact details kept as they were.",
        )
    return redirect("chart:section", client.uuid, "documents")


def _link_unusable(request: HttpRequest, pre: PreIntakeRequest | None) -> HttpResponse:
    practice = pre.episode.client.practice if pre is not None else None
    return render(
        request,
        "intake/pre_intake_invalid.html",
        {"practice": practice},
        status=404,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def pre_intake(request: HttpRequest, token: str) -> HttpResponse:
    """The client's questionnaire, reached by its one-time link. It never shows
    anything the practice holds about the client."""
    pre = services.find_pre_intake(token) if len(token) <= 100 else None
    if pre is None or not pre.is_pending:
        return _link_unusable(request, pre)
    practice = pre.episode.client.practice
    form = PreIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_pre_intake(pre, request=request, **form.cleaned_data)
        except ValidationError as exc:
            pre.refresh_from_db(fields=["completed_at", "replaced_at", "expires_at"])
            if not pre.is_pending:
                return _link_unusable(request, pre)
            form.add_error(None, exc)
        else:
            return render(
                request, "intake/pre_intake_thanks.html", {"practice": practice}
            )
    return render(
        request, "intake/pre_intake.html", {"form": form, "practice": practice}
    )
