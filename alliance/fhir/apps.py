from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "alliance.fhir"
    label = "fhir"
    verbose_name = "FHIR R4 interface"
