from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.intake import pdf
from alliance.intake.tests.helpers import completed


@pytest.fixture
def done(cleo):
    return completed(cleo)


@pytest.fixture
def rendered(monkeypatch):
    """Keep the HTML that WeasyPrint was given."""
    captured: list[str] = []
    real = pdf.summary_html

    def keep(context):
        captured.append(real(context))
        return captured[-1]

    monkeypatch.setattr(pdf, "summary_html", keep)
    return captured


def _text(data: bytes, rendered: list[str], tmp_path) -> str:
    """The PDF's text by the best tool at hand; failing all, the HTML rendered."""
    if shutil.which("pdftotext"):
        path = tmp_path / "summary.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    try:
        from pypdf import PdfReader
    except ImportError:
        return rendered[-1]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_it_serves_a_pdf_download(as_user, alice, done):
    response = as_user(alice).get(reverse("intake:pdf", args=[done.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF-")
    day = done.completed_at.date()
    assert response["Content-Disposition"] == (
        f'attachment; filename="intake-summary-{day:%Y-%m-%d}.pdf"'
    )
    assert response["Cache-Control"] == "no-store"


def test_it_carries_the_letterhead_client_and_clinician(
    as_user, alice, done, rendered, tmp_path
):
    response = as_user(alice).get(reverse("intake:pdf", args=[done.uuid]))
    text = _text(response.getvalue(), rendered, tmp_path)
    assert "Riverside Therapy" in text
    assert "1 River Walk, Exampleton" in text
    assert "Cleo Example" in text
    assert "17 May 1990" in text
    assert "Alice Clinician" in text
    assert "Loss of routine maintains low mood." in text


def test_it_renders_a_first_page(as_user, alice, done, tmp_path):
    response = as_user(alice).get(reverse("intake:pdf", args=[done.uuid]))
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.getvalue())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    pages = list(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    assert pages[0].read_bytes().startswith(b"\x89PNG")


def test_it_leaves_out_process_notes(as_user, alice, cleo, done, rendered):
    from alliance.notes.services import save_process_note
    from alliance.notes.tests.helpers import start as start_session

    session = start_session(cleo)
    save_process_note(session, by=alice, text="PROCESS-NOTE-CANARY")
    as_user(alice).get(reverse("intake:pdf", args=[done.uuid]))
    assert "PROCESS-NOTE-CANARY" not in rendered[-1]


def test_it_fetches_nothing_from_the_network(done):
    fetcher = pdf._fetcher()
    with pytest.raises(ValueError):
        fetcher("http://169.254.169.254/latest/meta-data/")


def test_it_records_the_download(as_user, alice, done):
    as_user(alice).get(reverse("intake:pdf", args=[done.uuid]))
    event = AuditEvent.objects.get(action="intake.pdf")
    assert event.actor == alice
    assert event.object_uuid == done.uuid
    assert event.client_uuid == done.episode.client.uuid


def test_it_lets_the_supervisor_download(as_user, sam, done):
    response = as_user(sam).get(reverse("intake:pdf", args=[done.uuid]))
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF-")


def test_it_refuses_bob_ada_and_the_client(as_user, bob, ada, cleo, done):
    url = reverse("intake:pdf", args=[done.uuid])
    assert as_user(bob).get(url).status_code == 404
    assert as_user(ada).get(url).status_code == 403
    assert as_user(cleo.user).get(url).status_code == 403
