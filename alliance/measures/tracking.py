"""Which clients are not on track, for the clinician's home page.

Applies alliance.measures.expected to the practice's own history. The nth
score in an episode stands for the nth session: with measures given every
session, as routine outcome monitoring asks, the two coincide; with sparser
schedules the curve describes "the nth measurement". Curves are cached for an
hour per practice and instrument, so the home page does not refit them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.measures.engine import Instrument, get_instrument
from alliance.measures.expected import Curve, Verdict, fit_curves, judge
from alliance.measures.models import Administration

# Symptom measures with bands and a published reliable-change threshold.
TRACKED = ("phq9", "gad7", "core10")
CURVE_SECONDS = 3600


@dataclass(frozen=True)
class OffTrack:
    episode: Episode
    client: Client
    instrument: Instrument
    latest: float
    scores: int
    verdict: Verdict


def _band_key(instrument: Instrument) -> Callable[[float], str]:
    def band_of(total: float) -> str:
        band = instrument.band_for(total)
        return band.key if band else "none"

    return band_of


def _series(queryset: object) -> dict[tuple[int, str], list[tuple[int, float]]]:
    """(episode, instrument) -> [(nth score, total), ...] in time order."""
    series: dict[tuple[int, str], list[tuple[int, float]]] = defaultdict(list)
    for episode_id, code, total in queryset.values_list(  # type: ignore[attr-defined]  # a queryset of Administrations
        "episode_id", "instrument", "total"
    ).order_by("episode_id", "instrument", "taken_at", "id"):
        key = (episode_id, code)
        series[key].append((len(series[key]) + 1, float(total)))
    return series


def practice_curves(practice_id: int, code: str) -> dict[str, Curve]:
    key = f"alliance:curves:v1:{practice_id}:{code}"  # bump v1 with MODEL_VERSION
    curves = cache.get(key)
    if curves is None:
        instrument = get_instrument(code)
        history = _series(
            Administration.objects.current().filter(
                client__practice_id=practice_id, instrument=code, total__isnull=False
            )
        )
        curves = fit_curves(history.values(), _band_key(instrument))
        cache.set(key, curves, CURVE_SECONDS)
    return curves


def not_on_track(user: User, *, limit: int = 50) -> list[OffTrack]:
    """Clients in the user's caseload whose latest score on a tracked measure
    is worse than expected (or, until the practice has enough history, reliably
    worse than their first)."""
    episodes = Episode.objects.in_caseload_of(user).open()
    series = _series(
        Administration.objects.current().filter(
            episode__in=episodes, instrument__in=TRACKED, total__isnull=False
        )
    )
    if not series:
        return []
    episodes_by_id = {
        e.pk: e
        for e in Episode.objects.filter(pk__in={k[0] for k in series}).select_related(
            "client"
        )
    }
    flagged = []
    for (episode_id, code), scores in series.items():
        instrument = get_instrument(code)
        verdict = judge(
            scores,
            band_of=_band_key(instrument),
            curves=practice_curves(user.practice_id, code),  # type: ignore[arg-type]  # staff always belong to a practice
            better=instrument.better,
            reliable_change=instrument.reliable_change,
        )
        if not verdict.on_track:
            episode = episodes_by_id[episode_id]
            flagged.append(
                OffTrack(
                    episode,
                    episode.client,
                    instrument,
                    scores[-1][1],
                    len(scores),
                    verdict,
                )
            )
    flagged.sort(
        key=lambda f: (f.client.family_name, f.client.given_name, f.instrument.code)
    )
    return flagged[:limit]
