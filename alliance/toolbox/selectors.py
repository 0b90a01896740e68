"""Read-only queries for toolbox pages: the chart card, the clinician's page,
the portal list and card. Each runs a fixed number of queries however many
skills and practices there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from alliance.clients.models import Client
from alliance.core.prepared import prepared
from alliance.techniques.library import Technique
from alliance.toolbox.forms import (
    LibrarySkillForm,
    NotesForm,
    OwnSkillForm,
    PracticeForm,
)
from alliance.toolbox.models import CopingSkill, SkillPractice
from alliance.toolbox.services import client_today


@dataclass
class SkillRow:
    skill: CopingSkill
    practice_count: int
    last_practised: date | None
    last_helpfulness: int | None
    practices: list[SkillPractice] = field(default_factory=list)

    @property
    def technique(self) -> Technique | None:
        return self.skill.library_entry()

    @property
    def notes_form(self) -> NotesForm:
        form = NotesForm(
            initial={"notes": self.skill.client_notes, "version": self.skill.version},
            auto_id=f"id_{self.skill.uuid}_%s",
        )
        # The clinician's page words it for the clinician.
        form.fields["notes"].label = "In the client's words"
        form.fields["notes"].help_text = "How and when it helps them, as they put it."
        return form

    @property
    def practice_form(self) -> PracticeForm:
        form = PracticeForm(
            initial={"practised_on": client_today(self.skill.client)},
            auto_id=f"id_{self.skill.uuid}_%s",
        )
        form.fields["practised_on"].label = "Day practised"
        form.fields["helpfulness"].label = "How much it helped (0 to 10)"
        return form


def _annotated(skills: QuerySet[CopingSkill]) -> QuerySet[CopingSkill]:
    latest = SkillPractice.objects.filter(skill=OuterRef("pk")).order_by(
        "-practised_on", "-created_at", "-id"
    )
    return skills.select_related("client__practice", "added_by").annotate(
        practice_count=Count("practices"),
        last_practised=Max("practices__practised_on"),
        last_helpfulness=Subquery(latest.values("helpfulness")[:1]),
    )


def _skill_rows(found: list[CopingSkill]) -> list[SkillRow]:
    """A row for each skill read through ``_annotated``."""
    return [
        SkillRow(
            s,
            s.practice_count,  # type: ignore[attr-defined]  # annotated on the queryset
            s.last_practised,  # type: ignore[attr-defined]  # (as above)
            s.last_helpfulness,  # type: ignore[attr-defined]  # (as above)
        )
        for s in found
    ]


def _rows(skills: QuerySet[CopingSkill], *, with_practices: bool) -> list[SkillRow]:
    found = list(_annotated(skills))
    rows = _skill_rows(found)
    if with_practices and rows:
        by_pk = {row.skill.pk: row for row in rows}
        for practice in SkillPractice.objects.filter(skill__in=found):
            row = by_pk[practice.skill_id]
            # Share the loaded skill so rendering costs no query.
            practice.skill = row.skill
            row.practices.append(practice)
    return rows


@dataclass
class ChartToolbox:
    client: Client
    skills: list[SkillRow]
    archived_count: int
    episode_open: bool

    @property
    def form(self) -> LibrarySkillForm:
        return LibrarySkillForm()


def chart_toolbox(client: Client, *, episode_open: bool | None = None) -> ChartToolbox:
    """The client's current skills with their last practice, for the chart.
    Three queries, two when the caller says whether an episode is open."""
    rows = _rows(
        CopingSkill.objects.current().filter(client=client), with_practices=False
    )
    archived = CopingSkill.objects.filter(
        client=client, archived_at__isnull=False
    ).count()
    if episode_open is None:
        episode_open = client.episodes.open().exists()
    return ChartToolbox(client, rows, archived, episode_open)


@dataclass
class Toolbox:
    """Everything in one client's toolbox, current and put away, with logs."""

    client: Client
    current: list[SkillRow]
    archived: list[SkillRow]
    episode_open: bool

    @property
    def library_form(self) -> LibrarySkillForm:
        return LibrarySkillForm()

    @property
    def own_form(self) -> OwnSkillForm:
        return OwnSkillForm()


def client_toolbox(client: Client) -> Toolbox:
    rows = _rows(CopingSkill.objects.filter(client=client), with_practices=True)
    return Toolbox(
        client,
        [r for r in rows if not r.skill.is_archived],
        [r for r in rows if r.skill.is_archived],
        client.episodes.open().exists(),
    )


@dataclass
class PortalToolbox:
    skills: list[SkillRow]
    archived: list[SkillRow]


@prepared
def _skills_of(client_id: int) -> QuerySet[CopingSkill]:
    """The client's skills, annotated as ``_rows`` reads them."""
    return _annotated(CopingSkill.objects.filter(client_id=client_id))


def portal_toolbox(client: Client) -> PortalToolbox:
    """The client's skills with when each was last practised, for the portal
    home card and the toolbox page."""
    rows = _skill_rows(_skills_of(client.pk))
    return PortalToolbox(
        [r for r in rows if not r.skill.is_archived],
        [r for r in rows if r.skill.is_archived],
    )


def skill_practices(skill: CopingSkill) -> list[SkillPractice]:
    """One skill's practice log, latest first."""
    practices = list(SkillPractice.objects.filter(skill=skill))
    for practice in practices:
        practice.skill = skill
    return practices
