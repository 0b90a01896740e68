"""The client signs a plan version in the portal; the digest is of that exact
version, so a signature never carries over to a newer one. The client's own
0–10 goal ratings are kept apart from the clinician's GAS ratings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.plans.models import GoalRating, GoalSelfRating, PlanAcknowledgement
from alliance.plans.selectors import chart_plan, portal_plan
from alliance.plans.services import (
    acknowledge_plan_version,
    drop_goal,
    plan_statement,
    review_plan,
    revise_goal,
    self_rate_goal,
    sign_plan_version,
)
from alliance.plans.tests.helpers import make_goal, make_plan, plan_fields


@pytest.fixture
def version(episode, goal):
    return make_plan(episode, [goal])


def _sign(version, user, **overrides):
    fields = {
        "signed_name": "Cleo Example",
        "agreed": True,
        "digest": version.content_digest(),
        "by": user,
    }
    fields.update(overrides)
    return sign_plan_version(version, **fields)


def test_the_digest_is_stable_and_changes_with_each_version(alice, goal, version):
    digest = version.content_digest()
    assert len(digest) == 64
    assert version.content_digest() == digest
    v2 = review_plan(version.plan, by=alice, reason="Review.", **plan_fields([goal]))
    # Same words, another version: another digest.
    assert v2.content_digest() != digest
    v3 = review_plan(
        version.plan,
        by=alice,
        reason="Review.",
        **plan_fields([goal], problems="Sleep as well as low mood."),
    )
    assert len({digest, v2.content_digest(), v3.content_digest()}) == 3


def test_a_later_goal_revision_does_not_change_a_signed_versions_digest(
    alice, goal, version
):
    digest = version.content_digest()
    revise_goal(goal, by=alice, reason="Clearer.", statement="Walk three times a week.")
    version.refresh_from_db()
    assert version.content_digest() == digest


def test_the_client_signs_the_current_version(cleo, version):
    ack = _sign(version, cleo.user)
    stored = PlanAcknowledgement.objects.get(pk=ack.pk)
    assert stored.method == PlanAcknowledgement.Method.SIGNED_ELECTRONIC
    assert stored.signed_name == "Cleo Example"
    assert stored.statement == plan_statement(version)
    assert stored.digest == version.content_digest()
    assert stored.recorded_by == cleo.user
    event = AuditEvent.objects.get(action="treatment_plan.sign")
    assert event.detail == {"version": 1, "digest": stored.digest}


def test_a_signature_on_an_old_version_does_not_count_for_the_new_one(
    alice, cleo, goal, version
):
    _sign(version, cleo.user)
    v2 = review_plan(version.plan, by=alice, reason="Review.", **plan_fields([goal]))
    page = portal_plan(cleo.current_episode())
    assert page.version == v2 and page.needs_signature
    # The old version can no longer be signed, nor the new one with its digest.
    with pytest.raises(ValidationError, match="newer version"):
        _sign(version, cleo.user)
    with pytest.raises(ValidationError, match="changed after you opened it"):
        _sign(v2, cleo.user, digest=version.content_digest())
    assert not PlanAcknowledgement.objects.filter(version=v2).exists()
    _sign(v2, cleo.user)
    assert not portal_plan(cleo.current_episode()).needs_signature


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_name": " "}, "full name"),
        ({"signed_name": "C"}, "full name"),
        ({"agreed": False}, "Tick the box"),
        ({"digest": "0" * 64}, "changed after you opened it"),
        ({"digest": ""}, "changed after you opened it"),
    ],
)
def test_bad_signatures_are_refused_and_change_nothing(
    cleo, version, overrides, message
):
    with pytest.raises(ValidationError, match=message):
        _sign(version, cleo.user, **overrides)
    assert not PlanAcknowledgement.objects.exists()


def test_only_the_client_signs_and_only_once(alice, cleo, dan, version):
    with pytest.raises(ValidationError, match="Only the client"):
        _sign(version, alice)
    _sign(version, cleo.user)
    with pytest.raises(ValidationError, match="already agreed"):
        _sign(version, cleo.user)


def test_paper_and_verbal_stay_possible_and_read_as_such(as_user, alice, version):
    acknowledge_plan_version(
        version, by=alice, method="signed_paper", given_at=timezone.now()
    )
    ack = PlanAcknowledgement.objects.get()
    assert not ack.is_electronic and ack.digest == ""
    page = as_user(alice).get(reverse("plans:plan_version", args=[version.uuid]))
    assert "signed on paper" in page.content.decode()


def test_the_clinician_sees_who_signed_what_and_whether_it_matches(
    as_user, alice, cleo, version
):
    _sign(version, cleo.user, signed_name="Cleo  Example")
    body = (
        as_user(alice)
        .get(reverse("plans:plan_version", args=[version.uuid]))
        .content.decode()
    )
    assert "signed in the portal" in body
    assert "“Cleo Example”" in body
    assert version.content_digest()[:16] in body
    assert "matches this version" in body


def test_the_client_rates_own_progress_apart_from_gas(alice, cleo, goal):
    rating = self_rate_goal(goal, score="7", note="Walked twice.", by=cleo.user)
    assert (rating.score, rating.note, rating.rated_by) == (
        7,
        "Walked twice.",
        cleo.user,
    )
    assert not GoalRating.objects.exists()
    assert AuditEvent.objects.filter(action="goal.self_rate").count() == 1
    row = chart_plan(goal.episode).goals[0]
    assert row.self_latest.score == 7 and row.latest is None
    assert row.self_latest.rated_at == rating.rated_at


@pytest.mark.parametrize("score", ["", "eleven", "-1", "11", "4.5", None])
def test_bad_self_ratings_are_refused(cleo, goal, score):
    with pytest.raises(ValidationError, match="0 to 10"):
        self_rate_goal(goal, score=score, by=cleo.user)
    assert not GoalSelfRating.objects.exists()


def test_only_the_client_rates_and_only_active_goals(alice, cleo, episode):
    goal = make_goal(episode)
    with pytest.raises(ValidationError, match="Only the client"):
        self_rate_goal(goal, score=5, by=alice)
    drop_goal(goal, by=alice, reason="Not now.")
    with pytest.raises(ValidationError, match="no longer"):
        self_rate_goal(goal, score=5, by=cleo.user)
    assert not GoalSelfRating.objects.exists()


def test_goals_page_shows_both_ratings_side_by_side(as_user, alice, cleo, goal):
    self_rate_goal(goal, score=4, note="Some days.", by=cleo.user)
    body = (
        as_user(alice)
        .get(reverse("plans:goals", args=[goal.episode.uuid]))
        .content.decode()
    )
    assert "Client's own rating" in body and "4/10" in body
    assert "Some days." in body


def test_the_pdf_carries_the_signature_block(as_user, alice, cleo, version, tmp_path):
    from alliance.termination.tests.pdftools import pdf_text

    _sign(version, cleo.user)
    response = as_user(alice).get(
        reverse("plans:plan_version_pdf", args=[version.uuid])
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.getvalue(), tmp_path).split())
    assert "Signed electronically in the client portal" in text
    assert "Cleo Example" in text
    assert version.content_digest() in text.replace(" ", "")
    assert "matches this version" in text
