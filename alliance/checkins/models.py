"""Between-session check-ins: the client rates their mood, may pick feelings
from a fixed list, may write a short note, and answers one safety question.

Mood runs from 0 (the worst it could be) to 10 (the best it could be), so
higher is better. A "yes" to the safety question raises a risk alert
(``services.record_checkin``); a very low mood is only highlighted.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.clients.models import Client, Episode
from alliance.core.fields import EncryptedBooleanField, EncryptedTextField
from alliance.core.models import UUIDModel

MOOD_MIN, MOOD_MAX = 0, 10
# Moods at or below this are shown to the clinician as very low; they do not
# raise an alert by themselves (only the safety question does).
VERY_LOW_MOOD = 1
NOTE_MAX = 1000

# Everyday feeling words, our own list: pleasant ones first, then hard ones.
FEELINGS: tuple[tuple[str, str], ...] = (
    ("calm", "Calm"),
    ("content", "Content"),
    ("hopeful", "Hopeful"),
    ("proud", "Proud"),
    ("grateful", "Grateful"),
    ("tired", "Tired"),
    ("lonely", "Lonely"),
    ("sad", "Sad"),
    ("anxious", "Anxious"),
    ("worried", "Worried"),
    ("irritable", "Irritable"),
    ("angry", "Angry"),
    ("ashamed", "Ashamed"),
    ("guilty", "Guilty"),
    ("overwhelmed", "Overwhelmed"),
    ("numb", "Numb"),
)
FEELING_LABELS = dict(FEELINGS)

SAFETY_QUESTION = (
    "Since your last check-in, have you had thoughts of harming yourself or "
    "ending your life?"
)


class CheckIn(UUIDModel):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="checkins"
    )
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkins",
    )
    # 0 = the worst it could be, 10 = the best it could be.
    mood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MOOD_MIN), MaxValueValidator(MOOD_MAX)]
    )
    # Keys from FEELINGS, comma-separated, in the list's order.
    feelings = models.CharField(max_length=200, blank=True, default="")
    note = EncryptedTextField()
    # The answer to SAFETY_QUESTION.
    # Encrypted: a copy of the database must not show who said yes.
    safety_concern = EncryptedBooleanField()
    # Generated when the form is shown, so a resubmitted form finds this row.
    submission_key = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "client"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "check-in"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "submission_key"], name="checkin_once_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(mood__gte=MOOD_MIN, mood__lte=MOOD_MAX),
                name="checkin_mood_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.created_at:%Y-%m-%d %H:%M}: mood {self.mood}/10"

    def get_absolute_url(self) -> str:
        return reverse("checkins:client", args=[self.client.uuid])

    @property
    def feeling_keys(self) -> list[str]:
        return [key for key in self.feelings.split(",") if key]

    @property
    def feeling_labels(self) -> list[str]:
        return [FEELING_LABELS.get(key, key) for key in self.feeling_keys]

    @property
    def is_very_low(self) -> bool:
        return self.mood <= VERY_LOW_MOOD
