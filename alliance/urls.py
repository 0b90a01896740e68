from django.urls import include, path

from alliance.clients import urls as clients_urls
from alliance.core.health import healthz, readyz
from alliance.home import urls as home_urls

handler500 = "alliance.core.health.handler500"

urlpatterns = [
    path("", include("alliance.home.urls")),
    path("accounts/", include("alliance.accounts.urls")),
    path("accounts/", include("alliance.clients.caseload_urls")),
    path("", include("alliance.chart.urls")),
    # The caseload page filters on measures, alerts and plans, so the home app
    # (page level) serves it; it keeps the clients app's address and name.
    path(
        "clients/",
        include(
            (
                [*home_urls.caseload_patterns, *clients_urls.urlpatterns],
                clients_urls.app_name,
            )
        ),
    ),
    path("alerts/", include("alliance.alerts.urls")),
    path("safety/", include("alliance.safety.urls")),
    path("calendar/", include("alliance.scheduling.urls")),
    path("notes/", include("alliance.notes.urls")),
    path("measures/", include("alliance.measures.urls")),
    path("portal/", include("alliance.portal.urls")),
    path("audit/", include("alliance.reports.audit_urls")),
    path("reports/", include("alliance.reports.urls")),
    path("techniques/", include("alliance.techniques.urls")),
    path("intake/", include("alliance.intake.urls")),
    path("plans/", include("alliance.plans.urls")),
    path("homework/", include("alliance.homework.urls")),
    path("messages/", include("alliance.messaging.urls")),
    path("checkins/", include("alliance.checkins.urls")),
    path("journal/", include("alliance.journal.urls")),
    path("guides/", include("alliance.guides.urls")),
    path("toolbox/", include("alliance.toolbox.urls")),
    path("termination/", include("alliance.termination.urls")),
    path("aftercare/", include("alliance.aftercare.urls")),
    path("billing/", include("alliance.billing.urls")),
    path("reminders/", include("alliance.reminders.urls")),
    path("supervision/", include("alliance.supervision.urls")),
    path("fhir/", include("alliance.fhir.urls")),
    path("api/v1/", include("alliance.api.urls")),
    path("exports/", include("alliance.exports.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
