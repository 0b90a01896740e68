from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.intake.models import PreIntakeRequest
from alliance.intake.selectors import intake_for_chart
from alliance.intake.tests.helpers import answer, assess, completed, save, send, start


def _panel(http, client):
    html = http.get(reverse("chart:section", args=[client.uuid, "documents"])).text
    start_at = html.index('<h2 id="intake-heading">')
    return html[start_at : html.index("</section>", start_at)]


def test_it_waits_for_assessment(as_user, alice, cleo):
    panel = _panel(as_user(alice), cleo)
    assert "Not started." in panel
    assert "move the episode to assessment first" in panel
    assert "Start the intake" not in panel


def test_it_offers_to_start_in_assessment(as_user, alice, cleo):
    episode = assess(cleo)
    panel = _panel(as_user(alice), cleo)
    assert f'action="{reverse("intake:start", args=[episode.uuid])}"' in panel


def test_it_counts_sections_of_a_draft(as_user, alice, cleo):
    intake = start(cleo)
    save(intake, "history", text="Since the spring.")
    save(
        intake,
        "diagnoses",
        diagnoses=[{"description": "Low mood", "code_system": "", "code": ""}],
    )
    panel = _panel(as_user(alice), cleo)
    assert "2 of 12 sections written" in panel
    assert "Continue the intake" in panel


def test_it_shows_a_completed_intake(as_user, alice, cleo):
    intake = completed(cleo)
    panel = _panel(as_user(alice), cleo)
    assert (
        f"Completed</span> {intake.completed_at.day} {intake.completed_at:%b %Y} by Alice Clinician"
        in panel
    )
    assert reverse("intake:summary", args=[intake.uuid]) in panel
    assert reverse("intake:pdf", args=[intake.uuid]) in panel


def test_it_shows_the_questionnaire_status(as_user, alice, cleo):
    http = as_user(alice)
    assert "Not sent." in _panel(http, cleo)
    pre, _ = send(cleo)
    assert "the link works until" in _panel(http, cleo)
    PreIntakeRequest.objects.filter(pk=pre.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    panel = _panel(http, cleo)
    assert "expired on" in panel
    assert "Send a new link" in panel
    pre, _ = send(cleo)
    answer(pre)
    panel = _panel(http, cleo)
    assert "Answered by the client on" in panel
    assert "Send a new link" not in panel


def test_it_offers_the_supervisor_no_buttons(as_user, sam, cleo):
    assess(cleo)
    panel = _panel(as_user(sam), cleo)
    assert "<form" not in panel
    assert "Not started." in panel


def test_it_uses_a_bounded_number_of_queries(cleo, django_assert_max_num_queries):
    pre, _ = send(cleo)
    answer(pre, contact_unchanged=False, phone="07700 900123")
    start(cleo)
    with django_assert_max_num_queries(10):
        chart = intake_for_chart(cleo)
    assert chart.filled == 0
    assert [p[0] for p in chart.proposals] == ["phone"]


def test_the_chart_reads_the_episode_and_intake_once(cleo, django_assert_num_queries):
    # Given the open episode, the panel reads the intake, the questionnaire
    # request, the filled sections and the diagnoses, and the answered request
    # for the sending refusal: no second read of the episode or the intake.
    pre, _ = send(cleo)
    answer(pre)
    start(cleo)
    episode = cleo.current_episode()
    with django_assert_num_queries(5):
        chart = intake_for_chart(cleo, episode=episode)
    assert chart.intake is not None
    assert chart.send_refusal.startswith("The client already answered")
    with django_assert_num_queries(0):
        assert intake_for_chart(cleo, episode=None).intake is None


def test_a_new_episode_without_an_intake_needs_no_existence_check(
    cleo, django_assert_num_queries
):
    assess(cleo)
    episode = cleo.current_episode()
    # The intake and the questionnaire request, then the answered request.
    with django_assert_num_queries(3):
        chart = intake_for_chart(cleo, episode=episode)
    assert chart.intake is None
    assert chart.start_refusal is None
