"""The termination summary: assembled from the record, edited with a version
check, finalised (locked) and shared with the client in its plain version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.termination.models import (
    CLIENT_FIELDS,
    SUMMARY_FIELDS,
    TerminationSummary,
)
from alliance.termination.services import (
    Conflict,
    Locked,
    assemble_summary,
    finalise_summary,
    refresh_summary_facts,
    save_summary,
    share_summary,
)


@pytest.fixture
def summary(episode, alice):
    return assemble_summary(episode, by=alice)


def _form(summary, **changes):
    data = {"version": str(summary.version)}
    data.update(
        {name: getattr(summary, name) for name in (*SUMMARY_FIELDS, *CLIENT_FIELDS)}
    )
    data.update(changes)
    return data


def test_the_page_offers_to_assemble(as_user, alice, episode):
    page = as_user(alice).get(reverse("termination:summary", args=[episode.uuid])).text
    assert reverse("termination:summary_assemble", args=[episode.uuid]) in page


def test_assembling_fills_both_versions_from_the_record(as_user, alice, episode, cleo):
    url = reverse("termination:summary_assemble", args=[episode.uuid])
    assert as_user(alice).post(url).status_code == 302
    summary = TerminationSummary.objects.get(episode=episode)
    assert (
        "Reason for referral: Low mood and worry (CANARY-Cleo)"
        in summary.presenting_concerns
    )
    assert "Low mood with withdrawal from friends" in summary.presenting_concerns
    assert "Approach: Cognitive behavioural therapy (CBT)." in summary.work_done
    assert "Sessions: 3 sessions, from" in summary.work_done
    assert "Behavioural activation (2 sessions)" in summary.work_done
    assert "Homework: 6 of 9 due tasks completed (67%)." in summary.work_done
    assert "PHQ-9: 18 to 6 (Reliable improvement; recovered)." in summary.outcomes_note
    assert "Goal attainment T-score: 56.2" in summary.outcomes_note
    assert summary.skills_learned.splitlines() == ["Grounding", "Walk round the park"]
    assert "Follow-up check-ins 1, 3 and 6 months" in summary.recommendations
    # The client's version: their own words and plain language, no labels.
    assert "- See my friends again" in summary.client_concerns
    assert "We met 3 times, from" in summary.client_work
    assert "went from 18 to 6: a real improvement" in summary.client_progress
    assert "- Walk round the park" in summary.client_skills
    assert "Riverside Therapy\n1 River Walk, Exampleton" in summary.client_next
    client_text = " ".join(getattr(summary, name) for name in CLIENT_FIELDS)
    for clinical in ("CANARY", "Reliable", "recovered", "caseness", "T-score", "RCI"):
        assert clinical not in client_text
    assert summary.facts["sessions"]["count"] == 3
    assert AuditEvent.objects.filter(action="termination_summary.assemble").count() == 1


def test_assembling_twice_keeps_the_first(alice, summary, episode):
    save_summary(summary, by=alice, version=1, recommendations="Mine")
    again = assemble_summary(episode, by=alice)
    assert again.pk == summary.pk
    assert again.recommendations == "Mine"
    assert TerminationSummary.objects.count() == 1


def test_it_is_assembled_only_in_termination_or_aftercare(alice, cleo):
    with pytest.raises(ValidationError, match="in termination or aftercare"):
        assemble_summary(cleo.current_episode(), by=alice)
    assert TerminationSummary.objects.count() == 0


def test_only_the_primary_clinician_assembles(bob, episode):
    with pytest.raises(ValidationError, match="primary clinician"):
        assemble_summary(episode, by=bob)


def test_the_clinician_edits_both_versions(as_user, alice, summary):
    url = reverse("termination:summary_edit", args=[summary.uuid])
    data = _form(summary, remaining_concerns="Sleep", client_watch="Early waking")
    assert as_user(alice).post(url, data).status_code == 302
    summary.refresh_from_db()
    assert (summary.remaining_concerns, summary.client_watch) == (
        "Sleep",
        "Early waking",
    )
    assert summary.version == 2


def test_a_stale_edit_is_refused_and_nothing_is_lost(as_user, alice, summary):
    stale = _form(summary, recommendations="From the stale window")
    save_summary(summary, by=alice, version=1, recommendations="Saved in another tab")
    url = reverse("termination:summary_edit", args=[summary.uuid])
    response = as_user(alice).post(url, stale)
    assert response.status_code == 409
    assert "saved in another window" in response.text
    assert "Saved in another tab" in response.text  # the stored version, shown
    assert "From the stale window" in response.text  # the editor's copy, kept
    summary.refresh_from_db()
    assert summary.recommendations == "Saved in another tab"
    with pytest.raises(Conflict):
        save_summary(summary, by=alice, version=1, recommendations="x")


def test_finalising_needs_the_main_sections(alice, summary):
    save_summary(summary, by=alice, version=1, recommendations="", client_next="")
    with pytest.raises(ValidationError) as refused:
        finalise_summary(summary, by=alice)
    assert "recommendations" in str(refused.value)
    assert "looking after yourself from here" in str(refused.value)
    summary.refresh_from_db()
    assert summary.is_finalised is False


def test_finalising_locks_further_edits(as_user, alice, summary):
    url = reverse("termination:summary_finalise", args=[summary.uuid])
    assert as_user(alice).post(url).status_code == 302
    summary.refresh_from_db()
    assert summary.is_finalised and summary.finalised_by == alice
    with pytest.raises(Locked):
        save_summary(summary, by=alice, version=summary.version, recommendations="x")
    with pytest.raises(Locked):
        refresh_summary_facts(summary, by=alice)
    edit = reverse("termination:summary_edit", args=[summary.uuid])
    response = as_user(alice).post(edit, _form(summary, recommendations="Late change"))
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.recommendations != "Late change"


def test_refreshing_updates_the_facts_not_the_text(alice, summary, episode):
    from alliance.notes.tests.helpers import start

    save_summary(summary, by=alice, version=1, work_done="My words")
    start(episode.client, hours_ago=1)
    refresh_summary_facts(summary, by=alice)
    summary.refresh_from_db()
    assert summary.facts["sessions"]["count"] == 4
    assert summary.work_done == "My words"


def test_sharing_needs_a_finalised_summary(as_user, alice, summary):
    url = reverse("termination:summary_share", args=[summary.uuid])
    response = as_user(alice).post(url, follow=True)
    assert "Finalise the summary before sharing" in response.text
    summary.refresh_from_db()
    assert summary.is_shared is False


def test_the_client_reads_the_shared_client_version(as_user, alice, summary, portal):
    mine = reverse("termination:mine_summary")
    assert "has not shared a summary" in portal.get(mine).text
    finalise_summary(summary, by=alice)
    share_summary(summary, by=alice)
    page = portal.get(mine).text
    assert "We met 3 times" in page
    assert "Approach: Cognitive" not in page  # the clinician's version stays out
    assert "CANARY-Cleo" not in page
    assert AuditEvent.objects.filter(action="termination_summary.share").count() == 1


def test_the_supervisor_reads_but_cannot_write(as_user, sam, summary):
    page = as_user(sam).get(reverse("termination:summary", args=[summary.episode.uuid]))
    assert page.status_code == 200
    assert "We met 3 times" in page.text
    assert reverse("termination:summary_edit", args=[summary.uuid]) not in page.text
    for name in (
        "summary_edit",
        "summary_finalise",
        "summary_share",
        "summary_refresh",
    ):
        url = reverse(f"termination:{name}", args=[summary.uuid])
        assert as_user(sam).post(url, _form(summary)).status_code == 403, name
    summary.refresh_from_db()
    assert summary.version == 1 and not summary.is_finalised


def test_others_are_refused(as_user, bob, ada, cleo, summary):
    url = reverse("termination:summary_edit", args=[summary.uuid])
    assert as_user(bob).get(url).status_code == 404
    assert as_user(ada).get(url).status_code == 403
    assert as_user(cleo.user).get(url).status_code == 403
    assert (
        as_user(bob).post(url, _form(summary, recommendations="x")).status_code == 404
    )
    summary.refresh_from_db()
    assert summary.version == 1


def test_overlong_text_is_refused_and_nothing_saved(as_user, alice, summary):
    url = reverse("termination:summary_edit", args=[summary.uuid])
    response = as_user(alice).post(url, _form(summary, recommendations="x" * 10_001))
    assert response.status_code == 200
    assert "at most 10000 characters" in response.text
    summary.refresh_from_db()
    assert summary.version == 1
