"""Demo data for agreeing the work together: the portal client has signed the
current version of their plan in the portal and rated their own progress on
each active goal between sessions (0–10)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from alliance.clients.models import Client
from alliance.plans.models import GoalSelfRating, TreatmentPlan
from alliance.plans.services import (
    PLAN_FIELDS,
    review_plan,
    self_rate_goal,
    sign_plan_version,
)


def seed_sign(client: Client, *, now: datetime, rng: random.Random) -> None:
    client = Client.objects.select_related("user").get(pk=client.pk)
    episode = client.current_episode()
    if episode is None or client.user is None:
        return
    plan = (
        TreatmentPlan.objects.filter(episode=episode).select_related("current").first()
    )
    version = plan.current if plan else None
    if version is None:
        return
    if hasattr(version, "acknowledgement"):
        # Agreed on paper already: the clinician reviews the plan with the
        # client, who signs the new version in the portal.
        content = {
            name: getattr(version, name)
            for name in PLAN_FIELDS
            if name not in ("goals", "next_review")
        }
        version = review_plan(
            version.plan,
            by=client.clinician,
            reason="Reviewed together; the client signs it in the portal.",
            goals=list(episode.goals.filter(status="active")),
            next_review=max(version.next_review, now.date() + timedelta(weeks=4)),
            **content,
        )
    if not hasattr(version, "acknowledgement"):
        sign_plan_version(
            version,
            signed_name=f"{client.given_name} {client.family_name}",
            agreed=True,
            digest=version.content_digest(),
            by=client.user,
        )
    for goal in episode.goals.filter(status="active"):
        score = rng.randint(2, 4)
        for weeks_ago in (3, 2, 1):
            rating = self_rate_goal(goal, score=score, by=client.user)
            GoalSelfRating.objects.filter(pk=rating.pk).update(
                rated_at=now - timedelta(weeks=weeks_ago, hours=rng.randint(1, 30))
            )
            score = min(10, score + rng.randint(0, 2))
