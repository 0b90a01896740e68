from django.urls import path

from alliance.toolbox import views

app_name = "toolbox"
urlpatterns = [
    # The clinician's side, by client.
    path("clients/<uuid:uuid>/", views.client, name="client"),
    path(
        "clients/<uuid:uuid>/add-from-library/",
        views.add_from_library,
        name="add_from_library",
    ),
    path("clients/<uuid:uuid>/add/", views.add_skill, name="add_skill"),
    path("skills/<uuid:uuid>/notes/", views.skill_notes, name="skill_notes"),
    path("skills/<uuid:uuid>/log/", views.skill_log, name="skill_log"),
    path("skills/<uuid:uuid>/archive/", views.archive, name="archive"),
    path("skills/<uuid:uuid>/restore/", views.restore, name="restore"),
    # The client's own toolbox in the portal.
    path("mine/", views.mine, name="mine"),
    path("mine/add/", views.add_own, name="add_own"),
    path("mine/exercises/", views.exercises, name="exercises"),
    path("mine/<uuid:uuid>/", views.skill, name="skill"),
    path("mine/<uuid:uuid>/notes/", views.notes, name="notes"),
    path("mine/<uuid:uuid>/log/", views.log, name="log"),
    path("mine/<uuid:uuid>/archive/", views.archive_mine, name="archive_mine"),
    path("mine/<uuid:uuid>/restore/", views.restore_mine, name="restore_mine"),
]
