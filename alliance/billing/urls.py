from django.urls import path

from alliance.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
    path("fees/", views.fee_save, name="fee_save"),
    path("fees/<int:pk>/delete/", views.fee_delete, name="fee_delete"),
    path(
        "clinicians/<uuid:uuid>/",
        views.clinician_identifiers,
        name="clinician_identifiers",
    ),
    path("export.csv", views.export, name="export"),
    path("clients/<uuid:uuid>/", views.client_billing, name="client"),
    path("clients/<uuid:uuid>/terms/", views.client_terms, name="client_terms"),
    path("clients/<uuid:uuid>/issue/", views.issue, name="issue"),
    path("clients/<uuid:uuid>/superbill.pdf", views.superbill, name="superbill"),
    path("invoices/<uuid:uuid>/", views.invoice_detail, name="invoice"),
    path(
        "invoices/<uuid:uuid>/invoice.pdf", views.invoice_download, name="invoice_pdf"
    ),
    path("invoices/<uuid:uuid>/pay/", views.pay, name="pay"),
    path("invoices/<uuid:uuid>/credit/", views.credit, name="credit"),
    path(
        "credit-notes/<uuid:uuid>/credit-note.pdf",
        views.credit_note_download,
        name="credit_note_pdf",
    ),
    path(
        "payments/<uuid:uuid>/receipt.pdf", views.receipt_download, name="receipt_pdf"
    ),
]
