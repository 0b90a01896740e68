"""The one-item-per-screen completion flow, shared by clinician data entry,
kiosk mode (``alliance.measures.kiosk_views``) and the client portal, and the
small look-ups the measures pages have in common."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import push_url

from alliance.core.http import HtmxRequest
from alliance.measures import services
from alliance.measures.drinks import DRINK_MEASURES, drink_note
from alliance.measures.engine import Instrument, get_instrument
from alliance.measures.forms import AnswerForm
from alliance.measures.models import Administration


def administrations() -> QuerySet[Administration]:
    """Administrations with what their pages show, in one query."""
    return Administration.objects.select_related(
        "episode", "client", "entered_by", "schedule", "corrects"
    )


def instrument_or_404(code: str, version: str | None = None) -> Instrument:
    """The instrument at the version the answers were given on, if still loaded."""
    for wanted in (version, None) if version else (None,):
        try:
            return get_instrument(code, wanted)
        except KeyError:
            continue
    raise Http404


def form_errors(form: Any) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


@dataclass
class Flow:
    """Where one completion flow's screens live and who is answering."""

    page: str  # template with an inline ``item-screen`` partial
    step_url: str
    submit_url: str
    by: Any
    leave_url: str = ""
    context: dict[str, Any] = field(default_factory=dict)


def _step(request: HtmxRequest, steps: int) -> int:
    try:
        step = int(request.GET.get("step", "1"))
    except ValueError:
        step = 1
    return min(max(step, 1), steps + 1)


def item_screen_context(
    administration: Administration,
    instrument: Instrument,
    flow: Flow,
    step: int,
    *,
    error: str = "",
    errors: list[str] | None = None,
) -> dict[str, Any]:
    """What ``measures/_item_screen.html`` needs: one item, or (after the last)
    the review of every answer."""
    answers = administration.answer_dict()
    items = instrument.items
    context: dict[str, Any] = {
        "administration": administration,
        "instrument": instrument,
        "flow": flow,
        "step": step,
        "steps": len(items),
        "error": error,
        "errors": errors or [],
        "drink_note": drink_note(instrument.code, administration.client.practice)
        if instrument.code in DRINK_MEASURES
        else "",
        **flow.context,
    }
    if step <= len(items):
        item = items[step - 1]
        context.update(item=item, answer=answers.get(item.key))
    else:
        context["review"] = [
            (
                number,
                item,
                answers.get(item.key),
                item.label_for(answers.get(item.key)) or answers.get(item.key),
            )
            for number, item in enumerate(items, start=1)
        ]
        context["missing"] = [
            item for item in items if item.required and item.key not in answers
        ]
    return context


def render_step(
    request: HtmxRequest,
    administration: Administration,
    flow: Flow,
    step: int,
    *,
    error: str = "",
    errors: list[str] | None = None,
    push: bool = False,
) -> HttpResponse:
    instrument = instrument_or_404(administration.instrument)
    context = item_screen_context(
        administration, instrument, flow, step, error=error, errors=errors
    )
    template = f"{flow.page}#item-screen" if request.htmx else flow.page
    response = render(request, template, context)
    if request.htmx and push:
        push_url(response, f"{flow.step_url}?step={step}")
    return response


def render_review(
    request: HtmxRequest,
    administration: Administration,
    flow: Flow,
    errors: list[str],
) -> HttpResponse:
    """The review screen with the reasons a submission was refused."""
    steps = len(instrument_or_404(administration.instrument).items)
    return render_step(request, administration, flow, steps + 1, errors=errors)


def run_item_step(
    request: HtmxRequest, administration: Administration, flow: Flow
) -> HttpResponse:
    """Show one item (GET) or save its answer and move on (POST). Each answer is
    saved to the draft the moment it is given; a refused answer changes nothing."""
    instrument = instrument_or_404(administration.instrument)
    items = instrument.items
    step = _step(request, len(items))
    if request.method != "POST" or step > len(items):
        return render_step(request, administration, flow, step)
    item = items[step - 1]
    form = AnswerForm(request.POST, item=item)
    if not form.is_valid():
        return render_step(request, administration, flow, step, error=form_errors(form))
    value = form.answer_value()
    go = form.direction()
    stored = administration.answer_dict()
    # A choice left unchosen keeps any earlier answer; emptied text removes it.
    changes = (
        {item.key: value}
        if value is not None or (item.kind == "text" and item.key in stored)
        else {}
    )
    if go == "next" and item.required and value is None and item.key not in stored:
        return render_step(
            request,
            administration,
            flow,
            step,
            error="Choose an answer to go on."
            if item.kind != "text"
            else "Write an answer to go on.",
        )
    if changes and stored.get(item.key) != value:
        try:
            administration = services.save_answers(
                administration, changes, by=flow.by, request=request
            )
        except ValidationError as exc:
            if go == "stay" and request.htmx:
                return render(
                    request,
                    "measures/_item_screen.html#autosave",
                    {"saved": False, "message": " ".join(exc.messages)},
                )
            return render_step(
                request, administration, flow, step, error=" ".join(exc.messages)
            )
    if go == "stay":
        if request.htmx:
            return render(
                request, "measures/_item_screen.html#autosave", {"saved": True}
            )
        return redirect(f"{flow.step_url}?step={step}")
    target = {"next": step + 1, "back": step - 1, "review": len(items) + 1}[go]
    target = min(max(target, 1), len(items) + 1)
    if request.htmx:
        return render_step(request, administration, flow, target, push=True)
    return redirect(f"{flow.step_url}?step={target}")
