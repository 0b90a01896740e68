"""Functioning and work at the start and the end of episodes: the Work and
Social Adjustment Scale (WSAS; Mundt et al. 2002, the NHS Talking Therapies
measure of disability, Clark et al. 2018, Table 2) and the employment status
recorded at assessment and at the end (``EmploymentStatus``, NHS Data
Dictionary categories).

"Employed" is category 01 only; moving into work is any other category at the
start and 01 at the end, leaving work the reverse. "Asked, but chose not to
say" (ZZ) at either end counts as not known, never as a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alliance.accounts.models import Practice
from alliance.clients.models import Episode
from alliance.measures.models import Administration, EmploymentStatus

WSAS = "wsas"
EMPLOYED = EmploymentStatus.Status.EMPLOYED
NOT_STATED = EmploymentStatus.Status.NOT_STATED


@dataclass
class EpisodeWork:
    episode_id: int
    wsas_first: float | None = None
    wsas_last: float | None = None
    wsas_count: int = 0
    start: str = ""
    end: str = ""

    @property
    def change(self) -> str:
        """ "into_work", "out_of_work", "stayed_employed", "stayed_not_employed"
        or "" when either status is missing or not stated."""
        if not self.start or not self.end or NOT_STATED in (self.start, self.end):
            return ""
        if self.start != EMPLOYED and self.end == EMPLOYED:
            return "into_work"
        if self.start == EMPLOYED and self.end != EMPLOYED:
            return "out_of_work"
        return "stayed_employed" if self.start == EMPLOYED else "stayed_not_employed"


def episode_work(episodes: Any) -> dict[int, EpisodeWork]:
    """Episode id → its WSAS first/last and employment statuses (two queries)."""
    found: dict[int, EpisodeWork] = {}
    for episode_id, total in (
        Administration.objects.current()
        .filter(episode__in=episodes.values("pk"), instrument=WSAS, total__isnull=False)
        .order_by("episode_id", "taken_at", "id")
        .values_list("episode_id", "total")
    ):
        row = found.setdefault(episode_id, EpisodeWork(episode_id))
        if row.wsas_count == 0:
            row.wsas_first = float(total)  # type: ignore[arg-type]  # filtered on total__isnull=False
        row.wsas_last = float(total)  # type: ignore[arg-type]  # (as above)
        row.wsas_count += 1
    for episode_id, stage, status in EmploymentStatus.objects.filter(
        episode__in=episodes.values("pk")
    ).values_list("episode_id", "stage", "status"):
        row = found.setdefault(episode_id, EpisodeWork(episode_id))
        setattr(row, stage, status)
    return found


def _label(code: str) -> str:
    return EmploymentStatus.Status(code).label if code else ""


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return f"{round(value, 2):g}"


def work_fields(row: EpisodeWork | None) -> dict[str, str]:
    """Flat, CSV-ready columns for one episode."""
    row = row or EpisodeWork(0)
    paired = row.wsas_count >= 2
    return {
        "wsas_first": _num(row.wsas_first),
        "wsas_last": _num(row.wsas_last) if paired else "",
        "wsas_change": _num(row.wsas_last - row.wsas_first)
        if paired and row.wsas_first is not None and row.wsas_last is not None
        else "",
        "employment_at_start": _label(row.start),
        "employment_at_end": _label(row.end),
        "employment_change": row.change.replace("_", " "),
    }


def episode_employment_fields(episode: Episode) -> dict[str, str]:
    """The per-episode CSV columns for ``episode`` (two queries). For many
    episodes call ``episode_work`` once and ``work_fields`` per row."""
    return work_fields(
        episode_work(Episode.objects.filter(pk=episode.pk)).get(episode.pk)
    )


@dataclass
class WorkSummary:
    wsas_paired: int = 0
    wsas_mean_first: float | None = None
    wsas_mean_last: float | None = None
    start_recorded: int = 0
    both_recorded: int = 0
    employed_at_start: int = 0
    employed_at_end: int = 0
    changes: dict[str, int] = field(
        default_factory=lambda: {
            "into_work": 0,
            "out_of_work": 0,
            "stayed_employed": 0,
            "stayed_not_employed": 0,
        }
    )
    # (start label, end label) → episodes, for the statuses recorded at both ends.
    moves: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def wsas_mean_change(self) -> float | None:
        if self.wsas_mean_first is None or self.wsas_mean_last is None:
            return None
        return self.wsas_mean_last - self.wsas_mean_first


def summarise(rows: list[EpisodeWork]) -> WorkSummary:
    summary = WorkSummary()
    firsts = [r.wsas_first for r in rows if r.wsas_count >= 2]
    lasts = [r.wsas_last for r in rows if r.wsas_count >= 2]
    summary.wsas_paired = len(firsts)
    if firsts:
        summary.wsas_mean_first = sum(firsts) / len(firsts)  # type: ignore[arg-type]
        summary.wsas_mean_last = sum(lasts) / len(lasts)  # type: ignore[arg-type]
    moves: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.start:
            summary.start_recorded += 1
            summary.employed_at_start += row.start == EMPLOYED
        if row.start and row.end:
            summary.both_recorded += 1
            summary.employed_at_end += row.end == EMPLOYED
            key = (_label(row.start), _label(row.end))
            moves[key] = moves.get(key, 0) + 1
        if row.change:
            summary.changes[row.change] += 1
    summary.moves = sorted(
        ((a, b, n) for (a, b), n in moves.items()), key=lambda m: (-m[2], m[0], m[1])
    )
    return summary


def practice_work_summary(
    practice: Practice, *, clinician_ids: Any = None
) -> WorkSummary:
    """WSAS start and end means and employment changes for the practice's
    episodes (or those of ``clinician_ids``). Two queries."""
    episodes = Episode.objects.filter(client__practice=practice)
    if clinician_ids is not None:
        episodes = episodes.filter(clinician_id__in=list(clinician_ids))
    return summarise(list(episode_work(episodes).values()))
