"""The client's portal: questionnaires to complete, one item per screen, and
their own progress where the clinician shares it.

Every page is the signed-in client's own: ``permissions.get_own_client`` and
``permissions.get_own`` refuse staff (403) and answer 404 for anything that
belongs to another client. Every portal page shows the practice's crisis lines
(``portal/base.html``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.aftercare.selectors import portal_aftercare
from alliance.audit.services import record
from alliance.checkins.selectors import portal_checkins
from alliance.clients.models import (
    PORTAL_KEEPSAKES,
    PORTAL_READ,
    Client,
    ConsentText,
    Episode,
)
from alliance.clients.services import (
    consent_signed,
    consent_statement,
    current_consent_text,
    sign_consent,
)
from alliance.guides.selectors import guide_count
from alliance.homework.selectors import portal_homework
from alliance.journal.selectors import portal_journal
from alliance.measures.charts import Point, progress_svg
from alliance.measures.flow import Flow, render_review, run_item_step
from alliance.measures.models import Administration, MeasureSchedule
from alliance.measures.selectors import (
    SharedProgress,
    client_drafts,
    due_measures,
    safe_change,
    shared_progress,
    shares_progress,
)
from alliance.measures.services import start_administration, submit_administration
from alliance.messaging.selectors import portal_messages
from alliance.plans.models import (
    APPROACH_PLAIN,
    SELF_RATING_MAX,
    SELF_RATING_MIN,
    Goal,
    TreatmentPlanVersion,
)
from alliance.plans.selectors import portal_plan
from alliance.plans.services import plan_statement, self_rate_goal, sign_plan_version
from alliance.termination.selectors import current_plan, portal_termination
from alliance.toolbox.selectors import portal_toolbox


def _context(client: Client, **extra: Any) -> dict[str, Any]:
    # The crisis box reads the client's own practice, whoever is asking.
    return {"client": client, "practice": client.practice, "portal": True, **extra}


def _portal_administrations() -> QuerySet[Administration]:
    # Only questionnaires given through the portal are the client's to answer
    # here; kiosk and clinician entries are not.
    return Administration.objects.filter(
        mode=Administration.Mode.PORTAL
    ).select_related("client__practice", "episode")


def home(request: AuthenticatedRequest) -> HttpResponse:
    """What the client has to complete now, and drafts to continue.

    Once care has ended and the read period is over, only the keepsakes are
    shown (toolbox, relapse-prevention plan, safety plan)."""
    client = permissions.get_own_client(request, keepsake=True)
    access = client.portal_access()
    if access == PORTAL_KEEPSAKES:
        record(
            request.user,
            "portal.view",
            None,
            request=request,
            client_uuid=client.uuid,
            detail={"access": access},
        )
        relapse_plan = current_plan(client)
        return render(
            request,
            "portal/ended.html",
            _context(
                client,
                portal_toolbox=portal_toolbox(client),
                relapse_plan=relapse_plan,
                portal_relapse_plan=relapse_plan is not None,
                portal_guides=guide_count(client),
            ),
        )
    episode = client.portal_episode()
    drafts = client_drafts(client)
    started = {draft.instrument for draft in drafts}
    due = [
        schedule
        for schedule in (due_measures(episode) if episode else [])
        if schedule.instrument not in started
    ]
    shares = shares_progress(client)
    care_team_messages = portal_messages(client)
    termination = portal_termination(client)
    record(
        request.user,
        "portal.view",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"due": len(due), "drafts": len(drafts)},
    )
    return render(
        request,
        "portal/home.html",
        _context(
            client,
            due=due,
            drafts=drafts,
            shares=shares,
            homework=portal_homework(client),
            read_until=client.portal_read_until() if access == PORTAL_READ else None,
            portal_aftercare=portal_aftercare(client, episode=episode),
            portal_checkins=portal_checkins(client, episode=episode),
            portal_journal=portal_journal(client),
            portal_guides=guide_count(client),
            portal_termination=termination,
            # The navigation's plan link too (its context processor's is lazy).
            portal_relapse_plan=termination is not None
            and termination.plan is not None,
            portal_messages=care_team_messages,
            # The navigation's count too (its context processor's is lazy).
            portal_unread=care_team_messages.unread,
            portal_toolbox=portal_toolbox(client),
            two_step=request.user.needs_second_factor,
            two_step_prompt=not request.user.needs_second_factor
            and not request.session.get(TWO_STEP_DISMISSED),
        ),
    )


TWO_STEP_DISMISSED = "two_step_prompt_dismissed"


@require_POST
def dismiss_two_step(request: AuthenticatedRequest) -> HttpResponse:
    """Hide the invitation to add two-step login until the next sign-in."""
    permissions.get_own_client(request, keepsake=True)
    request.session[TWO_STEP_DISMISSED] = True
    return redirect("portal:home")


@require_POST
def start(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Begin a questionnaire that is due, or carry on the one already begun."""
    schedule = permissions.get_own(
        request,
        MeasureSchedule.objects.select_related("episode"),
        uuid,
        write=True,
    )
    if not schedule.active or not schedule.episode.is_open:
        messages.info(request, "This questionnaire is no longer needed.")
        return redirect("portal:home")
    try:
        administration = start_administration(
            schedule.episode,
            schedule.instrument,
            mode=Administration.Mode.PORTAL,
            by=request.user,
            schedule=schedule,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal:home")
    return redirect("portal:answer", administration.uuid)


def _flow(request: AuthenticatedRequest, administration: Administration) -> Flow:
    return Flow(
        page="portal/answer.html",
        step_url=reverse("portal:answer", args=[administration.uuid]),
        submit_url=reverse("portal:submit", args=[administration.uuid]),
        by=request.user,
        leave_url=reverse("portal:home"),
        context=_context(administration.client),
    )


@require_http_methods(["GET", "POST"])
def answer(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """One question per screen; each answer is saved as soon as it is given."""
    administration = permissions.get_own(
        request,
        _portal_administrations(),
        uuid,
        write=request.method == "POST",
    )
    if not administration.is_draft:
        return redirect("portal:done", administration.uuid)
    return run_item_step(request, administration, _flow(request, administration))


@require_POST
def submit(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Submit the answers. Sending the same form twice changes nothing more."""
    administration = permissions.get_own(
        request, _portal_administrations(), uuid, write=True
    )
    if administration.is_draft:
        try:
            submit_administration(administration, by=request.user, request=request)
        except ValidationError as exc:
            return render_review(
                request, administration, _flow(request, administration), exc.messages
            )
    return redirect("portal:done", administration.uuid)


def done(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Thanks; after a risk answer, the crisis lines come first, in kind words."""
    administration = permissions.get_own(request, _portal_administrations(), uuid)
    if administration.is_draft:
        return redirect("portal:answer", administration.uuid)
    client = administration.client
    return render(
        request,
        "portal/done.html",
        _context(client, administration=administration),
    )


def describe_progress(progress: SharedProgress) -> str:
    """One plain sentence about how the scores have moved since the first."""
    scores = [a.total for a in progress.administrations if a.total is not None]
    if not scores:
        return "You have not completed this questionnaire yet."
    if len(scores) == 1:
        return (
            "You have completed this once. After the next time, you will be able to "
            "see how your answers compare."
        )
    first, latest = scores[0], scores[-1]
    went = "down" if latest < first else "up"
    change = safe_change(progress.instrument, first, latest)
    category = change.category if change is not None else None
    if category == "reliable_improvement":
        return (
            f"Your scores have gone {went} since you started, which usually means "
            "things are getting better."
        )
    if category == "reliable_deterioration":
        return (
            f"Your scores have gone {went} since you started, which can mean things "
            "have been harder lately. It may help to talk about this with your "
            "clinician at your next session."
        )
    if category == "no_reliable_change" or latest == first:
        return (
            "Your scores are much the same as when you started. Change often takes "
            "time, and your clinician can talk it through with you."
        )
    return f"Your scores have gone {went} since you started."


def direction(progress: SharedProgress) -> str:
    if progress.instrument.better == "higher":
        return "On this questionnaire, higher scores mean you are feeling better."
    return "On this questionnaire, lower scores mean fewer difficulties."


def progress(request: AuthenticatedRequest) -> HttpResponse:
    """The client's own scores, for measures the clinician chose to share."""
    client = permissions.get_own_client(request)
    shared = shared_progress(client)
    record(
        request.user,
        "portal.progress_view",
        None,
        request=request,
        client_uuid=client.uuid,
        detail={"measures": len(shared)},
    )
    rows = [
        {
            "progress": item,
            "summary": describe_progress(item),
            "direction": direction(item),
            # Built from escaped text by alliance.measures.charts: safe to inline.
            "chart": mark_safe(  # noqa: S308
                progress_svg(
                    item.instrument,
                    [
                        Point(a.taken_at, a.total)  # type: ignore[arg-type]  # submitted: taken_at set
                        for a in item.administrations
                        if a.total is not None
                    ],
                    title=f"Your {item.instrument.short_name} scores over time",
                    plain=True,
                )
            ),
        }
        for item in shared
    ]
    return render(request, "portal/progress.html", _context(client, rows=rows))


# -- agreeing the work together: consent, the plan and the client's own goals ----


def _signing_episode(client: Client) -> Episode | None:
    """The episode the client signs for: the open one, else none."""
    episode = client.current_episode()
    return episode if episode and episode.is_open else None


def consent(request: AuthenticatedRequest) -> HttpResponse:
    """The practice's current consent agreement, whether the client has agreed
    to this exact version, and the form to sign it."""
    client = permissions.get_own_client(request)
    text = current_consent_text(client.practice)
    episode = _signing_episode(client)
    signed = consent_signed(episode, text) if (episode and text) else None
    record(
        request.user,
        "portal.consent_view",
        signed,
        request=request,
        client_uuid=client.uuid,
        detail={"version": text.version if text else None},
    )
    return render(
        request,
        "portal/consent.html",
        _context(
            client,
            text=text,
            episode=episode,
            signed=signed,
            digest=text.content_digest() if text else "",
            statement=consent_statement(text) if text else "",
        ),
    )


@require_POST
def sign_consent_view(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Sign the consent text shown: typed name, statement ticked, digest."""
    client, text = permissions.get_own_practice_object(
        request, ConsentText.objects.all(), uuid, write=True
    )
    episode = _signing_episode(client)
    try:
        if episode is None:
            raise ValidationError("There is no open episode of care to sign for.")
        sign_consent(
            episode,
            consent_text=text,
            signed_name=request.POST.get("signed_name", ""),
            agreed=request.POST.get("agree") == "yes",
            digest=request.POST.get("digest", ""),
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you. Your agreement is recorded.")
    return redirect("portal:consent")


def plan(request: AuthenticatedRequest) -> HttpResponse:
    """The client's current treatment plan and goals in plain words, with their
    own 0–10 rating of each goal; the plan version can be signed here."""
    client = permissions.get_own_client(request)
    page = portal_plan(client.current_episode())
    record(
        request.user,
        "portal.plan_view",
        page.version if page else None,
        request=request,
        client_uuid=client.uuid,
        detail={"version": page.version.number if page and page.version else None},
    )
    return render(
        request,
        "portal/plan.html",
        _context(
            client,
            page=page,
            approach_plain=(
                APPROACH_PLAIN.get(page.version.approach, "")
                if page and page.version
                else ""
            ),
            statement=plan_statement(page.version) if page and page.version else "",
            scores=range(SELF_RATING_MIN, SELF_RATING_MAX + 1),
        ),
    )


@require_POST
def sign_plan(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """Sign one version of the plan; only the current one can be signed."""
    version = permissions.get_own(
        request,
        TreatmentPlanVersion.objects.select_related("plan__episode__client"),
        uuid,
        write=True,
    )
    try:
        sign_plan_version(
            version,
            signed_name=request.POST.get("signed_name", ""),
            agreed=request.POST.get("agree") == "yes",
            digest=request.POST.get("digest", ""),
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you. Your agreement to the plan is recorded.")
    return redirect("portal:plan")


@require_POST
def rate_goal(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    """The client's own rating of how close they are to a goal (0–10)."""
    goal = permissions.get_own(
        request,
        Goal.objects.select_related("episode__client"),
        uuid,
        write=True,
    )
    try:
        self_rate_goal(
            goal,
            score=request.POST.get("score", ""),
            note=request.POST.get("note", ""),
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you. Your rating is saved.")
    return redirect(reverse("portal:plan") + f"#goal-{goal.uuid}")
