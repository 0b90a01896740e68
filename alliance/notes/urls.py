from django.urls import path

from alliance.notes import views

app_name = "notes"
# The session page, /notes/sessions/<uuid>/, and the progress note's edit, sign,
# cosign and addendum actions are ``chart:session`` and ``chart:note_*``
# (alliance.chart): the page shows the session's plan, homework and prompts too.
urlpatterns = [
    path("cosign/", views.cosign_queue, name="cosign_queue"),
    path("start/<uuid:uuid>/", views.start, name="start"),
    path("process/<uuid:uuid>/", views.process_note, name="process_note"),
]
