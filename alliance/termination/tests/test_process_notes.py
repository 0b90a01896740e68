"""Process notes are the clinician's private notes (45 CFR 164.501): nothing
the termination app shows or prints may carry them. The record's third
session has a process note with a canary; every page and PDF is searched."""

from __future__ import annotations

from django.urls import reverse

from alliance.termination import pdf
from alliance.termination.models import ReadinessReview
from alliance.termination.services import (
    assemble_summary,
    finalise_summary,
    save_review,
    share_summary,
)
from alliance.termination.tests.helpers import PROCESS_CANARY, write_plan
from alliance.termination.tests.pdftools import pdf_text


def test_no_page_or_pdf_carries_process_notes(
    as_user, alice, cleo, full, tmp_path, monkeypatch
):
    from alliance.notes.models import ProcessNote

    assert ProcessNote.objects.filter(author=alice).exists()
    episode = full["episode"]
    review = save_review(
        ReadinessReview.objects.get(episode=episode),
        by=alice,
        version=1,
        judgement="Ready.",
        ending="planned",
        ready_to_end=True,
        complete=True,
    )
    summary = assemble_summary(episode, by=alice)
    version = write_plan(cleo, skills=list(full["skills"]))
    rendered: list[str] = []
    real = pdf.document_html
    monkeypatch.setattr(
        pdf, "document_html", lambda *a: rendered.append(real(*a)) or rendered[-1]
    )
    staff_pages = [
        reverse("termination:review", args=[episode.uuid]),
        reverse("termination:summary", args=[episode.uuid]),
        reverse("termination:summary_edit", args=[summary.uuid]),
        reverse("termination:plan", args=[cleo.uuid]),
        reverse("termination:plan_edit", args=[cleo.uuid]),
        reverse("termination:plan_version", args=[version.uuid]),
    ]
    staff_pdfs = [
        reverse("termination:review_pdf", args=[review.uuid]),
        reverse("termination:summary_pdf", args=[summary.uuid]),
        reverse("termination:summary_client_pdf", args=[summary.uuid]),
        reverse("termination:plan_pdf", args=[cleo.uuid]),
    ]
    http = as_user(alice)
    for url in staff_pages:
        response = http.get(url)
        assert response.status_code == 200, url
        assert PROCESS_CANARY not in response.text, url
    for url in staff_pdfs:
        response = http.get(url)
        assert response.status_code == 200, url
        assert PROCESS_CANARY not in pdf_text(response.getvalue(), tmp_path), url
    finalise_summary(summary, by=alice)
    share_summary(summary, by=alice)
    portal = as_user(cleo.user)
    for url in (reverse("termination:mine_plan"), reverse("termination:mine_summary")):
        response = portal.get(url)
        assert response.status_code == 200, url
        assert PROCESS_CANARY not in response.text, url
    for url in (
        reverse("termination:mine_plan_pdf", args=[version.plan.uuid]),
        reverse("termination:mine_summary_pdf", args=[summary.uuid]),
    ):
        response = portal.get(url)
        assert response.status_code == 200, url
        assert PROCESS_CANARY not in pdf_text(response.getvalue(), tmp_path), url
    assert len(rendered) == 6
    assert all(PROCESS_CANARY not in html for html in rendered)
    # Nor is it kept in any stored fact or section.
    review.refresh_from_db()
    summary.refresh_from_db()
    assert PROCESS_CANARY not in str(review.facts) + str(summary.facts)
    assert all(PROCESS_CANARY not in text for *_, text in summary.sections())
