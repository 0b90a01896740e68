"""Read-only queries for pages: the chart card, the clinician's check-in page,
and the portal card and history. Each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import EllipsisType
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from alliance.alerts.models import RiskAlert
from alliance.checkins.charts import MoodPoint, mood_svg
from alliance.checkins.models import CheckIn
from alliance.clients.models import Client, Episode
from alliance.core.prepared import first_of, prepared

CHART_WEEKS = 8


@dataclass
class MoodWindow:
    """Check-ins of the last ``CHART_WEEKS`` weeks (practice's local days,
    today included), oldest first."""

    start: date
    end: date
    zone: ZoneInfo
    checkins: list[CheckIn] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.checkins)

    @property
    def points(self) -> list[MoodPoint]:
        return [
            MoodPoint(
                timezone.localtime(c.created_at, self.zone), c.mood, c.safety_concern
            )
            for c in self.checkins
        ]

    @property
    def safety_concerns(self) -> int:
        return sum(1 for c in self.checkins if c.safety_concern)

    @property
    def any_safety_concern(self) -> bool:
        return self.safety_concerns > 0

    @property
    def very_low(self) -> int:
        return sum(1 for c in self.checkins if c.is_very_low)

    def svg(self, *, clinician: bool, ident: str) -> SafeString:
        # mood_svg escapes every piece of text it writes.
        return mark_safe(  # noqa: S308
            mood_svg(
                self.points,
                start=self.start,
                end=self.end,
                ident=ident,
                clinician=clinician,
            )
        )


def mood_window(client: Client, *, now: datetime | None = None) -> MoodWindow:
    """The last eight weeks of check-ins (one query, plus the practice if it
    is not loaded)."""
    zone = client.practice.zone
    end = timezone.localtime(now or timezone.now(), zone).date()
    start = end - timedelta(days=7 * CHART_WEEKS - 1)
    since = datetime.combine(start, time.min, tzinfo=zone)
    checkins = list(
        CheckIn.objects.filter(client=client, created_at__gte=since)
        .defer("note")
        .order_by("created_at", "id")
    )
    return MoodWindow(start, end, zone, checkins)


@dataclass
class ChartCheckIns:
    client: Client
    window: MoodWindow
    latest: CheckIn | None

    @property
    def count(self) -> int:
        return self.window.count

    @property
    def any_safety_concern(self) -> bool:
        return self.window.any_safety_concern

    @property
    def safety_concerns(self) -> int:
        return self.window.safety_concerns

    @property
    def very_low(self) -> int:
        return self.window.very_low

    @property
    def points(self) -> list[MoodPoint]:
        return self.window.points

    @property
    def svg(self) -> SafeString:
        return self.window.svg(clinician=True, ident="chart-checkins")


def chart_checkins(client: Client) -> ChartCheckIns:
    """The client chart's check-in card: mood over the last eight weeks, the
    latest check-in (even if older), how many in the period, and whether any
    said "yes" to the safety question. At most three queries."""
    window = mood_window(client)
    if window.checkins:
        latest: CheckIn | None = window.checkins[-1]
    else:
        latest = CheckIn.objects.filter(client=client).defer("note").first()
    return ChartCheckIns(client, window, latest)


@dataclass
class CheckInRow:
    checkin: CheckIn
    alert: RiskAlert | None = None


def client_history(checkins: QuerySet[CheckIn] | list[CheckIn]) -> list[CheckInRow]:
    """Check-ins (newest first) with the risk alert each "yes" raised."""
    rows = [CheckInRow(c) for c in checkins]
    flagged = {row.checkin.uuid: row for row in rows if row.checkin.safety_concern}
    if flagged:
        for alert in RiskAlert.objects.filter(
            source_type=CheckIn._meta.label_lower, source_uuid__in=list(flagged)
        ):
            flagged[alert.source_uuid].alert = alert  # type: ignore[index]  # matched on source_uuid__in
    return rows


def all_checkins(client: Client) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(client=client).order_by("-created_at", "-id")


@dataclass
class PortalCheckIns:
    last: CheckIn | None
    can_check_in: bool


@prepared
def _last_checkin(client_id: int) -> QuerySet[CheckIn]:
    return first_of(CheckIn.objects.filter(client_id=client_id).defer("note"))


def portal_checkins(
    client: Client, *, episode: Episode | EllipsisType | None = ...
) -> PortalCheckIns:
    """The portal home's card: when the client last checked in, and whether a
    new check-in can be made (an episode of care is open). Two queries, one
    when the caller passes the client's current ``episode`` (or None)."""
    last = _last_checkin.first(client.pk)
    if episode is ...:
        episode = client.current_episode()
    return PortalCheckIns(last, episode is not None)
