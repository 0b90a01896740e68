from django.urls import path

from alliance.termination import views

app_name = "termination"
urlpatterns = [
    # The clinician's side: the readiness review and summary by episode, the
    # relapse-prevention plan by client.
    path("episodes/<uuid:uuid>/review/", views.review, name="review"),
    path("reviews/<uuid:uuid>/pdf/", views.review_pdf, name="review_pdf"),
    path("episodes/<uuid:uuid>/summary/", views.summary, name="summary"),
    path(
        "episodes/<uuid:uuid>/summary/assemble/",
        views.summary_assemble,
        name="summary_assemble",
    ),
    path("summaries/<uuid:uuid>/edit/", views.summary_edit, name="summary_edit"),
    path(
        "summaries/<uuid:uuid>/refresh/", views.summary_refresh, name="summary_refresh"
    ),
    path(
        "summaries/<uuid:uuid>/finalise/",
        views.summary_finalise,
        name="summary_finalise",
    ),
    path("summaries/<uuid:uuid>/share/", views.summary_share, name="summary_share"),
    path("summaries/<uuid:uuid>/pdf/", views.summary_pdf, name="summary_pdf"),
    path(
        "summaries/<uuid:uuid>/client-pdf/",
        views.summary_client_pdf,
        name="summary_client_pdf",
    ),
    path("clients/<uuid:uuid>/plan/", views.plan, name="plan"),
    path("clients/<uuid:uuid>/plan/edit/", views.plan_edit, name="plan_edit"),
    path("clients/<uuid:uuid>/plan/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plan-versions/<uuid:uuid>/", views.plan_version, name="plan_version"),
    # The client's own, in the portal.
    path("mine/plan/", views.mine_plan, name="mine_plan"),
    path("mine/plan/<uuid:uuid>/pdf/", views.mine_plan_pdf, name="mine_plan_pdf"),
    path("mine/summary/", views.mine_summary, name="mine_summary"),
    path(
        "mine/summary/<uuid:uuid>/pdf/", views.mine_summary_pdf, name="mine_summary_pdf"
    ),
]
