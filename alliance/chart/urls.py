from django.urls import path, register_converter

from alliance.chart import session_views, views
from alliance.chart.selectors import SECTIONS


class SectionConverter:
    """One of the chart's sections by its slug; any other word does not match,
    so the other apps' /clients/<uuid>/... addresses are left alone."""

    regex = "|".join(slug for slug, _ in SECTIONS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionConverter, "chartsection")

# Included at the site root: each page keeps the address of the app it shows.
app_name = "chart"
urlpatterns = [
    path("clients/<uuid:uuid>/", views.client, name="client"),
    path("clients/<uuid:uuid>/episode/", views.episode, name="episode"),
    path("clients/<uuid:uuid>/<chartsection:section>/", views.section, name="section"),
    path("alerts/<uuid:uuid>/", views.alert, name="alert"),
    path(
        "homework/episodes/<uuid:uuid>/review/",
        views.homework_review,
        name="homework_review",
    ),
    path("notes/sessions/<uuid:uuid>/", session_views.session, name="session"),
    path("notes/<uuid:uuid>/edit/", session_views.edit, name="note_edit"),
    path("notes/<uuid:uuid>/sign/", session_views.sign, name="note_sign"),
    path("notes/<uuid:uuid>/cosign/", session_views.cosign, name="note_cosign"),
    path("notes/<uuid:uuid>/addendum/", session_views.addendum, name="note_addendum"),
]
