"""Issue #6, end to end: one client walked from active treatment to closed.

Cleo is in active treatment (consent, sessions, PHQ-9 and GAD-7 scores, a goal
rated in sessions, a skill in her coping toolbox, and a process note holding a
canary). Her clinician Alice, through the pages a clinician uses:

1. moves the episode to termination and completes the readiness review
   (a planned ending), downloading its PDF;
2. assembles, edits, finalises and shares the termination summary, and
   downloads both versions; Cleo reads the shared version in her portal;
3. writes the relapse-prevention plan with Cleo's toolbox skill ticked; Cleo
   reads and downloads it;
4. moves the episode to aftercare. The background worker (``alliance worker
   --batch``) opens the 1-month follow-up and emails Cleo; she answers it in
   her portal much as she ended treatment, and the worker completes it quietly.
   At 3 months she answers with a much worse PHQ-9: the worker raises exactly
   one alert and offers a booster session, which she asks for and Alice answers;
5. closes the episode (refused without a discharge reason). Once the portal's
   read period has passed, Cleo still has her relapse-prevention plan.

Time is a settable clock standing in for ``django.utils.timezone.now`` (as in
the reminders tests); the worker runs on the database task queue, as in
production. Every PDF is read back with pdftotext and rendered to PNG with
pdftoppm at the end (poppler-utils; without it the PDF checks skip, except on
CI, where they fail).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.aftercare.tests.helpers import gad7, phq9, score, to_active
from alliance.alerts.models import RiskAlert
from alliance.clients.models import Episode
from alliance.measures.engine import get_instrument
from alliance.notes.models import ProcessNote
from alliance.termination.models import (
    CLIENT_FIELDS,
    SUMMARY_FIELDS,
    ReadinessReview,
    RelapsePreventionPlanVersion,
    TerminationSummary,
)
from alliance.termination.tests.helpers import PROCESS_CANARY

LONDON = ZoneInfo("Europe/London")
READY_EMAIL = "Your follow-up check-in is ready"


# -- helpers ----------------------------------------------------------------------


class Clock:
    """Stands in for django.utils.timezone.now while the story runs."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)

    def noon_on(self, day: date) -> None:
        """Lunchtime in the practice's time zone (outside its quiet hours)."""
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
        assert moment > self.at, "the clock only moves forward"
        self.at = moment


def run_worker() -> str:
    """One pass of ``alliance worker``: enqueue the periodic tasks that are due
    (the aftercare sweep among them) and run the queue until it is empty."""
    out = StringIO()
    call_command("worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
    return out.getvalue()


def ready_emails() -> list[Any]:
    return [m for m in mail.outbox if m.subject == READY_EMAIL]


def transition(http: Any, episode: Episode, **data: str) -> Any:
    url = reverse("clients:transition", args=[episode.uuid])
    return http.post(url, data, follow=True)


def download(http: Any, url: str) -> bytes:
    response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    body = response.getvalue()
    assert body.startswith(b"%PDF-")
    return body


def page(http: Any, url: str) -> str:
    response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert PROCESS_CANARY not in response.text, url
    return response.text


def answer_in_portal(portal: Any, administration: Any, answers: dict[str, int]):
    """Cleo answers a portal questionnaire one item per screen and sends it."""
    url = reverse("portal:answer", args=[administration.uuid])
    items = get_instrument(administration.instrument).items
    for step, item in enumerate(items, start=1):
        if item.key not in answers:
            continue  # an optional item (PHQ-9's difficulty question)
        response = portal.post(
            f"{url}?step={step}", {"answer": str(answers[item.key]), "go": "next"}
        )
        assert response.status_code == 302, (item.key, response.status_code)
        assert response["Location"] == f"{url}?step={step + 1}"
    response = portal.post(reverse("portal:submit", args=[administration.uuid]))
    assert response["Location"] == reverse("portal:done", args=[administration.uuid])
    administration.refresh_from_db()
    assert administration.is_submitted
    return administration


def answer_followup(portal: Any, followup: FollowUp, *, phq: int, gad: int):
    """The four questions first, then each questionnaire the check-in links."""
    url = reverse("aftercare:followup", args=[followup.uuid])
    text = page(portal, url)
    drafts = {a.instrument: a for a in followup.administrations.all()}
    assert set(drafts) == {"phq9", "gad7"}
    for draft in drafts.values():
        assert reverse("portal:answer", args=[draft.uuid]) in text
    questions = {
        "wellbeing": "7" if phq < 10 else "3",
        "note": "",
        "using_plan": "yes",
        "wants_contact": "no",
    }
    response = portal.post(url, questions)
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.is_answered
    # Answered but not complete: the questionnaires are not in yet.
    assert followup.status == FollowUp.Status.OPEN
    answer_in_portal(portal, drafts["phq9"], phq9(phq))
    answer_in_portal(portal, drafts["gad7"], gad7(gad))
    followup.refresh_from_db()
    # Still open: comparing and completing is the worker's job.
    assert followup.status == FollowUp.Status.OPEN


def _need(tool: str) -> None:
    if shutil.which(tool):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} (poppler-utils) is required on CI")
    pytest.skip(f"{tool} (poppler-utils) is not installed")


def check_pdf(
    name: str,
    data: bytes,
    folder: Path,
    *,
    expected: tuple[str, ...],
    absent: tuple[str, ...],
) -> None:
    """Read the PDF's text back and render every page to a PNG at 50 dpi."""
    _need("pdftotext")
    _need("pdftoppm")
    folder.mkdir()
    path = folder / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    for wanted in expected:
        assert wanted in text, (name, wanted)
    for unwanted in (PROCESS_CANARY, *absent):
        assert unwanted not in text, (name, unwanted)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(path), str(folder / "page")], check=True
    )
    pages = sorted(folder.glob("page*.png"))
    assert pages, name
    for png in pages:
        assert png.read_bytes().startswith(b"\x89PNG"), png
    # A rendered A4 page at 50 dpi with text on it, not an empty image.
    assert pages[0].stat().st_size > 10_000, (name, pages[0].stat().st_size)


# -- step 1: Cleo in active treatment -----------------------------------------------


def cleo_in_active_treatment(cleo: Any, alice: Any, consent_text: Any) -> dict:
    """Built through the services, the way the apps' own tests build a record:
    consent, three signed sessions, PHQ-9 15 → 6 and GAD-7 12 → 5 (both a
    reliable improvement and out of the clinical range), a goal rated -1 → +1,
    a skill in the toolbox, and a process note with a canary."""
    from alliance.notes.services import save_process_note
    from alliance.notes.tests.helpers import signed
    from alliance.plans.services import rate_goal
    from alliance.plans.tests.helpers import make_goal, make_plan
    from alliance.toolbox.services import add_skill_from_library

    episode = to_active(cleo.current_episode(), alice, consent_text, at=_days_ago(60))
    goal = make_goal(
        episode,
        client_words="See my friends again",
        statement="Meet a friend in person at least twice a month.",
    )
    make_plan(episode, [goal])
    sessions = [signed(cleo, hours_ago=24 * days).session for days in (42, 21, 7)]
    rate_goal(goal, -1, by=alice, session=sessions[0])
    rate_goal(goal, 1, by=alice, session=sessions[-1])
    score(episode, alice, "phq9", phq9(15), at=_days_ago(43))
    score(episode, alice, "gad7", gad7(12), at=_days_ago(43))
    score(episode, alice, "phq9", phq9(6), at=_days_ago(7))
    score(episode, alice, "gad7", gad7(5), at=_days_ago(7))
    skill = add_skill_from_library(cleo, "grounding", by=alice)
    # Process notes are Alice's alone: nothing the ending produces may show them.
    process_note = save_process_note(sessions[-1], by=alice, text=PROCESS_CANARY)
    episode.refresh_from_db()
    assert episode.phase == Episode.Phase.ACTIVE
    return {
        "episode": episode,
        "goal": goal,
        "skill": skill,
        "process_note": process_note,
    }


def _days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


# -- the story ----------------------------------------------------------------------


def test_a_client_is_walked_from_active_treatment_to_closed(
    as_user, alice, cleo, consent_text, settings, tmp_path
):
    # The worker serves the database queue, as in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://alliance.example.org"
    tomorrow = timezone.now().astimezone(UTC).date() + timedelta(days=1)
    clock = Clock(datetime(tomorrow.year, tomorrow.month, tomorrow.day, 12, tzinfo=UTC))
    pdfs: dict[str, tuple[bytes, tuple[str, ...], tuple[str, ...]]] = {}

    with mock.patch("django.utils.timezone.now", clock):
        record = cleo_in_active_treatment(cleo, alice, consent_text)
        episode, skill = record["episode"], record["skill"]
        # The canary is really there to leak: in Alice's process note.
        stored = ProcessNote.objects.get(pk=record["process_note"].pk)
        assert stored.text == PROCESS_CANARY

        # -- Alice moves the episode to termination: a readiness review opens.
        clinician = as_user(alice)
        response = transition(
            clinician, episode, to="termination", reason="Goals met; planning the end."
        )
        assert "Episode moved to termination." in response.text
        episode.refresh_from_db()
        assert episode.phase == Episode.Phase.TERMINATION
        review = ReadinessReview.objects.get(episode=episode)
        assert not review.is_completed

        # She completes it: a planned ending, ready to end.
        review_url = reverse("termination:review", args=[episode.uuid])
        text = page(clinician, review_url)
        assert "Meet a friend in person at least twice a month." in text
        assert "Reliable improvement" in text
        response = clinician.post(
            review_url,
            {
                "version": str(review.version),
                "judgement": "Ready to end: PHQ-9 and GAD-7 below caseness, "
                "friends seen again, grounding in daily use.",
                "ending": "planned",
                "ending_reason": "completed",
                "ready_to_end": "yes",
                "action": "complete",
            },
        )
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.is_completed and review.completed_by == alice
        assert review.ending_text == "Planned ending: completed treatment as planned"
        pdfs["review"] = (
            download(clinician, reverse("termination:review_pdf", args=[review.uuid])),
            (
                "Readiness review",
                "Riverside Therapy",
                "Cleo Example",
                "Alice Clinician",
                "Ready to end: PHQ-9 and GAD-7 below caseness",
                "Planned ending: completed treatment as planned",
                "Reliable improvement",
            ),
            (),
        )

        # -- The termination summary: assembled, edited, finalised, shared.
        summary_url = reverse("termination:summary", args=[episode.uuid])
        assert reverse("termination:summary_assemble", args=[episode.uuid]) in page(
            clinician, summary_url
        )
        response = clinician.post(
            reverse("termination:summary_assemble", args=[episode.uuid])
        )
        assert response.status_code == 302
        summary = TerminationSummary.objects.get(episode=episode)
        assert "PHQ-9: 15 to 6" in summary.outcomes_note
        edit_url = reverse("termination:summary_edit", args=[summary.uuid])
        page(clinician, edit_url)
        data = {"version": str(summary.version)}
        data.update(
            {name: getattr(summary, name) for name in (*SUMMARY_FIELDS, *CLIENT_FIELDS)}
        )
        data["recommendations"] += "\nBooster session if PHQ-9 rises again."
        data["client_next"] += "\nKeep your grounding practice going, Cleo."
        response = clinician.post(edit_url, data)
        assert response.status_code == 302
        for action in ("summary_finalise", "summary_share"):
            response = clinician.post(
                reverse(f"termination:{action}", args=[summary.uuid])
            )
            assert response.status_code == 302, action
        summary.refresh_from_db()
        assert summary.is_finalised and summary.is_shared
        assert PROCESS_CANARY not in str(summary.facts) + str(review.facts)
        sections = [*summary.sections(), *summary.client_sections()]
        assert all(PROCESS_CANARY not in text for *_, text in sections)
        assert summary.client_next.endswith("Keep your grounding practice going, Cleo.")
        text = page(clinician, summary_url)
        assert "Booster session if PHQ-9 rises again." in text
        pdfs["summary (clinician)"] = (
            download(
                clinician, reverse("termination:summary_pdf", args=[summary.uuid])
            ),
            (
                "Termination summary",
                "Riverside Therapy",
                "Presenting concerns",
                "Recommendations",
                "PHQ-9: 15 to 6",
                "Booster session if PHQ-9 rises again.",
            ),
            ("Draft:",),
        )
        client_version = (
            "Your therapy summary",
            "What we did together",
            "Looking after yourself from here",
            "Keep your grounding practice going, Cleo.",
        )
        # The clinician's words and the referral text stay out of the client's.
        clinician_only = ("Approach: Cognitive", "CANARY-Cleo", "Draft:")
        pdfs["summary (client, printed by Alice)"] = (
            download(
                clinician,
                reverse("termination:summary_client_pdf", args=[summary.uuid]),
            ),
            client_version,
            clinician_only,
        )

        # -- The relapse-prevention plan, with Cleo's toolbox skill ticked.
        plan_edit_url = reverse("termination:plan_edit", args=[cleo.uuid])
        text = page(clinician, plan_edit_url)
        assert 'type="checkbox" name="skills"' in text
        assert skill.title in text
        response = clinician.post(
            plan_edit_url,
            {
                "based_on": "0",
                "warning_signs": "Staying in bed past ten\nCancelling on friends",
                "triggers": "Deadlines at work",
                "coping_strategies": "Plan one thing I enjoy each day",
                "skills": [str(skill.pk)],
                "supports": "Sister Maya 07700 900123",
                "self_care": "Bed by eleven",
                "come_back": "If the signs last two weeks, call the practice.",
            },
        )
        assert response.status_code == 302
        version = RelapsePreventionPlanVersion.objects.get(plan__client=cleo)
        assert list(version.skills.all()) == [skill]
        assert "Cancelling on friends" in page(
            clinician, reverse("termination:plan", args=[cleo.uuid])
        )
        plan_expected = (
            "My relapse-prevention plan",
            "My early warning signs",
            "Cancelling on friends",
            skill.title,
            "When and how to come back",
            "Samaritans",
        )
        pdfs["plan (printed by Alice)"] = (
            download(clinician, reverse("termination:plan_pdf", args=[cleo.uuid])),
            plan_expected,
            (),
        )

        # -- Cleo reads her summary and her plan in the portal.
        portal = as_user(cleo.user)
        text = page(portal, reverse("termination:mine_summary"))
        assert "Keep your grounding practice going, Cleo." in text
        for unwanted in clinician_only:
            assert unwanted not in text
        pdfs["summary (client, Cleo's download)"] = (
            download(
                portal, reverse("termination:mine_summary_pdf", args=[summary.uuid])
            ),
            client_version,
            clinician_only,
        )
        text = page(portal, reverse("termination:mine_plan"))
        assert "Cancelling on friends" in text
        assert reverse("toolbox:skill", args=[skill.uuid]) in text
        pdfs["plan (Cleo's download)"] = (
            download(
                portal,
                reverse("termination:mine_plan_pdf", args=[version.plan.uuid]),
            ),
            plan_expected,
            (),
        )

        # -- Aftercare: follow-ups at the practice's months (1, 3 and 6).
        clinician = as_user(alice)
        response = transition(
            clinician,
            episode,
            to="aftercare",
            reason="Final session held; follow-up check-ins agreed.",
        )
        assert "Episode moved to aftercare." in response.text
        entered = clock.at
        followups = {f.months: f for f in FollowUp.objects.filter(episode=episode)}
        assert sorted(followups) == [1, 3, 6]
        assert all(f.status == "scheduled" for f in followups.values())
        assert followups[1].due_on > entered.date()
        assert set(followups[1].instruments) == {"phq9", "gad7"}

        # One month on, the worker opens the first check-in and emails Cleo.
        clock.noon_on(followups[1].due_on)
        run_worker()
        first = FollowUp.objects.get(pk=followups[1].pk)
        assert first.status == FollowUp.Status.OPEN
        [email] = ready_emails()
        assert email.to == [cleo.email]
        assert reverse("aftercare:followup", args=[first.uuid]) in email.body
        assert "PHQ" not in email.body  # nothing clinical in an email
        assert FollowUp.objects.get(pk=followups[3].pk).status == "scheduled"

        # Cleo answers much as she ended: PHQ-9 7 (end 6), GAD-7 5 (end 5).
        portal = as_user(cleo.user)
        assert "1-month follow-up" in page(portal, reverse("aftercare:mine"))
        answer_followup(portal, first, phq=7, gad=5)
        clock.advance(hours=1, minutes=1)
        run_worker()
        first.refresh_from_db()
        assert first.status == FollowUp.Status.COMPLETED
        assert first.deteriorated is False
        assert first.result["reasons"] == []
        assert not RiskAlert.objects.filter(client=cleo).exists()
        assert not BoosterRequest.objects.exists()
        assert len(ready_emails()) == 1

        # Three months on: opened and emailed once, answered with PHQ-9 16.
        clock.noon_on(followups[3].due_on)
        run_worker()
        third = FollowUp.objects.get(pk=followups[3].pk)
        assert third.status == FollowUp.Status.OPEN
        assert len(ready_emails()) == 2
        portal = as_user(cleo.user)
        answer_followup(portal, third, phq=16, gad=6)
        assert not RiskAlert.objects.filter(client=cleo).exists()
        clock.advance(hours=1, minutes=1)
        run_worker()
        run_worker()  # a second pass within the hour changes nothing
        third.refresh_from_db()
        assert third.status == FollowUp.Status.COMPLETED
        assert third.deteriorated is True
        # A rise of 10 (reliable: 6 or more) and back above the cut-off of 10.
        assert third.result["reasons"] == [
            "phq9:reliable_deterioration",
            "phq9:returned_to_clinical",
        ]
        [alert] = RiskAlert.objects.filter(client=cleo)
        assert alert.source == "Aftercare follow-up"
        assert alert.source_uuid == third.uuid
        assert alert.episode == episode
        assert "PHQ-9 16 (end of treatment 6)" in alert.summary
        [offer] = BoosterRequest.objects.filter(client=cleo)
        assert offer.status == BoosterRequest.Status.OFFERED
        assert offer.followup == third

        # Cleo signs in again, sees the offer and asks for a booster session.
        portal = as_user(cleo.user)
        text = page(portal, reverse("aftercare:mine"))
        assert "harder lately" in text
        assert "Ask for a booster session" in text
        response = portal.post(
            reverse("aftercare:request_booster"),
            {"note": "The deadlines are back and I am not sleeping."},
        )
        assert response.status_code == 302
        offer.refresh_from_db()
        assert offer.status == BoosterRequest.Status.REQUESTED

        # Alice sees it on her home page and the alert on the chart, and answers.
        clinician = as_user(alice)
        text = page(clinician, reverse("home:index"))
        assert "Booster sessions asked for" in text
        assert reverse("aftercare:client", args=[cleo.uuid]) in text
        assert "Aftercare follow-up" in page(
            clinician, reverse("chart:client", args=[cleo.uuid])
        )
        text = page(clinician, reverse("aftercare:client", args=[cleo.uuid]))
        assert "The deadlines are back and I am not sleeping." in text
        response = clinician.post(
            reverse("aftercare:respond", args=[offer.uuid]),
            {
                "action": "decline",
                "response": "Booster session held by phone; GP appointment booked "
                "and the plan reviewed together. Agreed to end care.",
            },
        )
        assert response.status_code == 302
        offer.refresh_from_db()
        assert offer.status == BoosterRequest.Status.DECLINED
        assert offer.responded_by == alice

        # -- Closing: refused without a discharge reason, nothing changed.
        transitions = episode.transitions.count()
        response = transition(
            clinician, episode, to="closed", reason="Aftercare ended.", discharge=""
        )
        assert "Choose the discharge reason when closing an episode." in response.text
        episode.refresh_from_db()
        assert episode.phase == Episode.Phase.AFTERCARE
        assert episode.closed_at is None and episode.discharge_reason == ""
        assert episode.transitions.count() == transitions
        assert FollowUp.objects.get(pk=followups[6].pk).status == "scheduled"

        response = transition(
            clinician,
            episode,
            to="closed",
            reason="Aftercare ended.",
            discharge="completed",
        )
        assert "Episode moved to closed." in response.text
        episode.refresh_from_db()
        assert episode.phase == Episode.Phase.CLOSED
        assert episode.closed_at == clock.at
        assert episode.discharge_reason == "completed"
        assert episode.transitions.count() == transitions + 1
        # The 6-month check-in could no longer be answered: cancelled.
        assert FollowUp.objects.get(pk=followups[6].pk).status == "cancelled"

        # Cleo may read but no longer change anything...
        portal = as_user(cleo.user)
        assert cleo.portal_access() == "read"
        page(portal, reverse("termination:mine_summary"))
        response = portal.post(reverse("aftercare:request_booster"), {"note": ""})
        assert response.status_code == 403

        # ...and once the read period has passed, only her keepsakes stay.
        clock.advance(days=cleo.practice.portal_days_after_close + 1)
        portal = as_user(cleo.user)
        assert cleo.portal_access() == "keepsakes"
        assert "Cancelling on friends" in page(portal, reverse("termination:mine_plan"))
        pdfs["plan (Cleo's keepsake)"] = (
            download(
                portal,
                reverse("termination:mine_plan_pdf", args=[version.plan.uuid]),
            ),
            plan_expected,
            (),
        )
        assert portal.get(reverse("portal:progress")).status_code == 403
        assert portal.get(reverse("termination:mine_summary")).status_code == 403

    # -- Every PDF, read back and rendered to images.
    assert len(pdfs) == 7
    for n, (name, (data, expected, absent)) in enumerate(pdfs.items()):
        folder = tmp_path / f"pdf-{n}"
        check_pdf(name, data, folder, expected=expected, absent=absent)
