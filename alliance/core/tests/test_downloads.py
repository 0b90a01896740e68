"""core.downloads and core.pdf responses: Django writes the Content-Disposition."""

from alliance.core.downloads import download_response
from alliance.core.pdf import pdf_response


def test_it_names_an_attachment():
    response = download_response(b"a,b\n", "rows.csv", content_type="text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="rows.csv"'
    assert response.getvalue() == b"a,b\n"


def test_it_shows_inline_on_request():
    response = download_response(
        "x", "a.ics", content_type="text/calendar", inline=True
    )
    assert response["Content-Disposition"] == 'inline; filename="a.ics"'


def test_it_encodes_a_name_outside_ascii():
    response = download_response(b"", "Zoë.csv", content_type="text/csv")
    assert (
        response["Content-Disposition"] == "attachment; filename*=utf-8''Zo%C3%AB.csv"
    )


def test_a_pdf_is_never_kept():
    response = pdf_response(b"%PDF-1.7", "plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["Cache-Control"] == "no-store"
