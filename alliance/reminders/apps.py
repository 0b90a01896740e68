from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "alliance.reminders"
    label = "reminders"
