"""Writes to the coping toolbox. Each function checks, writes and audits in one
transaction; bad input raises ValidationError and saves nothing.

Who may write: the client (their own toolbox, also after therapy has ended,
since the toolbox is theirs to keep) and their primary clinician while an
episode of care is open. Only the clinician adds skills from the technique
library.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.services import record
from alliance.clients.models import Client
from alliance.core.versioning import save_if_current
from alliance.techniques.library import get_technique
from alliance.toolbox.models import HELPFULNESS_MAX, CopingSkill, SkillPractice

MAX_TITLE = 200
MAX_NOTES = 5_000
MAX_PRACTICE_NOTE = 2_000
# How far back a practice may be logged: enough to catch up after a while away.
MAX_DAYS_BACK = 365


def client_today(client: Client) -> date:
    """Today in the practice's time zone."""
    return client.practice.today()


def _is_client(client: Client, by: User) -> bool:
    return client.user_id is not None and client.user_id == by.pk


def _require_clinician(client: Client, by: User, doing: str) -> None:
    if client.clinician_id != by.pk or client.practice_id != by.practice_id:
        raise ValidationError(f"Only the client's primary clinician can {doing}.")
    if not client.episodes.open().exists():
        raise ValidationError(
            "The client's care has ended, so their toolbox is now theirs alone to "
            "change."
        )


def _require_writer(client: Client, by: User) -> None:
    """The client, or their primary clinician during care."""
    if _is_client(client, by):
        return
    _require_clinician(client, by, "change this toolbox")


def _clean_text(value: str | None, *, limit: int, what: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ValidationError(f"Keep {what} under {limit:,} characters.")
    return text


def _duplicate_title(client: Client, title: str) -> CopingSkill | None:
    wanted = title.casefold()
    for skill in CopingSkill.objects.current().filter(client=client):
        if skill.title.casefold() == wanted:
            return skill
    return None


@transaction.atomic
def add_skill_from_library(
    client: Client, slug: str, *, by: User, request: HttpRequest | None = None
) -> CopingSkill:
    """Add a technique from the library to the client's toolbox (clinician
    only). A technique already in the toolbox is refused, so sending the form
    twice never adds it twice."""
    _require_clinician(client, by, "add skills from the library")
    try:
        technique = get_technique((slug or "").strip())
    except KeyError:
        raise ValidationError("Choose a technique from the library.") from None
    existing = (
        CopingSkill.objects.current()
        .filter(client=client, technique=technique.slug)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            f"“{technique.name}” is already in the client's toolbox.",
            code="duplicate",
        )
    try:
        # A savepoint: a concurrent add trips the constraint without
        # spoiling the outer transaction.
        with transaction.atomic():
            skill = CopingSkill.objects.create(
                client=client,
                technique=technique.slug,
                title=technique.name[:MAX_TITLE],
                added_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            f"“{technique.name}” is already in the client's toolbox.",
            code="duplicate",
        ) from None
    record(
        by,
        "coping_skill.add",
        skill,
        request=request,
        detail={"technique": technique.slug},
    )
    return skill


@transaction.atomic
def add_own_skill(
    client: Client,
    *,
    title: str,
    notes: str,
    by: User,
    request: HttpRequest | None = None,
) -> CopingSkill:
    """Add a skill in the client's own words (the client, or their clinician
    during care). A title already in the toolbox is refused."""
    _require_writer(client, by)
    title = " ".join(_clean_text(title, limit=MAX_TITLE, what="the name").split())
    if not title:
        raise ValidationError(
            "Give the skill a short name, such as “Walk round the block”."
        )
    notes = _clean_text(notes, limit=MAX_NOTES, what="the notes")
    if _duplicate_title(client, title) is not None:
        raise ValidationError(
            f"“{title}” is already in the toolbox: add to its notes instead.",
            code="duplicate",
        )
    skill = CopingSkill.objects.create(
        client=client,
        title=title,
        client_notes=notes,
        notes_updated_at=timezone.now() if notes else None,
        added_by=by,
    )
    record(by, "coping_skill.add", skill, request=request, detail={"technique": ""})
    return skill


@transaction.atomic
def update_skill_notes(
    skill: CopingSkill,
    *,
    notes: str,
    by: User,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> CopingSkill:
    """Replace the notes on how and when the skill helps, if the skill is
    still at ``version``: the client and their clinician both write these
    notes, so a stale save raises ``Conflict`` instead of replacing the other's
    words. Saving the same notes again changes nothing."""
    _require_writer(skill.client, by)
    if skill.is_archived:
        raise ValidationError("This skill is put away; put it back to change it.")
    notes = _clean_text(notes, limit=MAX_NOTES, what="the notes")
    if notes == skill.client_notes:
        return skill
    skill.client_notes = notes
    skill.notes_updated_at = timezone.now()
    save_if_current(skill, ["client_notes", "notes_updated_at"], version=version)
    record(by, "coping_skill.notes", skill, request=request)
    return skill


@transaction.atomic
def log_practice(
    skill: CopingSkill,
    *,
    practised_on: date | None,
    helpfulness: int | None,
    note: str,
    by: User,
    idempotency_key: UUID | None = None,
    request: HttpRequest | None = None,
) -> SkillPractice:
    """Log one time the skill was practised.

    ``idempotency_key`` comes with the form: the same form sent again (a
    double tap, a retry after a dropped connection) returns the practice
    already logged instead of adding a second.
    """
    _require_writer(skill.client, by)
    if idempotency_key is not None:
        already = SkillPractice.objects.filter(
            skill=skill, idempotency_key=idempotency_key
        ).first()
        if already is not None:
            return already
    if skill.is_archived:
        raise ValidationError("This skill is put away; put it back to log practice.")
    if practised_on is None:
        raise ValidationError("Give the day you practised.")
    today = client_today(skill.client)
    if practised_on > today:
        raise ValidationError(
            "That day has not come yet: log practice once it is done."
        )
    if practised_on < today - timedelta(days=MAX_DAYS_BACK):
        raise ValidationError("Log practice from the last year only.")
    if helpfulness is not None and (
        isinstance(helpfulness, bool)
        or not isinstance(helpfulness, int)
        or not 0 <= helpfulness <= HELPFULNESS_MAX
    ):
        raise ValidationError(
            f"Rate how much it helped from 0 to {HELPFULNESS_MAX}, or leave it blank."
        )
    note = _clean_text(note, limit=MAX_PRACTICE_NOTE, what="the note")
    try:
        with transaction.atomic():
            practice = SkillPractice.objects.create(
                skill=skill,
                practised_on=practised_on,
                helpfulness=helpfulness,
                note=note,
                logged_by=by,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # The same form, sent twice at once: the other request logged it.
        return SkillPractice.objects.get(skill=skill, idempotency_key=idempotency_key)
    record(
        by,
        "skill_practice.log",
        practice,
        request=request,
        detail={"helpfulness": helpfulness},
    )
    return practice


@transaction.atomic
def archive_skill(
    skill: CopingSkill, *, by: User, request: HttpRequest | None = None
) -> CopingSkill:
    """Put a skill away. Its notes and practice log stay; archiving again
    changes nothing."""
    _require_writer(skill.client, by)
    if skill.is_archived:
        return skill
    skill.archived_at = timezone.now()
    skill.archived_by = by
    skill.save(update_fields=["archived_at", "archived_by"])
    record(by, "coping_skill.archive", skill, request=request)
    return skill


@transaction.atomic
def restore_skill(
    skill: CopingSkill, *, by: User, request: HttpRequest | None = None
) -> CopingSkill:
    """Put an archived skill back in the toolbox, with its notes and log."""
    _require_writer(skill.client, by)
    if not skill.is_archived:
        return skill
    twin = CopingSkill.objects.current().filter(client=skill.client)
    if skill.technique:
        clash = twin.filter(technique=skill.technique).exists()
    else:
        clash = _duplicate_title(skill.client, skill.title) is not None
    if clash:
        raise ValidationError(
            f"“{skill.title}” is already in the toolbox.", code="duplicate"
        )
    skill.archived_at = None
    skill.archived_by = None
    skill.save(update_fields=["archived_at", "archived_by"])
    record(by, "coping_skill.restore", skill, request=request)
    return skill


# The guided exercises the portal offers at any time (breathing pacer, body
# scan, grounding; their scripts live in alliance/homework/guided.py) and the
# library technique each is logged under.
GUIDED_TECHNIQUES = {
    "breathing": "paced-breathing",
    "body_scan": "body-scan",
    "grounding": "grounding",
}
# The skill's name when a practice has taken the technique out of its library.
GUIDED_TITLES = {
    "breathing": "Paced breathing",
    "body_scan": "Body scan",
    "grounding": "Grounding",
}
MAX_GUIDED_MINUTES = 180


@transaction.atomic
def log_guided_exercise(
    client: Client,
    exercise: str,
    *,
    minutes: int,
    helpfulness: int | None,
    by: User,
    idempotency_key: UUID | None = None,
    request: HttpRequest | None = None,
) -> SkillPractice:
    """Log a guided exercise the client did (their choice, when they stop it)
    as a practice of that exercise's skill in their own toolbox: the current
    skill for its library technique, added now if there is none. The client
    alone does this, also after therapy has ended."""
    if not _is_client(client, by):
        raise ValidationError("Only the client logs their own guided exercises.")
    slug = GUIDED_TECHNIQUES.get(exercise)
    if slug is None:
        raise ValidationError("Choose one of the exercises on this page.")
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= MAX_GUIDED_MINUTES
    ):
        raise ValidationError(
            f"Give the minutes you practised, from 1 to {MAX_GUIDED_MINUTES}."
        )
    try:
        title = get_technique(slug).name
    except KeyError:
        title = GUIDED_TITLES[exercise]
    skill = CopingSkill.objects.current().filter(client=client, technique=slug).first()
    if skill is None:
        try:
            with transaction.atomic():
                skill = CopingSkill.objects.create(
                    client=client,
                    technique=slug,
                    title=title[:MAX_TITLE],
                    added_by=by,
                )
        except IntegrityError:  # added at the same moment by another request
            skill = CopingSkill.objects.current().get(client=client, technique=slug)
        else:
            record(
                by,
                "coping_skill.add",
                skill,
                request=request,
                detail={"technique": slug, "via": "guided_exercise"},
            )
    unit = "minute" if minutes == 1 else "minutes"
    return log_practice(
        skill,
        practised_on=client_today(client),
        helpfulness=helpfulness,
        note=f"Guided exercise, {minutes} {unit}.",
        by=by,
        idempotency_key=idempotency_key,
        request=request,
    )
