"""The readiness review, both versions of the summary and the relapse-
prevention plan as PDFs: rendered to images, their text read back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.termination import pdf
from alliance.termination.models import ReadinessReview
from alliance.termination.services import (
    assemble_summary,
    finalise_summary,
    save_review,
    share_summary,
)
from alliance.termination.tests.helpers import write_plan
from alliance.termination.tests.pdftools import pdf_pages, pdf_text


@pytest.fixture
def completed(episode, alice):
    review = ReadinessReview.objects.get(episode=episode)
    return save_review(
        review,
        by=alice,
        version=1,
        judgement="Ready: goals met and skills in daily use.",
        ending="planned",
        ending_reason="completed",
        ready_to_end=True,
        complete=True,
    )


@pytest.fixture
def summary(episode, alice):
    return assemble_summary(episode, by=alice)


def _download(http, url):
    response = http.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = response.getvalue()
    assert body.startswith(b"%PDF-")
    return body


def _renders(data, tmp_path):
    pages = pdf_pages(data, tmp_path)
    assert pages
    for page in pages:
        assert page.read_bytes().startswith(b"\x89PNG")
    return pages


def test_the_completed_review(as_user, alice, completed, tmp_path):
    url = reverse("termination:review_pdf", args=[completed.uuid])
    data = _download(as_user(alice), url)
    _renders(data, tmp_path)
    text = pdf_text(data, tmp_path)
    for expected in (
        "Riverside Therapy",
        "1 River Walk, Exampleton",
        "Readiness review",
        "Cleo Example",
        "Alice Clinician",
        "Ready: goals met and skills in daily use.",
        "Planned ending: completed treatment as planned",
        "Reliable improvement",
        "56.2",
        "67%",
        "Rising",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="readiness_review.pdf").count() == 1


def test_an_open_review_has_no_pdf(as_user, alice, episode):
    review = ReadinessReview.objects.get(episode=episode)
    url = reverse("termination:review_pdf", args=[review.uuid])
    assert as_user(alice).get(url).status_code == 404


def test_the_clinician_summary_has_letterhead_and_charts(
    as_user, alice, summary, tmp_path, monkeypatch
):
    rendered = []
    real = pdf.document_html
    monkeypatch.setattr(
        pdf, "document_html", lambda *a: rendered.append(real(*a)) or rendered[-1]
    )
    data = _download(
        as_user(alice), reverse("termination:summary_pdf", args=[summary.uuid])
    )
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in rendered[-1]
    assert len(_renders(data, tmp_path)) >= 2
    text = pdf_text(data, tmp_path)
    for expected in (
        "Riverside Therapy",
        "Termination summary",
        "Draft: this summary is not finalised yet.",
        "Presenting concerns",
        "Behavioural activation (2 sessions)",
        "PHQ-9: 18 to 6",
        "Recommendations",
        "Clinical cut-off",  # drawn in the embedded progress chart
    ):
        assert expected in text, expected


def test_the_client_version(as_user, alice, summary, tmp_path):
    finalise_summary(summary, by=alice)
    data = _download(
        as_user(alice), reverse("termination:summary_client_pdf", args=[summary.uuid])
    )
    _renders(data, tmp_path)
    text = pdf_text(data, tmp_path)
    assert "Your therapy summary" in text
    assert "We met 3 times" in text
    assert "Draft" not in text
    for clinical in ("Presenting concerns", "Reliable improvement", "CANARY", "RCI"):
        assert clinical not in text


def test_the_client_downloads_the_shared_version(portal, alice, summary, tmp_path):
    url = reverse("termination:mine_summary_pdf", args=[summary.uuid])
    assert portal.get(url).status_code == 404  # not shared yet
    finalise_summary(summary, by=alice)
    share_summary(summary, by=alice)
    text = pdf_text(_download(portal, url), tmp_path)
    assert "We met 3 times" in text


def test_the_relapse_prevention_plan(as_user, alice, cleo, full, tmp_path):
    version = write_plan(cleo, skills=[full["skills"][0]])
    clinician = _download(
        as_user(alice), reverse("termination:plan_pdf", args=[cleo.uuid])
    )
    _renders(clinician, tmp_path)
    text = pdf_text(clinician, tmp_path)
    for expected in (
        "My relapse-prevention plan",
        "My early warning signs",
        "Staying in bed past ten",
        "Grounding",
        "When and how to come back",
        "Samaritans: 116 123",
    ):
        assert expected in text, expected
    # The same test client, now signed in as Cleo.
    mine = _download(
        as_user(cleo.user),
        reverse("termination:mine_plan_pdf", args=[version.plan.uuid]),
    )
    assert "Staying in bed past ten" in pdf_text(mine, tmp_path)


def test_no_plan_no_pdf(as_user, alice, cleo):
    url = reverse("termination:plan_pdf", args=[cleo.uuid])
    assert as_user(alice).get(url).status_code == 404


def test_the_supervisor_downloads_but_bob_ada_and_the_client_cannot(
    as_user, sam, bob, ada, cleo, summary
):
    url = reverse("termination:summary_pdf", args=[summary.uuid])
    assert as_user(sam).get(url).status_code == 200
    assert as_user(bob).get(url).status_code == 404
    assert as_user(ada).get(url).status_code == 403
    assert as_user(cleo.user).get(url).status_code == 403


def test_it_fetches_nothing_from_the_network():
    with pytest.raises(ValueError):
        pdf._fetcher()("http://169.254.169.254/latest/meta-data/")


def test_the_summary_page_gives_each_chart_a_table_of_its_scores(
    as_user, alice, summary, episode
):
    """Issue #17: the scores a chart draws are also a table a screen reader
    can read."""
    page = as_user(alice).get(reverse("termination:summary", args=[episode.uuid]))
    body = page.content.decode()
    assert 'role="img"' in body
    assert "PHQ-9 scores as a table" in body
    assert (
        '<caption class="visually-hidden">PHQ-9 scores, oldest first</caption>' in body
    )
    assert "<td>18</td>" in body and "<td>6</td>" in body
