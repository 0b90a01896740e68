from django.urls import path

from alliance.clients import views

app_name = "clients"
# The chart page itself, /clients/<uuid>/, is ``chart:client`` (alliance.chart).
# The caseload, /clients/, is ``clients:list`` but served by alliance.home (its
# filters read measures, alerts and plans): alliance/urls.py adds it here.
urlpatterns = [
    path("new/", views.client_create, name="create"),
    path("<uuid:uuid>/edit/", views.client_edit, name="edit"),
    path("<uuid:uuid>/episodes/new/", views.open_new_episode, name="open_episode"),
    path("<uuid:uuid>/portal-invite/", views.invite_portal, name="invite_portal"),
    path("episodes/<uuid:uuid>/transition/", views.transition, name="transition"),
    path(
        "consents/<uuid:uuid>/withdraw/",
        views.withdraw_consent,
        name="withdraw_consent",
    ),
    path("episodes/<uuid:uuid>/consent/", views.consent, name="consent"),
    path("consent-text/", views.consent_texts, name="consent_texts"),
    path("consent-text/<uuid:uuid>/", views.consent_text_detail, name="consent_text"),
]
