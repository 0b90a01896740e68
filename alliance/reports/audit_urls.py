"""The audit log's pages, at /audit/ under the ``audit`` namespace: the page
composes the log with client names, so it lives at the page level."""

from django.urls import path

from alliance.reports import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.log, name="log"),
    path("log.csv", audit_views.log_csv, name="log_csv"),
]
