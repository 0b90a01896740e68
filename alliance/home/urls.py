from django.urls import path

from alliance.home import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("supervisees/", views.supervisees, name="supervisees"),
]

# The caseload keeps its address and name, /clients/ and ``clients:list``:
# alliance/urls.py puts these patterns first in the clients app's namespace.
caseload_patterns = [path("", views.caseload, name="list")]
