"""The end of treatment for the demo practice: readiness reviews, termination
summaries and relapse-prevention plans (alliance.termination), then follow-up
check-ins and a booster session (alliance.aftercare), all through the apps'
services, as a clinician's and a client's clicks would write them.

By the time ``seed_endings`` runs, ``alliance demo`` has already moved some
clients into termination, aftercare and closed (backdated moves); the
termination receiver opened a readiness review for each, and the aftercare
receiver scheduled their follow-ups.

- Termination: one or two library skills in the client's toolbox, the review
  part-written (one completed as a planned ending, the others drafts), a draft
  summary for one of them, and a first relapse-prevention plan each.
- Aftercare: skills, a summary finalised and shared with the client, a plan;
  the follow-up sweep is run on the days the first check-ins fell due. One
  client's check-in shows a deterioration (a risk alert and a booster session
  asked for), one is completed and steady, the rest are open and waiting.
  The two who answer get a portal login, which is returned for printing.
- The readiness review is written only while an episode is in termination, so
  aftercare clients keep the open review the move left; ``write_ending`` can be
  called for a client still in termination (before the move to aftercare) to
  complete it too. Closed episodes take no writes at all, so they are skipped.

Everything here is invented for Alliance.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from pydantic import Field

from alliance.accounts.models import Invitation, User
from alliance.accounts.services import accept_invitation
from alliance.aftercare.models import FollowUp, UsingPlan
from alliance.aftercare.services import (
    answer_followup,
    open_followup,
    run_followups,
)
from alliance.clients.models import Client, Episode
from alliance.clients.services import invite_to_portal
from alliance.demo.episodes import open_episode
from alliance.demo.seed_plans import story_for
from alliance.demo.stories import Model, read
from alliance.measures.models import Administration
from alliance.measures.services import save_answers, submit_administration
from alliance.plans.models import TreatmentPlan
from alliance.techniques.library import get_technique
from alliance.termination.models import (
    Ending,
    ReadinessReview,
    RelapsePreventionPlan,
    TerminationSummary,
)
from alliance.termination.selectors import plan_prefill
from alliance.termination.services import (
    assemble_summary,
    finalise_summary,
    save_relapse_plan,
    save_review,
    save_summary,
    share_summary,
)
from alliance.toolbox.models import CopingSkill
from alliance.toolbox.services import add_skill_from_library

P = Episode.Phase
# Library approaches a client can keep practising alone after therapy.
SELF_HELP = {"cbt", "mindfulness_relaxation", "skills"}
FALLBACK_SKILLS = ("activity-scheduling", "self-compassion-break")


class _PlanSections(Model):
    warning_signs: str
    triggers: str
    coping_strategies: str
    self_care: str


class _EndingTexts(Model):
    about: str = Field(alias="_about")
    plan_texts: dict[str, _PlanSections]
    plan_kind: dict[str, str]
    supports: str


_TEXTS: _EndingTexts = read("endings.json", _EndingTexts)
# The relapse-prevention plan's sections by kind of difficulty, in the client's
# voice (data/endings.json). Picked by the first problem of the client's story
# (seed_plans), through PLAN_KIND.
PLAN_TEXTS: dict[str, dict[str, str]] = {
    kind: sections.model_dump() for kind, sections in _TEXTS.plan_texts.items()
}
PLAN_KIND = dict(_TEXTS.plan_kind)
SUPPORTS = _TEXTS.supports
STEADY = {
    "wellbeing": 7,
    "note": "Mostly good. A busy patch at the start of the month, but I used "
    "my plan and it settled.",
    "using_plan": UsingPlan.YES,
    "wants_contact": False,
}
HARDER = {
    "wellbeing": 3,
    "note": "The last couple of weeks have been hard again. I'm not sleeping "
    "and I've stopped going out. I'd like to talk.",
    "using_plan": UsingPlan.SOMETIMES,
    "wants_contact": True,
}


# -- helpers ------------------------------------------------------------------------


def _name(client: Client) -> str:
    return client.preferred_name or client.given_name


def _scores(episode: Episode | None, code: str) -> tuple[int | None, int | None]:
    """The first and last current total of a measure in the episode."""
    totals = list(
        Administration.objects.current()
        .filter(episode=episode, instrument=code, total__isnull=False)
        .order_by("taken_at", "id")
        .values_list("total", flat=True)
    )
    if not totals:
        return None, None
    return round(totals[0]), round(totals[-1])  # type: ignore[arg-type]  # total__isnull=False


def _plan_texts(client: Client) -> dict[str, Any]:
    problem = story_for(client.referral_reason).problems[0]
    texts = dict(PLAN_TEXTS[PLAN_KIND.get(problem, "self")])
    texts["supports"] = SUPPORTS
    texts["come_back"] = plan_prefill(client)["come_back"]
    return texts


def _skill_slugs(episode: Episode) -> list[str]:
    """Up to two techniques of the client's treatment plan they can keep
    using alone; two all-round skills when the plan has none."""
    plan = (
        TreatmentPlan.objects.filter(episode=episode).select_related("current").first()
    )
    slugs = []
    for slug in plan.current.interventions if plan and plan.current else []:
        try:
            technique = get_technique(slug)
        except KeyError:
            continue
        if technique.approach in SELF_HELP:
            slugs.append(technique.slug)
    return (slugs or list(FALLBACK_SKILLS))[:2]


def add_skills(client: Client, *, clinician: User) -> list[CopingSkill]:
    """The client's current toolbox, after adding one or two library skills
    from their treatment plan when it is still empty."""
    skills = list(CopingSkill.objects.current().filter(client=client))
    if skills:
        return skills
    episode = open_episode(client)
    return [
        add_skill_from_library(client, slug, by=clinician)
        for slug in _skill_slugs(episode)
    ]


def write_plan(client: Client, *, clinician: User) -> None:
    """Version 1 of the relapse-prevention plan, unless the client has one."""
    if RelapsePreventionPlan.objects.filter(client=client).exists():
        return
    save_relapse_plan(
        client,
        by=clinician,
        skills=add_skills(client, clinician=clinician),
        **_plan_texts(client),
    )


def _progress(episode: Episode) -> str:
    """How the PHQ-9 moved: "improved" (by 6 or more, the reliable change),
    "some" or "none"."""
    first, last = _scores(episode, "phq9")
    if first is None:
        return "some"
    if first - last >= 6:  # type: ignore[operator]  # _scores gives both or neither
        return "improved"
    return "some" if last < first else "none"  # type: ignore[operator]  # (as above)


def _personal_sections(client: Client, summary: TerminationSummary) -> dict[str, Any]:
    """The clinician's own words added to the pre-filled summary."""
    name = _name(client)
    own_words = {
        "improved": f"{name} described the change as “having more good days than "
        "bad ones, and knowing what to do on the bad ones”.",
        "some": f"{name} feels some things are easier, although the scores moved "
        "less than we hoped; the follow-up check-ins will show whether the "
        "change holds.",
        "none": "The scores did not improve over treatment. We talked about this "
        f"openly; {name} found the sessions useful for understanding the "
        "pattern, and the follow-up check-ins will show whether a booster "
        "session or a referral on is needed.",
    }[_progress(summary.episode)]
    warning = _plan_texts(client)["warning_signs"]
    return {
        "outcomes_note": (summary.outcomes_note + "\n\n" + own_words).strip(),
        "client_watch": (
            "The signs we agreed to look out for:\n"
            + warning
            + "\nIf you notice two or more of them for a fortnight, turn to your "
            "plan."
        ),
    }


def write_summary(
    client: Client, *, clinician: User, finalise: bool
) -> TerminationSummary:
    """Assemble the episode's summary, add the clinician's words, and with
    ``finalise`` lock it and share the client version."""
    summary = assemble_summary(open_episode(client), by=clinician)
    if summary.is_finalised:
        if finalise and not summary.is_shared:
            summary = share_summary(summary, by=clinician)
        return summary
    if summary.version == 1:
        summary = save_summary(
            summary,
            by=clinician,
            version=summary.version,
            **_personal_sections(client, summary),
        )
    if finalise:
        summary = finalise_summary(summary, by=clinician)
        summary = share_summary(summary, by=clinician)
    return summary


def _judgement(client: Client, episode: Episode, kind: str) -> str:
    name = _name(client)
    first, last = _scores(episode, "phq9")
    change = (
        f"The PHQ-9 went from {first} at the start to {last} at the last session"
        if first is not None
        else "The scores have settled"
    )
    if kind == "completed":
        goals = (
            "has met the goals we set, or is close to them"
            if _progress(episode) == "improved"
            else "has met some of the goals we set"
        )
        return (
            f"{name} {goals}. {change}, "
            "and has held there over the last few sessions. "
            f"{name} can name the early warning signs and has used the skills "
            "between sessions without prompting. We agreed together to end as "
            "planned, with follow-up check-ins at one, three and six months."
        )
    if kind == "agreed":
        return (
            f"{name} raised finishing first. {change}. We agree the ending is "
            "planned; still to settle whether the last session is a fortnight "
            "after the one before, to try out the gap."
        )
    start = (
        "Good progress on the main goals"
        if _progress(episode) == "improved"
        else "Less change than we hoped for"
    )
    return (
        f"{start}. {change}. Before deciding, talk "
        f"with {name} about how ending feels, and whether to space out the "
        "last two sessions. (To finish after the next session.)"
    )


def write_review(client: Client, *, clinician: User, kind: str) -> None:
    """Write the episode's open readiness review: ``completed`` (a planned
    ending, ready to end), ``agreed`` (a draft with the planned ending chosen)
    or ``draft`` (the judgement only). Only while in termination."""
    episode = client.current_episode()
    review = ReadinessReview.objects.filter(
        episode=episode, completed_at__isnull=True
    ).first()
    if review is None or episode is None or episode.phase != P.TERMINATION:
        return
    fields: dict = {"judgement": _judgement(client, episode, kind)}
    if kind in ("completed", "agreed"):
        fields.update(
            ending=Ending.PLANNED, ending_reason=Episode.DischargeReason.COMPLETED
        )
    if kind == "completed":
        fields.update(ready_to_end=True, complete=True)
    save_review(review, by=clinician, version=review.version, **fields)


def write_ending(client: Client, *, clinician: User) -> None:
    """The full end of treatment for a client in termination or aftercare:
    skills, the readiness review completed (in termination only), the summary
    finalised and shared, and the relapse-prevention plan. Parts already done
    are left alone, so it can run before the move to aftercare and again after."""
    add_skills(client, clinician=clinician)
    write_review(client, clinician=clinician, kind="completed")
    write_summary(client, clinician=clinician, finalise=True)
    write_plan(client, clinician=clinician)


# -- follow-ups -----------------------------------------------------------------------


def _portal_login(client: Client, *, clinician: User, password: str) -> dict[str, str]:
    """Give ``client`` a portal login the way the invitation link does."""
    invite_to_portal(client, by=clinician, base_url="http://127.0.0.1:8000")
    invitation = Invitation.objects.get(client_uuid=client.uuid, accepted_at=None)
    # Accepting links the account to the client (accounts.signals).
    user = accept_invitation(
        invitation,
        full_name=f"{client.given_name} {client.family_name}",
        password=password,
    )
    return {
        "role": "client",
        "name": f"{client.given_name} {client.family_name}",
        "email": user.email,
        "password": password,
        "totp_secret": "",
    }


def _answers(code: str, total: int) -> dict[str, int]:
    """Answers adding up to ``total`` (item 9 of the PHQ-9 stays at 0, so no
    separate risk alert is raised)."""
    items = {"phq9": 8, "gad7": 7}[code]
    answers = {}
    for k in range(1, items + 1):
        answers[f"q{k}"] = min(3, total)
        total -= answers[f"q{k}"]
    if code == "phq9":
        answers["q9"] = 0
    return answers


def _followup_total(code: str, end: int, *, harder: bool) -> int:
    if not harder:
        return max(end - 1, 0)  # steady: never crosses a cut-off upwards
    if code == "phq9":
        return min(max(end + 7, 12), 24)
    return min(max(end + 5, 11), 21)


def _answer(followup: FollowUp, *, user: User, answers: dict, at: datetime) -> None:
    """The client sends the check-in's questionnaires, then the questions."""
    harder = answers["wants_contact"]
    for administration in followup.administrations.order_by("id"):
        if administration.instrument not in ("phq9", "gad7"):
            continue
        _, end = _scores(followup.episode, administration.instrument)
        total = _followup_total(administration.instrument, end or 0, harder=harder)
        save_answers(
            administration, _answers(administration.instrument, total), by=user
        )
        submit_administration(administration, by=user, at=at)
    answer_followup(followup, by=user, now=at + timedelta(minutes=4), **answers)


def _run_sweeps(firsts: list[FollowUp], *, now: datetime) -> None:
    """Run the hourly sweep on each day a first check-in fell due (mid-morning,
    practice time); open now those due in the next few days, so every demo has
    check-ins to show whatever today's date."""
    if not firsts:
        return
    zone = firsts[0].client.practice.zone
    today = timezone.localtime(now, zone).date()
    for day in sorted({f.due_on for f in firsts if f.due_on <= today}):
        run_followups(now=min(datetime.combine(day, time(10), tzinfo=zone), now))
    for followup in firsts:
        followup.refresh_from_db()
        if followup.status == FollowUp.Status.SCHEDULED:
            open_followup(followup, now=now)
            followup.refresh_from_db()


def seed_followups(
    clients: Iterable[Client], *, now: datetime, password: str | None
) -> list[dict[str, str]]:
    """Open the aftercare clients' first check-ins; the earliest-due client
    whose treatment ended below the PHQ-9 cut-off answers showing things are
    harder (alert and booster session), the next answers steadily, the rest
    stay open. Those who answer need a portal login: returns the logins given
    (a client who already has one keeps it)."""
    firsts = []
    for client in clients:
        followup = (
            FollowUp.objects.filter(episode=client.current_episode())
            .order_by("due_on", "id")
            .first()
        )
        if followup is not None:
            firsts.append(followup)
    _run_sweeps(firsts, now=now)
    firsts = [f for f in firsts if f.status == FollowUp.Status.OPEN]
    firsts.sort(key=lambda f: (f.due_on, f.pk))
    below = [f for f in firsts if (_scores(f.episode, "phq9")[1] or 0) < 10]
    harder = (below or firsts)[:1]
    steady = [f for f in firsts if f not in harder][:1]
    logins = []
    for followup, answers in [(f, HARDER) for f in harder] + [
        (f, STEADY) for f in steady
    ]:
        client = followup.client
        if client.user_id is None:
            logins.append(
                _portal_login(
                    client,
                    clinician=client.clinician,
                    password=password or secrets.token_urlsafe(12),
                )
            )
            client.refresh_from_db()
        zone = client.practice.zone
        opened = followup.opened_at
        evening = datetime.combine(
            timezone.localtime(opened, zone).date() + timedelta(days=1),
            time(19),
            tzinfo=zone,
        )
        at = max(opened, min(evening, now - timedelta(minutes=5)))  # type: ignore[type-var]  # opened
        _answer(followup, user=client.user, answers=answers, at=at)  # type: ignore[arg-type]  # a portal client
    return logins


# -- the demo -------------------------------------------------------------------------


def seed_endings(
    clients: Iterable[tuple[Client, str]],
    *,
    staff: dict[str, User],
    now: datetime,
    password: str | None = None,
) -> list[dict[str, str]]:
    """Seed the end-of-treatment work of the demo's clients in termination and
    aftercare (see the module docstring). Returns portal logins to print."""
    by_phase: dict[str, list[Client]] = {}
    for client, _ in clients:
        episode = client.current_episode()
        if episode is not None:
            by_phase.setdefault(episode.phase, []).append(client)
    ending = sorted(
        by_phase.get(P.TERMINATION, []),
        key=lambda c: (_scores(c.current_episode(), "phq9")[1] or 0, c.pk),
    )
    for n, client in enumerate(ending):
        clinician = client.clinician
        add_skills(client, clinician=clinician)
        kind = ("completed", "draft", "agreed")[n % 3]
        write_review(client, clinician=clinician, kind=kind)
        if n == 0:
            write_summary(client, clinician=clinician, finalise=False)
        write_plan(client, clinician=clinician)
    after = by_phase.get(P.AFTERCARE, [])
    for client in after:
        write_ending(client, clinician=client.clinician)
    return seed_followups(after, now=now, password=password)
