from django.urls import path, re_path

from alliance.fhir import views

app_name = "fhir"

TYPE = r"(?P<resource_type>[A-Z][A-Za-z]{1,40})"
ID = r"(?P<ident>[A-Za-z0-9\-\.]{1,64})"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("$export", views.export, name="export"),
    path("$export-status/<uuid:uuid>", views.export_status, name="export_status"),
    path("$export-file/<uuid:uuid>", views.export_file, name="export_file"),
    path("Patient/$export", views.patient_export, name="patient_export"),
    re_path(rf"^Patient/{ID}/\$everything$", views.everything, name="everything"),
    re_path(rf"^{TYPE}$", views.search_type, name="search"),
    re_path(rf"^{TYPE}/{ID}$", views.read, name="read"),
]
