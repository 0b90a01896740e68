from django.urls import path

from alliance.clients import views

# Included under /accounts/, beside the staff page it belongs to: handing a
# clinician's clients to colleagues is the clients app's (accounts knows no client).
app_name = "caseload"
urlpatterns = [
    path("staff/<uuid:uuid>/transfer/", views.transfer, name="transfer"),
]
