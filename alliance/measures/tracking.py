"""Which clients are not on track, for the clinician's home page.

Applies alliance.measures.expected to the practice's own history. The nth
treatment score in an episode stands for the nth session: with measures given
every session, as routine outcome monitoring asks, the two coincide; with
sparser schedules the curve describes "the nth measurement", and the reason
shown says "score N on DATE", never "session N". Aftercare follow-up scores
(given under an at-follow-up schedule or opened by an aftercare follow-up) are
not sessions: they are judged at the last treatment score's number and left
out of the curves.

The verdict is stored, not derived per request (issue #13): one
``MeasureTrack`` row per episode and tracked measure, rewritten by
``refresh_tracks`` whenever a score is submitted (``services._submit``), and
re-judged for a whole practice by ``sweep`` when its curves are refitted
(``alliance worker`` runs it every few hours; ``alliance refresh_measures``
runs it by hand and rebuilds everything). The home page then reads the 50
flagged rows, sorted and limited in the database.

Curves live in ``RecoveryCurve`` rows and are read through Django's cache
(Redis when REDIS_URL is set), keyed by practice, instrument and the fit's
version, so a refit is seen by every process at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from alliance.accounts.models import Practice, User, zone_of
from alliance.clients.models import (
    Client,
    Episode,
    caseload_clinician_ids,
    clients_of_q,
)
from alliance.core.prepared import prepared
from alliance.measures.engine import Instrument, get_instrument
from alliance.measures.expected import (
    MODEL_VERSION,
    Curve,
    Verdict,
    fit_curves,
    judge_latest,
)
from alliance.measures.models import (
    Administration,
    MeasureSchedule,
    MeasureTrack,
    RecoveryCurve,
)

# Symptom measures with bands and a published reliable-change threshold.
TRACKED = ("phq9", "gad7", "core10")
# How long a process may keep a practice's curves before asking the database
# (or the shared cache) for the latest fit.
CURVE_SECONDS = 300


@dataclass(frozen=True)
class OffTrack:
    episode: Episode
    client: Client
    instrument: Instrument
    latest: float
    scores: int
    verdict: Verdict


@dataclass(frozen=True)
class Score:
    total: float
    taken_at: datetime
    follow_up: bool


def _band_key(instrument: Instrument) -> Callable[[float], str]:
    def band_of(total: float) -> str:
        band = instrument.band_for(total)
        return band.key if band else "none"

    return band_of


def follow_up_ids(episode: Episode, code: str) -> set[int]:
    """The ids of the episode's aftercare follow-up administrations of one
    measure: given under an at-follow-up schedule, or opened by an aftercare
    follow-up (by the reverse relation: measures does not import aftercare).
    One query."""
    through = Administration.followups.through
    linked = Exists(through.objects.filter(administration_id=OuterRef("pk")))
    return set(
        Administration.objects.filter(episode=episode, instrument=code)
        .filter(Q(schedule__when=MeasureSchedule.When.AT_FOLLOW_UP) | Q(linked))
        .values_list("pk", flat=True)
    )


def _scores(queryset: object) -> dict[tuple[int, str], list[Score]]:
    """(episode, instrument) -> current scores in time order. One query."""
    through = Administration.followups.through
    linked = through.objects.filter(administration_id=OuterRef("pk"))
    series: dict[tuple[int, str], list[Score]] = defaultdict(list)
    rows = (
        queryset.filter(total__isnull=False)  # type: ignore[attr-defined]
        .annotate(linked=Exists(linked))
        .values_list(
            "episode_id", "instrument", "total", "taken_at", "schedule__when", "linked"
        )
        .order_by("episode_id", "instrument", "taken_at", "id")
    )
    for episode_id, code, total, taken_at, when, is_linked in rows:
        follow_up = bool(is_linked) or when == MeasureSchedule.When.AT_FOLLOW_UP
        series[(episode_id, code)].append(Score(float(total), taken_at, follow_up))
    return series


def _treatment_pairs(scores: list[Score]) -> list[tuple[int, float]]:
    treatment = [s for s in scores if not s.follow_up]
    return [(n, s.total) for n, s in enumerate(treatment, start=1)]


# -- curves ------------------------------------------------------------------


def _curve_key(practice_id: int, code: str) -> str:
    return f"alliance:curves:v2:{practice_id}:{code}"


def fit_practice_curves(practice_id: int, code: str) -> dict[str, Curve]:
    """Refit the practice's curves for one instrument from every current
    treatment score, store them, and publish them to the cache."""
    instrument = get_instrument(code)
    history = _scores(
        Administration.objects.current().filter(
            client__practice_id=practice_id, instrument=code
        )
    )
    curves = fit_curves(
        (_treatment_pairs(scores) for scores in history.values()),
        _band_key(instrument),
    )
    now = timezone.now()
    with transaction.atomic():
        RecoveryCurve.objects.filter(practice_id=practice_id, instrument=code).delete()
        RecoveryCurve.objects.bulk_create(
            RecoveryCurve(
                practice_id=practice_id,
                instrument=code,
                band=c.band,
                intercept=c.intercept,
                slope=c.slope,
                residual_sd=c.residual_sd,
                episodes=c.episodes,
                pairs=c.pairs,
                model_version=MODEL_VERSION,
                fitted_at=now,
            )
            for c in curves.values()
        )
    cache.set(_curve_key(practice_id, code), curves, CURVE_SECONDS)
    return curves


def practice_curves(practice_id: int, code: str) -> dict[str, Curve]:
    """The practice's latest fitted curves for one instrument: from the cache,
    else one query. Never fits (the sweep does)."""
    key = _curve_key(practice_id, code)
    curves = cache.get(key)
    if curves is None:
        curves = {
            c.band: Curve(
                c.band, c.intercept, c.slope, c.residual_sd, c.episodes, c.pairs
            )
            for c in RecoveryCurve.objects.filter(
                practice_id=practice_id, instrument=code, model_version=MODEL_VERSION
            )
        }
        cache.set(key, curves, CURVE_SECONDS)
    return curves


# -- the stored verdicts -----------------------------------------------------


def verdict_of(track: MeasureTrack, curves: dict[str, Curve] | None = None) -> Verdict:
    """Judge a stored track with the practice's current curves."""
    instrument = get_instrument(track.instrument)
    if curves is None:
        curves = practice_curves(track.client.practice_id, track.instrument)
    zone = zone_of(track.client.practice)
    return judge_latest(
        first=track.first_total,
        latest=track.latest_total,
        session=track.scores,
        count=track.scores + (1 if track.latest_follow_up else 0),
        band_of=_band_key(instrument),
        curves=curves,
        better=instrument.better,
        reliable_change=instrument.reliable_change,
        latest_on=track.latest_taken_at.astimezone(zone).date(),
        follow_up=track.latest_follow_up,
    )


def _apply(track: MeasureTrack, verdict: Verdict) -> bool:
    """Copy the verdict onto the track; True if anything changed."""
    new = (verdict.on_track, verdict.method, verdict.expected, verdict.bound)
    old = (track.on_track, track.method, track.expected, track.bound)
    track.on_track, track.method, track.expected, track.bound = new
    return new != old


def _track_from(
    episode_id: int, client_id: int, code: str, scores: list[Score]
) -> MeasureTrack | None:
    treatment = [s for s in scores if not s.follow_up]
    if not treatment:
        return None
    latest = scores[-1]
    return MeasureTrack(
        episode_id=episode_id,
        client_id=client_id,
        instrument=code,
        first_total=treatment[0].total,
        latest_total=latest.total,
        latest_taken_at=latest.taken_at,
        scores=len(treatment),
        latest_follow_up=latest.follow_up,
    )


def refresh_tracks(episode: Episode, codes: Iterable[str] = TRACKED) -> None:
    """Rewrite the episode's stored verdicts for these measures from its
    current scores (after a score is submitted or corrected). Two queries
    and a write per measure."""
    codes = [c for c in codes if c in TRACKED]
    if not codes:
        return
    series = _scores(
        Administration.objects.current().filter(episode=episode, instrument__in=codes)
    )
    client = episode.client
    for code in codes:
        track = _track_from(
            episode.pk, client.pk, code, series.get((episode.pk, code), [])
        )
        if track is None:
            MeasureTrack.objects.filter(episode=episode, instrument=code).delete()
            continue
        track.client = client
        _apply(track, verdict_of(track))
        track.updated_at = timezone.now()
        MeasureTrack.objects.update_or_create(
            episode=episode,
            instrument=code,
            defaults={
                f: getattr(track, f)
                for f in (
                    "client_id",
                    "first_total",
                    "latest_total",
                    "latest_taken_at",
                    "scores",
                    "latest_follow_up",
                    "on_track",
                    "method",
                    "expected",
                    "bound",
                    "updated_at",
                )
            },
        )


_TRACK_FIELDS = [
    "first_total",
    "latest_total",
    "latest_taken_at",
    "scores",
    "latest_follow_up",
    "on_track",
    "method",
    "expected",
    "bound",
    "updated_at",
]


def rebuild_tracks(practice: Practice) -> int:
    """Rebuild every stored verdict of the practice from its scores (the
    backfill, and a repair). Returns how many tracks there are."""
    series = _scores(
        Administration.objects.current().filter(
            client__practice=practice, instrument__in=TRACKED
        )
    )
    clients = dict(
        Episode.objects.filter(pk__in={k[0] for k in series}).values_list(
            "pk", "client_id"
        )
    )
    curves = {code: practice_curves(practice.pk, code) for code in TRACKED}
    tracks = []
    for (episode_id, code), scores in series.items():
        track = _track_from(episode_id, clients[episode_id], code, scores)
        if track is None:
            continue
        track.client = Client(pk=clients[episode_id], practice=practice)
        _apply(track, verdict_of(track, curves[code]))
        tracks.append(track)
    with transaction.atomic():
        MeasureTrack.objects.filter(client__practice=practice).delete()
        MeasureTrack.objects.bulk_create(tracks, batch_size=1000)
    return len(tracks)


def rejudge(practice: Practice, code: str, curves: dict[str, Curve]) -> int:
    """Judge the practice's stored tracks of one measure again with newly
    fitted curves, from the stored numbers alone. Returns how many changed."""
    changed = []
    now = timezone.now()
    tracks = MeasureTrack.objects.filter(client__practice=practice, instrument=code)
    for track in tracks.iterator(chunk_size=2000):
        track.client = Client(pk=track.client_id, practice=practice)
        if _apply(track, verdict_of(track, curves)):
            track.updated_at = now
            changed.append(track)
    MeasureTrack.objects.bulk_update(
        changed,
        ["on_track", "method", "expected", "bound", "updated_at"],
        batch_size=1000,
    )
    return len(changed)


def sweep(*, rebuild: bool = False) -> dict[str, int]:
    """Refit every practice's curves and re-judge its stored verdicts; with
    ``rebuild``, first rebuild the verdicts from the scores."""
    counts = {"practices": 0, "rebuilt": 0, "changed": 0}
    for practice in Practice.objects.all():
        counts["practices"] += 1
        if rebuild:
            counts["rebuilt"] += rebuild_tracks(practice)
        for code in TRACKED:
            curves = fit_practice_curves(practice.pk, code)
            counts["changed"] += rejudge(practice, code, curves)
    return counts


OFF_TRACK_LIMIT = 50


@prepared
def _off_track(
    clinician_ids: list[int], practice_id: int | None
) -> QuerySet[MeasureTrack]:
    return (
        MeasureTrack.objects.filter(
            clients_of_q(clinician_ids, practice_id, "client"), on_track=False
        )
        .exclude(episode__phase=Episode.Phase.CLOSED)
        .select_related("episode", "client__practice")
        # The track's numbers (its verdict rests on them), the episode's link,
        # the client's name and the practice's zone; no more (issue #13).
        .only(
            *(f.name for f in MeasureTrack._meta.concrete_fields),
            "episode__uuid",
            *Client.listing_fields("client"),
            "client__practice__time_zone",
        )
        .order_by("client__family_name", "client__given_name", "instrument", "id")[
            :OFF_TRACK_LIMIT
        ]
    )


def not_on_track(user: User, *, limit: int = OFF_TRACK_LIMIT) -> list[OffTrack]:
    """Clients in the user's caseload whose latest score on a tracked measure
    is worse than expected (or reliably worse than their first), at most
    ``limit``, by name: read from the stored verdicts, sorted and limited in
    the database. One query, plus one per measure when its curves are not
    in the cache."""
    if not 0 < limit <= OFF_TRACK_LIMIT:
        raise ValueError(f"limit must be from 1 to {OFF_TRACK_LIMIT}")
    tracks = _off_track(
        caseload_clinician_ids(user), getattr(user, "practice_id", None)
    )[:limit]
    flagged = []
    for track in tracks:
        instrument = get_instrument(track.instrument)
        flagged.append(
            OffTrack(
                track.episode,
                track.client,
                instrument,
                track.latest_total,
                track.scores,
                verdict_of(track),
            )
        )
    return flagged
