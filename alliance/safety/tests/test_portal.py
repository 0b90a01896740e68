"""The client's own plan in the portal: crisis lines first, tap to call, kept
on the device for a day, reachable from every portal page."""

from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.safety.tests.helpers import write_plan


def test_it_shows_the_clients_own_current_plan(portal, cleo, dan):
    write_plan(cleo)
    write_plan(cleo, warning_signs="Racing thoughts", reason="Reviewed")
    write_plan(dan, warning_signs="DAN-ONLY sign")
    page = portal.get(reverse("safety:mine")).text
    assert "Racing thoughts" in page
    assert "Not sleeping" not in page
    assert "DAN-ONLY" not in page
    assert AuditEvent.objects.filter(
        action="safety_plan.portal_view", client_uuid=cleo.uuid
    ).exists()


def test_it_shows_the_crisis_lines_first_with_tap_to_call(portal, cleo):
    write_plan(cleo)
    page = portal.get(reverse("safety:mine")).text
    call = page.index("Tap to call for help now")
    assert call < page.index("Warning signs")
    assert (
        '<a class="safety-call-link" href="tel:116123">'
        "Samaritans: 116 123 (free, 24 hours)</a>" in page
    )
    assert '<a class="safety-call-link" href="tel:999">Emergency: 999</a>' in page


def test_only_contact_sections_get_call_links(portal, cleo):
    write_plan(cleo, reasons_for_living="Graduating in 2027")
    page = portal.get(reverse("safety:mine")).text
    assert "<li>Graduating in 2027</li>" in page
    assert '<a href="tel:07700900123">Sister Maya 07700 900123</a>' in page


def test_it_lets_the_device_keep_the_plan_for_a_day(portal, cleo):
    write_plan(cleo)
    response = portal.get(reverse("safety:mine"))
    assert response["Cache-Control"] == "private, max-age=86400"
    assert "Cookie" in response["Vary"]
    assert "<script>" not in response.text.split("<main", 1)[-1]


def test_without_a_plan_it_says_so_and_is_not_kept(portal, cleo):
    response = portal.get(reverse("safety:mine"))
    assert "have not written a safety plan yet" in response.text
    assert response["Cache-Control"] == "no-store"


def test_every_portal_page_links_to_the_plan(portal, cleo):
    link = f'<a class="portal-safety-link" href="{reverse("safety:mine")}">My safety plan</a>'
    for url in (
        reverse("portal:home"),
        reverse("portal:progress"),
        reverse("safety:mine"),
    ):
        assert link in portal.get(url).text, url


def test_another_clients_plan_pdf_is_404(portal, dan):
    other = write_plan(dan)
    response = portal.get(reverse("safety:mine_pdf", args=[other.plan.uuid]))
    assert response.status_code == 404
