from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "alliance.notes"
    label = "notes"
