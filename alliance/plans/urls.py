from django.urls import path

from alliance.plans import views

app_name = "plans"
urlpatterns = [
    path("episodes/<uuid:uuid>/goals/", views.goals, name="goals"),
    path("episodes/<uuid:uuid>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<uuid:uuid>/revise/", views.goal_revise, name="goal_revise"),
    path("goals/<uuid:uuid>/achieve/", views.goal_achieve, name="goal_achieve"),
    path("goals/<uuid:uuid>/drop/", views.goal_drop, name="goal_drop"),
    path("goals/<uuid:uuid>/rate/", views.goal_rate, name="goal_rate"),
    path("episodes/<uuid:uuid>/", views.plan, name="plan"),
    path("episodes/<uuid:uuid>/new/", views.plan_create, name="plan_create"),
    path(
        "episodes/<uuid:uuid>/techniques/",
        views.technique_picker,
        name="technique_picker",
    ),
    path("<uuid:uuid>/review/", views.plan_review, name="plan_review"),
    path("versions/<uuid:uuid>/", views.plan_version, name="plan_version"),
    path("versions/<uuid:uuid>/pdf/", views.plan_version_pdf, name="plan_version_pdf"),
    path(
        "versions/<uuid:uuid>/acknowledge/",
        views.plan_acknowledge,
        name="plan_acknowledge",
    ),
    path("sessions/<uuid:uuid>/", views.session_record, name="session_record"),
]
