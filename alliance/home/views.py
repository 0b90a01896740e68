from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from alliance import permissions
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import Cover, User
from alliance.accounts.services import clients_in_care_count
from alliance.aftercare.selectors import open_booster_requests
from alliance.alerts.models import RiskAlert
from alliance.audit.services import record
from alliance.clients.models import (
    Client,
    Episode,
    caseload_clinician_ids,
    open_episodes_by_phase,
)
from alliance.core.prepared import prepared
from alliance.home.caseload import FLAGS, CaseloadFilterForm, Filters, caseload_page
from alliance.home.supervisees import supervisee_overview
from alliance.measures.selectors import due_for_clinician
from alliance.measures.tracking import not_on_track
from alliance.messaging.selectors import (
    unread_by_client_for_clinician,
    unread_by_client_for_clinicians,
)
from alliance.notes.selectors import awaiting_cosign, cosign_summary, unsigned_notes
from alliance.plans.selectors import reviews_due
from alliance.scheduling.selectors import pending_requests, todays_appointments
from alliance.supervision.selectors import summary_for_supervisee

# The home lists the few oldest notes awaiting co-signature; the rest are on
# the co-sign queue page it links to.
HOME_COSIGN_ROWS = 5
# What the home shows of an open alert (home/index.html, _covering.html): the
# client's name, the source and time, the link; the rest stays unread.
_ALERT_FIELDS = ("uuid", "client", "severity", "source", "raised_at")


def index(request: AuthenticatedRequest) -> HttpResponse:
    """The clinician's day: appointments, caseload by phase, unsigned notes, open
    alerts. A practice admin sees practice-level counts and no clinical text."""
    if getattr(request.user, "role", None) == User.Role.CLIENT:
        # A client signing in lands in their portal.
        return redirect("portal:home")
    user = permissions.require_staff(request)
    if user.is_practice_admin:
        return _admin_home(request, user)
    by_phase = open_episodes_by_phase(user)
    phases = [
        (value, label, by_phase.get(value, 0))
        for value, label in Episode.Phase.choices
        if value != Episode.Phase.CLOSED
    ]
    alerts = _open_alerts(caseload_clinician_ids(user), user.practice_id)
    unsigned = unsigned_notes(user)
    covering = _covering(user)
    detail: dict[str, Any] = {"alerts": len(alerts), "unsigned": len(unsigned)}
    if covering:
        detail["cover_alerts"] = len(covering["alerts"])
        detail["via"] = "cover"
    record(user, "home.view", None, request=request, detail=detail)
    awaiting = awaiting_cosign(user, limit=HOME_COSIGN_ROWS)
    return render(
        request,
        "home/index.html",
        {
            "appointments": todays_appointments(user),
            "appointment_requests": pending_requests(user),
            "phases": phases,
            "unsigned": unsigned,
            "awaiting_cosign": awaiting,
            "cosign_summary": cosign_summary(user, oldest=awaiting),
            "is_supervisor": user.role == User.Role.SUPERVISOR,
            "covers_alerts": permissions.covers_alerts(user),
            "alerts": alerts,
            "plan_reviews": reviews_due(user),
            "due_measures": due_for_clinician(user),
            "off_track": not_on_track(user),
            "unread_messages": unread_by_client_for_clinician(user),
            "booster_requests": open_booster_requests(user),
            "covering": covering,
            "supervision": summary_for_supervisee(user),
        },
    )


@prepared
def _open_alerts(
    clinician_ids: list[int], practice_id: int | None
) -> QuerySet[RiskAlert]:
    """``RiskAlert.objects.in_caseload_of(user).open()``, as the home lists
    them."""
    return (
        RiskAlert.objects.of_clients_of(clinician_ids, practice_id=practice_id)
        .open()
        .select_related("client")
        .only(*_ALERT_FIELDS, *Client.listing_fields("client"))
    )


def supervisees(request: AuthenticatedRequest) -> HttpResponse:
    """The supervisor's overview: one row of figures per current supervisee.
    Counts only, no client names; the supervisor opens a supervisee's clients
    from their own caseload pages as before."""
    user = permissions.require_supervisor(request)
    rows = supervisee_overview(user)
    record(
        user,
        "supervisees.view",
        None,
        request=request,
        detail={"supervisees": len(rows)},
    )
    return render(request, "home/supervisees.html", {"rows": rows})


def caseload(request: AuthenticatedRequest) -> HttpResponse:
    """The clinician's caseload at /clients/ (``clients:list``), filtered and
    paged (``home/caseload.py`` says what each filter reads). A supervisor
    sees their supervisees' clients too and may pick one clinician's; whom
    is decided by ``permissions``."""
    user = permissions.require_clinician(request)
    form = CaseloadFilterForm(
        request.GET, clinicians=permissions.visible_clinicians(user)
    )
    filters = Filters.from_form(form)
    page = caseload_page(
        permissions.clients_readable_by(user),
        filters,
        today=user.practice.today(),  # type: ignore[union-attr]  # clinicians belong to a practice
        number=request.GET.get("page"),
    )
    clients = page.object_list
    # Name the clients shown, so the log answers "who saw this client's name";
    # the filters by name only (a name typed is not kept).
    record(
        user,
        "caseload.view",
        None,
        request=request,
        detail={
            "count": len(clients),
            "clients": [str(r.uuid) for r in clients],
            "filters": sorted(filters.params()),
        },
    )
    context = {
        "form": form,
        "filters": filters,
        "flags": [(name, label, getattr(filters, name)) for name, label, _ in FLAGS],
        "clients": clients,
        "page": page,
        "active": filters.active(),
        "previous_url": (
            filters.url(page=page.previous_page_number()) if page.has_previous() else ""
        ),
        "next_url": filters.url(page=page.next_page_number())
        if page.has_next()
        else "",
    }
    # A history restore needs the whole page, even though htmx asks for it.
    htmx = request.htmx
    partial = htmx and not htmx.history_restore_request
    template = (
        "home/caseload.html#caseload-results" if partial else "home/caseload.html"
    )
    return render(request, template, context)


def _covering(user: User) -> dict[str, Any] | None:
    """What a colleague covering absent clinicians today needs: their
    clients' open alerts and unread messages (``permissions`` decides whom)."""
    ids = permissions.covered_clinician_ids(user)
    if not ids:
        return None
    arrangements = list(
        Cover.objects.in_force_on(user.practice.today())  # type: ignore[union-attr]  # covering staff belong to a practice
        .filter(cover=user, clinician_id__in=ids)
        .select_related("clinician")
    )
    return {
        "clinicians": list(
            {a.clinician_id: a.clinician for a in arrangements}.values()
        ),
        "arrangements": arrangements,
        "alerts": list(
            RiskAlert.objects.of_clients_of(ids, practice_id=user.practice_id)
            .open()
            .select_related("client__clinician")
            .only(
                *_ALERT_FIELDS,
                *Client.listing_fields("client"),
                "client__clinician__full_name",
                "client__clinician__email",
            )
        ),
        "unread": unread_by_client_for_clinicians(ids, practice_id=user.practice_id),
    }


def _admin_home(request: AuthenticatedRequest, admin: User) -> HttpResponse:
    by_phase = (
        Episode.objects.filter(client__practice_id=admin.practice_id)  # type: ignore[misc]  # None: IS NULL, as at run time
        .open()
        .count_by_phase()
    )
    phases = [
        (value, label, by_phase.get(value, 0))
        for value, label in Episode.Phase.choices
        if value != Episode.Phase.CLOSED
    ]
    staff = User.objects.filter(practice_id=admin.practice_id, is_active=True).exclude(  # type: ignore[misc]  # None: IS NULL, as at run time
        role=User.Role.CLIENT
    )
    return render(
        request,
        "home/admin_index.html",
        {
            "phases": phases,
            "staff_count": staff.count(),
            "unheld": _unheld_caseloads(admin),
        },
    )


def _unheld_caseloads(admin: User) -> list[tuple[User, int]]:
    """Deactivated clinicians who are still primary clinician of clients in
    care (from before deactivation needed a transfer): nobody sees those
    clients' alerts and messages until the admin transfers them."""
    gone = (
        User.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            practice_id=admin.practice_id, is_active=False, role__in=User.CLINICAL_ROLES
        )
        .annotate(in_care=clients_in_care_count())
        .filter(in_care__gt=0)
        .order_by("full_name", "id")
    )
    return [(member, member.in_care) for member in gone]
