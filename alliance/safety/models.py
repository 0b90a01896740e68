"""Collaborative safety plans, in the structure of the Safety Planning
Intervention (Stanley, B. & Brown, G. K. (2012), Cognitive and Behavioral
Practice 19(2), 256-264), with our own wording.

A client has at most one ``SafetyPlan``; every save adds a ``SafetyPlanVersion``
and no version ever changes, so what the client was given on any day can be
read back. The current version is the one with the highest number.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from alliance.clients.models import Client
from alliance.core.documents import DocumentVersion, VersionedDocument
from alliance.core.fields import EncryptedTextField

# (field, heading, one-line prompt), in the order the plan is worked through.
# Written for the client, who reads the same headings in the portal.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "warning_signs",
        "Warning signs",
        "Thoughts, feelings, situations or behaviour that tell you a crisis "
        "may be building.",
    ),
    (
        "coping_strategies",
        "Things I can do on my own",
        "What you can do by yourself to get through a hard moment or take your "
        "mind off things.",
    ),
    (
        "distractions",
        "People and places that take my mind off things",
        "People to be with and places to go that lift the mood, without having "
        "to talk about how you feel.",
    ),
    (
        "people_to_ask",
        "People I can ask for help",
        "People you trust to tell that you are struggling, with their phone numbers.",
    ),
    (
        "professionals",
        "Professionals and services I can contact",
        "Your clinician and other services to call in a crisis, with their numbers.",
    ),
    (
        "safe_environment",
        "Making my surroundings safer",
        "Steps that put time and distance between you and the means to harm yourself.",
    ),
    (
        "reasons_for_living",
        "What matters to me and keeps me going",
        "People, hopes and things that give you reasons to stay safe.",
    ),
)
SECTION_FIELDS = tuple(name for name, _, _ in SECTIONS)

CITATION = (
    "Stanley, B. & Brown, G. K. (2012). Safety Planning Intervention: a brief "
    "intervention to mitigate suicide risk. Cognitive and Behavioral Practice, "
    "19(2), 256-264."
)


class SafetyPlan(VersionedDocument):
    """The client's safety plan; its content lives in its versions."""

    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="safety_plan"
    )

    def __str__(self) -> str:
        return f"Safety plan of {self.client}"

    def get_absolute_url(self) -> str:
        return reverse("safety:plan", args=[self.client.uuid])


class SafetyPlanVersion(DocumentVersion):
    """One saved state of the plan. Written once, never changed."""

    SECTIONS = SECTIONS
    unchangeable = "Safety plan versions cannot be changed."

    plan = models.ForeignKey(
        SafetyPlan, on_delete=models.PROTECT, related_name="versions"
    )
    # Lists are one item a line; phone numbers are written inside the text.
    warning_signs = EncryptedTextField()
    coping_strategies = EncryptedTextField()
    distractions = EncryptedTextField()
    people_to_ask = EncryptedTextField()
    professionals = EncryptedTextField()
    safe_environment = EncryptedTextField()
    reasons_for_living = EncryptedTextField()

    class Meta(DocumentVersion.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="safety_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"Safety plan version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("safety:version", args=[self.uuid])
