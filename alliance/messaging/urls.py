from django.urls import path

from alliance.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("clients/<uuid:uuid>/", views.thread, name="thread"),
    path("files/<uuid:uuid>/", views.attachment, name="attachment"),
    path("mine/", views.mine, name="mine"),
    path("mine/files/<uuid:uuid>/", views.mine_attachment, name="mine_attachment"),
    path("emails/", views.email_choice, name="email_choice"),
    path("emails/stop/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
