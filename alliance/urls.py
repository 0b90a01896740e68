from django.urls import include, path

from alliance.core.health import healthz, readyz

handler500 = "alliance.core.health.handler500"

urlpatterns = [
    path("", include("alliance.home.urls")),
    path("accounts/", include("alliance.accounts.urls")),
    path("accounts/", include("alliance.clients.caseload_urls")),
    path("", include("alliance.chart.urls")),
    path("clients/", include("alliance.clients.urls")),
    path("alerts/", include("alliance.alerts.urls")),
    path("safety/", include("alliance.safety.urls")),
    path("calendar/", include("alliance.scheduling.urls")),
    path("notes/", include("alliance.notes.urls")),
    path("measures/", include("alliance.measures.urls")),
    path("portal/", include("alliance.portal.urls")),
    path("audit/", include("alliance.audit.urls")),
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
    path("fhir/", include("alliance.fhir.urls")),
    path("api/v1/", include("alliance.api.urls")),
    path("exports/", include("alliance.exports.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
