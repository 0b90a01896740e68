from django.urls import path

from alliance.intake import views

app_name = "intake"
urlpatterns = [
    path("start/<uuid:uuid>/", views.start, name="start"),
    path("<uuid:uuid>/", views.intake_detail, name="detail"),
    path("<uuid:uuid>/sections/<slug:key>/", views.section, name="section"),
    path("<uuid:uuid>/complete/", views.complete, name="complete"),
    path("<uuid:uuid>/addendum/", views.addendum, name="addendum"),
    path("<uuid:uuid>/summary/", views.summary, name="summary"),
    path("<uuid:uuid>/summary.pdf", views.summary_download, name="pdf"),
    path("pre-intake/send/<uuid:uuid>/", views.send_pre_intake, name="send_pre_intake"),
    path(
        "pre-intake/<uuid:uuid>/contact/", views.review_contact, name="review_contact"
    ),
    path("pre/<str:token>/", views.pre_intake, name="pre_intake"),
]
