"""Matrix cases for the termination app. The clinician's pages follow
``clinical``: the primary clinician writes, the supervisor reads, admins and
clients get 403, another clinician's client is 404. The portal pages are the
client's own: the relapse-prevention plan (a keepsake) and the summary their
clinician shared; staff get 403 and another client's object is 404."""

from __future__ import annotations

from tests.authz import case, clinical, kind
from tests.authz.portal import hidden_from_portal, portal_object, portal_page

PLAN = {
    "based_on": "0",
    "warning_signs": "Staying in bed",
    "coping_strategies": "Walk",
    "come_back": "Call the practice",
}


def _in_termination(world, side):
    from alliance.clients.services import current_consent_text
    from alliance.termination.tests.helpers import to_termination

    client = world.client_of(side)
    return to_termination(client, current_consent_text(client.practice))


@kind("termination_episode")
def _episode(world, side):
    return _in_termination(world, side)


@kind("termination_client")
def _client(world, side):
    return _in_termination(world, side).client


@kind("readiness_review_done")
def _review_done(world, side):
    from alliance.termination.models import ReadinessReview
    from alliance.termination.services import save_review

    episode = _in_termination(world, side)
    review = ReadinessReview.objects.filter(episode=episode).first()
    if review.is_completed:
        return review
    return save_review(
        review,
        by=episode.client.clinician,
        version=review.version,
        judgement="Ready to end.",
        ending="planned",
        ready_to_end=True,
        complete=True,
    )


def _summary(world, side, *, finalised=False, shared=False):
    from alliance.termination.services import (
        assemble_summary,
        finalise_summary,
        share_summary,
    )

    episode = _in_termination(world, side)
    by = episode.client.clinician
    summary = assemble_summary(episode, by=by)
    if finalised and not summary.is_finalised:
        summary = finalise_summary(summary, by=by)
    if shared:
        summary = share_summary(summary, by=by)
    return summary


@kind("termination_summary")
def _draft(world, side):
    return _summary(world, side)


@kind("termination_summary_final")
def _final(world, side):
    return _summary(world, side, finalised=True)


@kind("termination_summary_shared")
def _shared(world, side):
    return _summary(world, side, finalised=True, shared=True)


def _plan(world, side):
    from alliance.termination.selectors import current_plan
    from alliance.termination.services import save_relapse_plan

    client = _in_termination(world, side).client
    existing = current_plan(client)
    if existing is not None:
        return existing
    return save_relapse_plan(
        client,
        by=client.clinician,
        warning_signs="Staying in bed",
        coping_strategies="Walk",
        come_back="Call the practice",
    )


@kind("relapse_plan_client")
def _plan_client(world, side):
    return _plan(world, side).plan.client


@kind("relapse_plan_version")
def _plan_version(world, side):
    return _plan(world, side)


@kind("relapse_plan")
def _relapse_plan(world, side):
    return _plan(world, side).plan


case("termination:review", **clinical(), kind="termination_episode")
case(
    "termination:review",
    **clinical(302, write=True),
    kind="termination_episode",
    method="POST",
    data={"version": "1", "judgement": "Nearly ready.", "action": "save"},
)
case("termination:review_pdf", **clinical(), kind="readiness_review_done")
case("termination:summary", **clinical(), kind="termination_episode")
case(
    "termination:summary_assemble",
    **clinical(302, write=True),
    kind="termination_episode",
    method="POST",
)
case("termination:summary_edit", **clinical(write=True), kind="termination_summary")
case(
    "termination:summary_edit",
    **clinical(302, write=True),
    kind="termination_summary",
    method="POST",
    data={"version": "1", "recommendations": "Follow-up at three months."},
)
case(
    "termination:summary_refresh",
    **clinical(302, write=True),
    kind="termination_summary",
    method="POST",
)
case(
    "termination:summary_finalise",
    **clinical(302, write=True),
    kind="termination_summary",
    method="POST",
)
case(
    "termination:summary_share",
    **clinical(302, write=True),
    kind="termination_summary_final",
    method="POST",
)
case("termination:summary_pdf", **clinical(), kind="termination_summary")
case("termination:summary_client_pdf", **clinical(), kind="termination_summary")
case("termination:plan", **clinical(), kind="termination_client")
case("termination:plan_edit", **clinical(write=True), kind="termination_client")
case(
    "termination:plan_edit",
    **clinical(302, write=True),
    kind="termination_client",
    method="POST",
    data=PLAN,
)
case("termination:plan_pdf", **clinical(), kind="relapse_plan_client")
case("termination:plan_version", **clinical(), kind="relapse_plan_version")
case("termination:mine_plan", portal_page())
case("termination:mine_plan_pdf", **portal_object(), kind="relapse_plan")
case("termination:mine_summary", portal_page())
case(
    "termination:mine_summary_pdf", **portal_object(), kind="termination_summary_shared"
)
# A summary not (yet) shared is not the client's to download, hers or anyone's.
for _kind in ("termination_summary", "termination_summary_final"):
    case("termination:mine_summary_pdf", **hidden_from_portal(), kind=_kind)
