from django.urls import path

from alliance.portal import appointments, invoices, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("two-step/dismiss/", views.dismiss_two_step, name="dismiss_two_step"),
    path("progress/", views.progress, name="progress"),
    path("sessions/", appointments.appointments, name="appointments"),
    path("sessions/time-zone/", appointments.time_zone, name="time_zone"),
    path(
        "sessions/<uuid:uuid>/calendar.ics",
        appointments.appointment_ics,
        name="appointment_ics",
    ),
    path(
        "sessions/<uuid:uuid>/request/",
        appointments.change_request,
        name="appointment_request",
    ),
    path("sessions/<uuid:uuid>/join/", appointments.join, name="appointment_join"),
    path("measures/<uuid:uuid>/start/", views.start, name="start"),
    path("answers/<uuid:uuid>/", views.answer, name="answer"),
    path("answers/<uuid:uuid>/submit/", views.submit, name="submit"),
    path("answers/<uuid:uuid>/done/", views.done, name="done"),
    path("consent/", views.consent, name="consent"),
    path("consent/<uuid:uuid>/sign/", views.sign_consent_view, name="sign_consent"),
    path("plan/", views.plan, name="plan"),
    path("plan/<uuid:uuid>/sign/", views.sign_plan, name="sign_plan"),
    path("goals/<uuid:uuid>/rate/", views.rate_goal, name="rate_goal"),
    path("invoices/", invoices.invoices, name="invoices"),
    path(
        "invoices/<uuid:uuid>/invoice.pdf",
        invoices.invoice_download,
        name="invoice_pdf",
    ),
    path(
        "credit-notes/<uuid:uuid>/credit-note.pdf",
        invoices.credit_note_download,
        name="credit_note_pdf",
    ),
    path(
        "receipts/<uuid:uuid>/receipt.pdf",
        invoices.receipt_download,
        name="receipt_pdf",
    ),
]
