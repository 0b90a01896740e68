from django.urls import path

from alliance.reports import views

app_name = "reports"
urlpatterns = [path("", views.index, name="index")]
for _slug in views.REPORTS:
    urlpatterns += [
        path(f"{_slug}/", views.report_page, {"slug": _slug}, name=_slug),
        path(f"{_slug}.csv", views.report_csv, {"slug": _slug}, name=f"{_slug}_csv"),
    ]
