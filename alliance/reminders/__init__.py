"""Reminder emails (appointments, homework, questionnaires) as one daily digest, sent by the `alliance worker` background worker."""
