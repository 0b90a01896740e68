from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.safety.tests.helpers import write_plan


def test_the_clinician_downloads_the_current_plan(as_user, alice, cleo):
    write_plan(cleo)
    response = as_user(alice).get(reverse("safety:pdf", args=[cleo.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="safety-plan-v1-'
    )
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="safety_plan.pdf").count() == 1


def test_the_client_downloads_their_own_plan(portal, cleo):
    version = write_plan(cleo)
    response = portal.get(reverse("safety:mine_pdf", args=[version.plan.uuid]))
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"


def test_there_is_no_pdf_before_a_plan_exists(as_user, alice, cleo):
    response = as_user(alice).get(reverse("safety:pdf", args=[cleo.uuid]))
    assert response.status_code == 404
