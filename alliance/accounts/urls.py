from django.urls import path

from alliance.accounts import views

app_name = "accounts"
# Transferring a member's caseload, /accounts/staff/<uuid>/transfer/, is
# ``caseload:transfer`` (alliance.clients): the page lists the member's clients.
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.verify, name="verify"),
    path("2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    # Not under /accounts/2fa/: only reachable after the two-factor step.
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept"),
    path("staff/", views.staff, name="staff"),
    path("staff/<uuid:uuid>/active/", views.set_active, name="set_active"),
    path("staff/<uuid:uuid>/reset-2fa/", views.reset_two_factor, name="reset_2fa"),
    path("cover/", views.cover, name="cover"),
    path("cover/<uuid:uuid>/end/", views.end_cover, name="end_cover"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("invitations/<uuid:uuid>/revoke/", views.revoke, name="revoke"),
    path("supervision/", views.add_supervision, name="add_supervision"),
    path("supervision/<int:pk>/end/", views.end_supervision, name="end_supervision"),
    path("practice/", views.practice_settings, name="practice"),
    path("duty/", views.duty_rota, name="duty"),
    path("duty/<int:pk>/remove/", views.remove_duty_day, name="duty_remove"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "api-tokens/<uuid:uuid>/revoke/",
        views.revoke_api_token,
        name="api_token_revoke",
    ),
]
