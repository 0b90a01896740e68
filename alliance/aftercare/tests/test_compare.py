"""A follow-up is compared with the end of treatment, per measure: a reliable
deterioration, a return to the clinical range or a risk item raises one risk
alert and offers the client a booster session."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.aftercare.services import answer_followup, run_followups
from alliance.aftercare.tests.helpers import (
    answer_portal,
    gad7,
    noon,
    phq9,
    score,
    to_active,
    to_aftercare,
)
from alliance.alerts.models import RiskAlert


def _now():
    # Just before now, so that scores given next count as given after it opened.
    return timezone.now() - timedelta(minutes=5)


def _open(episode, alice, *, entered_days_ago=40):
    to_aftercare(episode, alice, at=noon(entered_days_ago))
    run_followups(now=_now())
    return FollowUp.objects.get(episode=episode, status=FollowUp.Status.OPEN)


def _answer(followup, cleo, *, scores, wants_contact=False):
    """The client sends each questionnaire, then the four questions."""
    for administration in followup.administrations.all():
        answer_portal(administration, scores[administration.instrument])
    answer_followup(
        followup,
        wellbeing=4,
        note="",
        using_plan="sometimes",
        wants_contact=wants_contact,
        by=cleo.user,
    )
    followup.refresh_from_db()
    return followup


def _ours():
    # The source is encrypted: picked out in Python, not by the database.
    return [a for a in RiskAlert.objects.all() if a.source == "Aftercare follow-up"]


def test_no_change_raises_nothing(treated, alice, cleo):
    followup = _answer(_open(treated, alice), cleo, scores={"phq9": phq9(7)})
    assert followup.status == FollowUp.Status.COMPLETED
    assert followup.deteriorated is False
    [row] = followup.result["measures"]
    assert row["end"] == 6
    assert row["score"] == 7
    assert row["category"] == "no_reliable_change"
    assert RiskAlert.objects.count() == 0
    assert not BoosterRequest.objects.exists()


def test_reliable_deterioration_alone_raises_an_alert(treated, alice, cleo):
    # End of treatment 6 is the baseline; 2 then 8 would be a rise of 6.
    score(treated, alice, "phq9", phq9(2), at=noon(45))
    followup = _answer(_open(treated, alice), cleo, scores={"phq9": phq9(8)})
    assert followup.result["reasons"] == ["phq9:reliable_deterioration"]
    [alert] = _ours()
    assert alert.severity == "medium"
    assert "PHQ-9 8 (end of treatment 2)" in alert.summary
    assert "reliable deterioration" in alert.summary
    assert "clinical range" not in alert.summary


def test_return_to_the_clinical_range_alone_raises_an_alert(treated, alice, cleo):
    followup = _answer(_open(treated, alice), cleo, scores={"phq9": phq9(10)})
    # 6 → 10 is a rise of 4: not reliable, but 10 is at the PHQ-9 cut-off.
    assert followup.result["reasons"] == ["phq9:returned_to_clinical"]
    [alert] = _ours()
    assert "back in the clinical range" in alert.summary
    assert followup.alert == alert


def test_a_risk_item_counts_too(treated, alice, cleo):
    followup = _answer(_open(treated, alice), cleo, scores={"phq9": phq9(6, item9=1)})
    assert followup.result["reasons"] == ["phq9:risk"]
    # The measures service raised its own alert for item 9; ours is the second.
    assert RiskAlert.objects.count() == 2
    [alert] = _ours()
    assert alert.severity == "high"
    assert "risk item" in alert.summary


def test_several_reasons_raise_exactly_one_alert(treated, alice, cleo):
    score(treated, alice, "gad7", gad7(5), at=noon(60))
    followup = _answer(
        _open(treated, alice), cleo, scores={"phq9": phq9(16), "gad7": gad7(12)}
    )
    assert followup.result["reasons"] == [
        "phq9:reliable_deterioration",
        "phq9:returned_to_clinical",
        "gad7:reliable_deterioration",
        "gad7:returned_to_clinical",
    ]
    [alert] = _ours()
    assert "PHQ-9 16 (end of treatment 6)" in alert.summary
    assert "GAD-7 12 (end of treatment 5)" in alert.summary
    assert BoosterRequest.objects.filter(status="offered").count() == 1


def test_the_baseline_is_the_last_score_before_aftercare(treated, alice, cleo):
    # First 15, last 6: 11 is no better than the start, but worse than the end.
    followup = _answer(_open(treated, alice), cleo, scores={"phq9": phq9(11)})
    [row] = followup.result["measures"]
    assert row["end"] == 6
    assert row["returned_to_clinical"] is True


def test_improvement_raises_nothing(treated, alice, cleo):
    followup = _answer(_open(treated, alice), cleo, scores={"phq9": phq9(0)})
    assert followup.result["measures"][0]["category"] == "reliable_improvement"
    assert followup.deteriorated is False
    assert not _ours()


def test_it_compares_as_soon_as_the_questionnaires_are_in(treated, alice, cleo):
    followup = _open(treated, alice)
    for administration in followup.administrations.all():
        answer_portal(administration, phq9(16))
    counts = run_followups(now=timezone.now())
    assert counts["compared"] == 1
    followup.refresh_from_db()
    # The alert does not wait for the four questions.
    assert followup.status == FollowUp.Status.OPEN
    assert len(_ours()) == 1
    answer_followup(
        followup,
        wellbeing=3,
        note="",
        using_plan="no",
        wants_contact=False,
        by=cleo.user,
    )
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.COMPLETED
    assert len(_ours()) == 1


def test_a_clinician_entered_score_counts(treated, alice, cleo):
    followup = _open(treated, alice)
    score(treated, alice, "phq9", phq9(16), at=None)
    answer_followup(
        followup,
        wellbeing=3,
        note="",
        using_plan="no",
        wants_contact=False,
        by=cleo.user,
    )
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.COMPLETED
    assert followup.result["measures"][0]["score"] == 16


def test_a_missed_followup_still_compares_what_was_answered(treated, alice, cleo):
    to_aftercare(treated, alice, at=noon(100))
    run_followups(now=noon(65))
    followup = FollowUp.objects.get(episode=treated, status="open")
    for administration in followup.administrations.all():
        answer_portal(administration, phq9(16))
    # Not compared by a sweep in between; the deadline passes.
    run_followups(now=noon(34))
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.MISSED
    assert followup.deteriorated is True
    assert len(_ours()) == 1


def test_closing_with_an_open_followup_compares_it_first(treated, alice, cleo):
    from alliance.clients.services import transition_episode

    followup = _open(treated, alice)
    for administration in followup.administrations.all():
        answer_portal(administration, phq9(16))
    transition_episode(
        treated, "closed", by=alice, reason="Moved away", discharge="moved"
    )
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.CANCELLED
    assert followup.deteriorated is True
    assert len(_ours()) == 1


def test_a_pending_booster_is_not_offered_twice(treated, alice, cleo):
    followup = _open(treated, alice)
    BoosterRequest.objects.create(
        client=cleo, episode=treated, status="requested", requested_at=noon(1)
    )
    _answer(followup, cleo, scores={"phq9": phq9(16)})
    assert BoosterRequest.objects.count() == 1
    assert len(_ours()) == 1


def test_without_an_end_of_treatment_score_only_risk_counts(cleo, alice, consent_text):
    episode = to_active(cleo.current_episode(), alice, consent_text, at=noon(300))
    followup = _open(episode, alice)
    scores = {"phq9": phq9(20), "gad7": gad7(15)}
    _answer(followup, cleo, scores=scores)
    followup.refresh_from_db()
    assert followup.deteriorated is False
    assert [row["end"] for row in followup.result["measures"]] == [None, None]
