"""The readiness review page: live facts, the clinician's judgement, the kind
of ending, completing (which keeps the facts) and who may do what."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.termination.models import ReadinessReview
from alliance.termination.services import Conflict, Locked, save_review


@pytest.fixture
def review(episode):
    return ReadinessReview.objects.get(episode=episode)


def _url(episode):
    return reverse("termination:review", args=[episode.uuid])


COMPLETE = {
    "version": "1",
    "judgement": "Goals largely met; PHQ-9 below caseness for a month.",
    "ending": "planned",
    "ending_reason": "completed",
    "ready_to_end": "yes",
    "action": "complete",
}


def test_it_shows_the_facts_live_and_the_form(as_user, alice, episode, full):
    page = as_user(alice).get(_url(episode)).text
    assert "3 sessions held" in page
    assert "Meet a friend in person at least twice a month." in page
    assert "<strong>56.2</strong>" in page
    assert "Reliable improvement" in page
    assert "Recovered" in page
    assert "<strong>67%</strong> of due homework done" in page
    assert "<strong>Rising</strong>" in page
    assert 'name="judgement"' in page
    assert AuditEvent.objects.filter(action="readiness_review.view").exists()


def test_it_saves_a_draft(as_user, alice, episode, review):
    data = {**COMPLETE, "action": "save", "ready_to_end": ""}
    response = as_user(alice).post(_url(episode), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.judgement == COMPLETE["judgement"]
    assert review.ready_to_end is None
    assert review.is_completed is False
    assert review.version == 2
    assert review.facts == {}


def test_completing_keeps_the_facts_and_locks(as_user, alice, episode, review):
    response = as_user(alice).post(_url(episode), COMPLETE)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_completed and review.completed_by == alice
    assert review.ready_to_end is True
    assert review.facts["t_score"] == 56.2
    assert review.facts["measures"][0]["change"] == "reliable_improvement"
    assert AuditEvent.objects.filter(action="readiness_review.complete").count() == 1
    with pytest.raises(Locked):
        save_review(review, by=alice, version=review.version, judgement="Changed")
    page = as_user(alice).get(_url(episode)).text
    assert 'name="judgement"' not in page
    assert "Planned ending: completed treatment as planned" in page


def test_the_snapshot_does_not_follow_later_scores(as_user, alice, episode, review):
    from alliance.measures.services import record_administration
    from alliance.measures.tests.admin.helpers import phq9

    as_user(alice).post(_url(episode), COMPLETE)
    record_administration(episode, "phq9", phq9(20), by=alice)
    page = as_user(alice).get(_url(episode)).text
    assert "Reliable improvement" in page
    assert "(3 scores)" not in page


def test_an_unplanned_ending_needs_its_reason(as_user, alice, episode, review):
    data = {**COMPLETE, "ending": "unplanned", "ending_reason": ""}
    response = as_user(alice).post(_url(episode), data)
    assert response.status_code == 200
    assert "Say why the ending is unplanned" in response.text
    review.refresh_from_db()
    assert review.version == 1 and review.judgement == ""


def test_an_unplanned_ending_with_its_reason_completes(as_user, alice, episode, review):
    data = {
        **COMPLETE,
        "ending": "unplanned",
        "ending_reason": "moved",
        "ready_to_end": "no",
    }
    as_user(alice).post(_url(episode), data)
    review.refresh_from_db()
    assert (review.ending, review.ending_reason, review.ready_to_end) == (
        "unplanned",
        "moved",
        False,
    )
    assert review.ending_text == "Unplanned ending: client moved away"


def test_a_planned_ending_refuses_an_unplanned_reason(alice, review):
    with pytest.raises(ValidationError) as refused:
        save_review(
            review, by=alice, version=1, ending="planned", ending_reason="dropped_out"
        )
    assert "describes an unplanned ending" in str(refused.value)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("judgement", "Write your judgement"),
        ("ending", "planned or unplanned"),
        ("ready_to_end", "ready to end"),
    ],
)
def test_completing_needs_every_part(as_user, alice, episode, review, missing, message):
    data = {**COMPLETE, missing: ""}
    if missing == "ending":
        data["ending_reason"] = ""
    response = as_user(alice).post(_url(episode), data)
    assert response.status_code == 200
    assert message in response.text
    review.refresh_from_db()
    assert review.is_completed is False and review.version == 1


def test_a_stale_save_is_refused_with_a_clear_message(as_user, alice, episode, review):
    save_review(review, by=alice, version=1, judgement="Written in another tab.")
    response = as_user(alice).post(_url(episode), {**COMPLETE, "action": "save"})
    assert response.status_code == 409
    assert "saved in another window" in response.text
    review.refresh_from_db()
    assert review.judgement == "Written in another tab."
    # The form now carries the stored version, so saving again replaces it.
    assert 'name="version" value="2"' in response.text


def test_the_service_refuses_a_stale_version(alice, review):
    save_review(review, by=alice, version=1, judgement="First")
    with pytest.raises(Conflict):
        save_review(review, by=alice, version=1, judgement="Second")


def test_only_in_termination(as_user, alice, episode, review):
    from alliance.termination.tests.helpers import move

    move(episode, "active")
    response = as_user(alice).post(_url(episode), COMPLETE)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.judgement == ""
    with pytest.raises(ValidationError, match="in termination"):
        save_review(review, by=alice, version=1, judgement="x")


def test_before_termination_it_says_when_the_review_opens(as_user, alice, cleo):
    page = as_user(alice).get(_url(cleo.current_episode())).text
    assert "opens when the episode moves to termination" in page


def test_the_supervisor_reads_without_the_form(as_user, sam, episode, review):
    response = as_user(sam).get(_url(episode))
    assert response.status_code == 200
    assert "3 sessions held" in response.text
    assert 'name="judgement"' not in response.text
    assert as_user(sam).post(_url(episode), COMPLETE).status_code == 403
    review.refresh_from_db()
    assert review.version == 1


def test_others_are_refused(as_user, bob, ada, cleo, episode, review):
    assert as_user(bob).get(_url(episode)).status_code == 404
    assert as_user(bob).post(_url(episode), COMPLETE).status_code == 404
    assert as_user(ada).get(_url(episode)).status_code == 403
    assert as_user(cleo.user).get(_url(episode)).status_code == 403
    review.refresh_from_db()
    assert review.version == 1


def test_it_rejects_other_methods(as_user, alice, episode):
    assert as_user(alice).put(_url(episode)).status_code == 405


def test_earlier_reviews_are_listed(as_user, alice, episode, review):
    from alliance.termination.tests.helpers import move

    as_user(alice).post(_url(episode), COMPLETE)
    move(episode, "active", "termination")
    page = as_user(alice).get(_url(episode)).text
    assert "Earlier reviews" in page
    assert reverse("termination:review_pdf", args=[review.uuid]) in page
