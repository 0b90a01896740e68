"""Goals with goal attainment scaling, versioned treatment plans, and what each
session did with them.

A ``Goal`` is written with the client: their own words, a specific statement, a
target date, an optional link to a measure and a five-level attainment scale
(−2 much less than expected … +2 much more than expected; Kiresuk & Sherman
1968). Every revision leaves a ``GoalVersion`` row; a goal is never deleted but
is *achieved* or *dropped* with a reason. A ``GoalRating`` places the client on
the scale at a session (or between sessions).

A ``TreatmentPlan`` belongs to one episode; each review adds a
``TreatmentPlanVersion`` and leaves earlier versions unchanged. The client's
acknowledgement of a version is a ``PlanAcknowledgement``, like consent.
A ``SessionPlanRecord`` keeps, per therapy session, the goals addressed, the
techniques used (``TechniqueUse``), the client's reflections and the homework.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Episode
from alliance.core.fields import EncryptedTextField
from alliance.core.models import UUIDModel
from alliance.core.signatures import SignatureFields, content_digest
from alliance.measures.engine import get_instrument
from alliance.notes.models import TherapySession
from alliance.techniques.library import get_technique

# (level, field name, anchor label) from −2 to +2, in the order they are written.
LEVELS: tuple[tuple[int, str, str], ...] = (
    (-2, "level_minus_2", "Much less than expected"),
    (-1, "level_minus_1", "Somewhat less than expected"),
    (0, "level_0", "Expected level of outcome"),
    (1, "level_plus_1", "Somewhat more than expected"),
    (2, "level_plus_2", "Much more than expected"),
)
LEVEL_FIELDS = tuple(name for _, name, _ in LEVELS)
LEVEL_LABELS = {level: label for level, _, label in LEVELS}


def instrument_name(code: str) -> str:
    """The instrument's short name, or its code when it is no longer loaded."""
    try:
        return get_instrument(code).short_name
    except KeyError:
        return code


def level_display(level: int) -> str:
    """ "+2", "+1", "0", "−1", "−2" (with a true minus sign)."""
    if level > 0:
        return f"+{level}"
    return f"−{-level}" if level < 0 else "0"


class Comparison(models.TextChoices):
    BELOW = "below", "below"
    AT_OR_BELOW = "at_or_below", "at or below"
    ABOVE = "above", "above"
    AT_OR_ABOVE = "at_or_above", "at or above"


class GoalContent(models.Model):
    """What a goal says; shared by the goal (as it stands) and each version."""

    client_words = EncryptedTextField(
        help_text="The goal as the client put it, in their own words."
    )
    statement = EncryptedTextField(
        help_text="The same goal stated specifically and measurably."
    )
    level_minus_2 = EncryptedTextField()
    level_minus_1 = EncryptedTextField()
    level_0 = EncryptedTextField()
    level_plus_1 = EncryptedTextField()
    level_plus_2 = EncryptedTextField()
    target_date = models.DateField()
    # Importance weight in the T-score: 1 (somewhat), 2 (important), 3 (very
    # important) by default, or any positive number (docs/plans.md).
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    # Optional link to a measure, e.g. PHQ-9 below 10: all three or none.
    measure_code = models.CharField(max_length=40, blank=True)
    measure_comparison = models.CharField(
        max_length=12, choices=Comparison.choices, blank=True
    )
    measure_target = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        measure_code="",
                        measure_comparison="",
                        measure_target__isnull=True,
                    )
                    | (
                        ~models.Q(measure_code="")
                        & ~models.Q(measure_comparison="")
                        & models.Q(measure_target__isnull=False)
                    )
                ),
                name="%(app_label)s_%(class)s_measure_all_or_none",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0),
                name="%(app_label)s_%(class)s_weight_positive",
            ),
        ]

    def levels(self) -> list[tuple[int, str, str, str]]:
        """(level, "+1"-style label, anchor label, description) from −2 to +2."""
        return [
            (level, level_display(level), label, getattr(self, name))
            for level, name, label in LEVELS
        ]

    def level_text(self, level: int) -> str:
        return getattr(self, LEVEL_FIELDS[level + 2])

    @property
    def measure_text(self) -> str:
        """ "phq9 below 10", or "" without a measure link."""
        if not self.measure_code:
            return ""
        target = self.measure_target
        number = f"{target:f}".rstrip("0").rstrip(".") if target is not None else ""
        comparison = Comparison(self.measure_comparison).label
        return f"{instrument_name(self.measure_code)} {comparison} {number}"

    def content(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


CONTENT_FIELDS = (
    "client_words",
    "statement",
    *LEVEL_FIELDS,
    "target_date",
    "weight",
    "measure_code",
    "measure_comparison",
    "measure_target",
)


class GoalQuerySet(models.QuerySet["Goal"]):
    def scored(self) -> GoalQuerySet:
        """Goals that count in the episode's T-score: all but dropped ones."""
        return self.exclude(status=Goal.Status.DROPPED)


class Goal(GoalContent, UUIDModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="goals")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = EncryptedTextField()
    status_at = models.DateTimeField(null=True, blank=True)
    status_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic lock for edits (core.versioning.save_if_current).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = GoalQuerySet.as_manager()

    client_path = "episode__client"

    class Meta(GoalContent.Meta):
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Goal written {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("plans:goals", args=[self.episode.uuid]) + f"#goal-{self.uuid}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class GoalVersion(GoalContent, UUIDModel):
    """The goal as written (number 1) or as revised, with who, when and why."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    reason = EncryptedTextField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "goal__episode__client"

    class Meta(GoalContent.Meta):
        ordering = ["goal_id", "number"]
        constraints = [
            *GoalContent.Meta.constraints,
            models.UniqueConstraint(
                fields=["goal", "number"], name="plans_one_goal_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Goal version {self.number}"


class GoalRating(UUIDModel):
    """Where the client stands on a goal's scale, −2 to +2."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    # The scale as it read when rated, so later revisions do not change meaning.
    goal_version = models.ForeignKey(
        GoalVersion, on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        TherapySession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goal_ratings",
    )
    level = models.SmallIntegerField(
        choices=[(level, level_display(level)) for level, _, _ in LEVELS]
    )
    note = EncryptedTextField()
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    client_path = "goal__episode__client"

    class Meta:
        ordering = ["rated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=-2, level__lte=2),
                name="plans_rating_level_in_scale",
            ),
            models.UniqueConstraint(
                fields=["goal", "session"],
                condition=models.Q(session__isnull=False),
                name="plans_one_rating_per_goal_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Rated {level_display(self.level)} on {self.rated_at:%Y-%m-%d}"

    @property
    def level_label(self) -> str:
        return level_display(self.level)

    @property
    def level_description(self) -> str:
        """The scale's description of this level, as the scale read when rated."""
        return self.goal_version.level_text(self.level)

    @property
    def effective_at(self) -> Any:
        """When the rating describes: the session it was made in, else when made."""
        return self.session.held_at if self.session_id else self.rated_at  # type: ignore[union-attr]  # session_id set: the session exists


class TreatmentPlan(UUIDModel):
    """One per episode; its content lives in numbered versions."""

    episode = models.OneToOneField(
        Episode, on_delete=models.PROTECT, related_name="treatment_plan"
    )
    # The newest version, kept here so lists (home, chart) need one query.
    current = models.ForeignKey(
        "TreatmentPlanVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic lock for edits (core.versioning.save_if_current).
    version = models.PositiveIntegerField(default=1, editable=False)

    client_path = "episode__client"

    def __str__(self) -> str:
        return f"Treatment plan, {self.episode}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.episode.uuid])


# Each approach in a sentence for the client's portal, in our own words.
APPROACH_PLAIN = {
    "cbt": "We look at how your thoughts, feelings and actions affect each other, "
    "and try out new ways of thinking and coping between sessions.",
    "psychodynamic": "We explore how past experiences and patterns you may not "
    "notice shape how you feel and relate to others now.",
    "solution_focused": "We focus on what you want to be different and on what "
    "already works, and build on small steps.",
    "mindfulness": "We practise noticing thoughts and feelings as they come and "
    "go, without being carried away by them.",
    "integrative": "We draw on several approaches, choosing what suits you and "
    "your goals.",
    "other": "Your clinician will explain the way of working you agreed.",
}


class TreatmentPlanVersion(UUIDModel):
    class Approach(models.TextChoices):
        CBT = "cbt", "Cognitive behavioural therapy (CBT)"
        PSYCHODYNAMIC = "psychodynamic", "Psychodynamic"
        SOLUTION_FOCUSED = "solution_focused", "Solution-focused"
        MINDFULNESS = "mindfulness", "Mindfulness-based"
        INTEGRATIVE = "integrative", "Integrative"
        OTHER = "other", "Other"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"
        OTHER = "other", "Other (described)"

    class MeasureInterval(models.TextChoices):
        EVERY_SESSION = "every_session", "Every session"
        EVERY_OTHER_SESSION = "every_other_session", "Every other session"
        MONTHLY = "monthly", "Every four weeks"
        AT_REVIEW = "at_review", "At each plan review"
        START_AND_END = "start_and_end", "At the start and end of treatment"

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    problems = EncryptedTextField(
        help_text="The problems and needs this plan addresses."
    )
    approach = models.CharField(max_length=20, choices=Approach.choices)
    # Technique slugs from alliance.techniques.library (data files, not rows).
    interventions = models.JSONField(default=list)
    goals = models.ManyToManyField(Goal, related_name="plan_versions")
    session_frequency = models.CharField(max_length=12, choices=Frequency.choices)
    frequency_note = EncryptedTextField()
    expected_sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # [{"code": "phq9", "how_often": "every_session"}, ...]
    measures = models.JSONField(default=list)
    next_review = models.DateField()
    reason = EncryptedTextField(help_text="Why the plan was reviewed or changed.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "plan__episode__client"

    class Meta:
        ordering = ["plan_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="plans_one_plan_version_number"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    expected_sessions__gte=1, expected_sessions__lte=100
                ),
                name="plans_expected_sessions_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Treatment plan version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_version", args=[self.uuid])

    @property
    def frequency_text(self) -> str:
        if self.session_frequency == self.Frequency.OTHER:
            return self.frequency_note or "Other"
        label = self.get_session_frequency_display()
        return f"{label} ({self.frequency_note})" if self.frequency_note else label

    def intervention_list(self) -> list[tuple[str, str, str]]:
        """(slug, name, approach label) per intervention; a technique no longer in
        the library keeps its slug as its name."""
        found = []
        for slug in self.interventions:
            try:
                technique = get_technique(slug)
            except KeyError:
                found.append((slug, slug, ""))
            else:
                found.append((slug, technique.name, technique.approach_label))
        return found

    def goal_texts(self) -> list[dict[str, str]]:
        """Each goal of this version as it read when the version was written
        (its newest revision by then), ordered by goal."""
        texts = []
        for goal in sorted(self.goals.all(), key=lambda g: str(g.uuid)):
            written = [
                v for v in goal.versions.all() if v.created_at <= self.created_at
            ]
            source: GoalContent = max(written, key=lambda v: v.number, default=goal)
            texts.append(
                {
                    "goal": str(goal.uuid),
                    "client_words": source.client_words,
                    "statement": source.statement,
                    "target_date": source.target_date.isoformat(),
                }
            )
        return texts

    def content_digest(self) -> str:
        """SHA-256 of this version's canonical content (core.signatures): what
        the client agrees to, goals as they read when it was written."""
        return content_digest(
            {
                "document": "treatment_plan",
                "plan": str(self.plan.uuid),
                "version": self.number,
                "problems": self.problems,
                "approach": self.approach,
                "interventions": list(self.interventions),
                "goals": self.goal_texts(),
                "session_frequency": self.session_frequency,
                "frequency_note": self.frequency_note,
                "expected_sessions": self.expected_sessions,
                "measures": [
                    [m.get("code", ""), m.get("how_often", "")] for m in self.measures
                ],
                "next_review": self.next_review.isoformat(),
            }
        )

    def measure_list(self) -> list[tuple[str, str]]:
        """(instrument name, how often) per measure to repeat."""
        labels = dict(self.MeasureInterval.choices)
        return [
            (instrument_name(m["code"]), labels.get(m["how_often"], m["how_often"]))
            for m in self.measures
        ]


class PlanAcknowledgement(SignatureFields, UUIDModel):
    """The client's acknowledgement of one plan version, recorded like consent:
    signed in the portal (typed name, statement, the version's digest) or on
    paper or verbally as the clinician records it."""

    class Method(models.TextChoices):
        SIGNED_PAPER = "signed_paper", "Signed on paper"
        SIGNED_ELECTRONIC = "signed_electronic", "Signed electronically"
        VERBAL = "verbal", "Given verbally and recorded"

    version = models.OneToOneField(
        TreatmentPlanVersion, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    client_path = "version__plan__episode__client"

    def __str__(self) -> str:
        return f"Acknowledgement of {self.version}"


# The client's own 0–10 rating of how close they are to a goal: the
# solution-focused scaling question (de Shazer, S. (1985) Keys to Solution in
# Brief Therapy, New York: Norton; Berg, I. K. & de Shazer, S. (1993) "Making
# numbers talk", in S. Friedman (ed.) The New Language of Change, Guilford).
# 0 = nowhere near, 10 = the goal reached. Kept apart from GoalRating (GAS).
SELF_RATING_MIN = 0
SELF_RATING_MAX = 10


class GoalSelfRating(UUIDModel):
    """The client's own view, between sessions, of how close they are to a goal."""

    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="self_ratings"
    )
    score = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(SELF_RATING_MIN),
            MaxValueValidator(SELF_RATING_MAX),
        ]
    )
    note = EncryptedTextField()
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    client_path = "goal__episode__client"

    class Meta:
        ordering = ["rated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=10),
                name="plans_self_rating_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"Self-rated {self.score}/10 on {self.rated_at:%Y-%m-%d}"


class SessionPlanRecord(UUIDModel):
    """What one therapy session did with the plan."""

    session = models.OneToOneField(
        TherapySession, on_delete=models.PROTECT, related_name="plan_record"
    )
    goals_addressed = models.ManyToManyField(Goal, blank=True, related_name="+")
    reflections = EncryptedTextField(
        help_text="The client's own reflections and insights, in their words."
    )
    # Free text until the homework app exists; then these link to assignments.
    homework_reviewed = EncryptedTextField()
    homework_assigned = EncryptedTextField()
    # Optimistic locking: every save increments it (see save_session_record).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    client_path = "session__client"

    def __str__(self) -> str:
        return f"Plan record, {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("chart:session", args=[self.session.uuid])


class TechniqueUse(UUIDModel):
    """A technique from the library used in a session, with the client's response.

    Unticking a technique keeps the row with ``used=False`` (and the response
    typed so far), so nothing written is ever deleted.
    """

    record = models.ForeignKey(
        SessionPlanRecord, on_delete=models.PROTECT, related_name="techniques"
    )
    slug = models.CharField(max_length=100)
    client_response = EncryptedTextField()
    used = models.BooleanField(default=True)

    client_path = "record__session__client"

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "slug"], name="plans_one_use_per_technique"
            )
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def name(self) -> str:
        try:
            return get_technique(self.slug).name
        except KeyError:
            return self.slug
