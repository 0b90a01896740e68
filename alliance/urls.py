from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("alliance.home.urls")),
    path("accounts/", include("alliance.accounts.urls")),
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
    path("toolbox/", include("alliance.toolbox.urls")),
    path("termination/", include("alliance.termination.urls")),
    path("aftercare/", include("alliance.aftercare.urls")),
    path("reminders/", include("alliance.reminders.urls")),
    path("healthz", healthz, name="healthz"),
]
