"""Which clients' records have passed the practice's retention period and are
due for a disposal review (``alliance retention``). Nothing here deletes or
changes a record: it lists, and a person decides.

The rule follows the NHS England Records Management Code of Practice (2021,
updated 2023), Appendix II: adults' health records are kept for a set number
of years after care ends (the practice's ``retention_years``), and children's
until their 25th birthday, or 26th if they were 17 when treatment ended,
whichever is later. Check the rule in the practice's own jurisdiction; the
Code sets 20 years for mental health and psychology records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from alliance.accounts.models import Practice
from alliance.clients.models import Client, DischargeReason, Episode

ADULT_AGE = 18
# The Code: until the 25th birthday, or the 26th if 17 at the end of care.
CHILD_KEEP_UNTIL = 25
SEVENTEEN_KEEP_UNTIL = 26

YEARS_AFTER_CARE = "years_after_care"
BIRTHDAY_25 = "25th_birthday"
BIRTHDAY_26 = "26th_birthday"


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March, so a record
    is never due a day early."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def due_date(*, closed_on: date, born: date, years: int) -> tuple[date, str]:
    """The first day a record may be reviewed for disposal, and the rule that
    set it: ``years`` after the day care ended, but for a client under 18 that
    day not before their 25th birthday (26th if they were 17)."""
    after_care = add_years(closed_on, years)
    age = (
        closed_on.year
        - born.year
        - ((closed_on.month, closed_on.day) < (born.month, born.day))
    )
    if age >= ADULT_AGE:
        return after_care, YEARS_AFTER_CARE
    keep_until = SEVENTEEN_KEEP_UNTIL if age == ADULT_AGE - 1 else CHILD_KEEP_UNTIL
    birthday = add_years(born, keep_until)
    if birthday > after_care:
        return (
            birthday,
            BIRTHDAY_26 if keep_until == SEVENTEEN_KEEP_UNTIL else BIRTHDAY_25,
        )
    return after_care, YEARS_AFTER_CARE


@dataclass(frozen=True)
class DueRecord:
    client_uuid: str
    initials: str
    last_closed: date
    discharge_reason: str
    due_since: date
    rule: str

    @property
    def discharge_label(self) -> str:
        if self.discharge_reason in DischargeReason.values:
            return str(DischargeReason(self.discharge_reason).label)
        return ""

    def as_dict(self) -> dict[str, str]:
        return {
            "client": self.client_uuid,
            "initials": self.initials,
            "last_closed": self.last_closed.isoformat(),
            "discharge_reason": self.discharge_reason,
            "discharge_label": self.discharge_label,
            "due_since": self.due_since.isoformat(),
            "rule": self.rule,
        }


def initials(client: Client) -> str:
    first = (client.given_name.strip()[:1] or "?").upper()
    last = (client.family_name.strip()[:1] or "?").upper()
    return first + last


def due_for_disposal(practice: Practice, as_of: date | None = None) -> list[DueRecord]:
    """Clients of the practice with no open episode whose records are due for
    disposal review on ``as_of`` (default: today in the practice's time zone),
    oldest due first. One query whatever the number of clients."""
    as_of = as_of or practice.today()
    zone = practice.zone
    last_episode = Episode.objects.filter(
        client=OuterRef("pk"), closed_at__isnull=False
    ).order_by("-closed_at", "-id")
    clients = (
        Client.objects.filter(practice=practice)
        .annotate(
            open_episodes=Count(
                "episodes", filter=~Q(episodes__phase=Episode.Phase.CLOSED)
            ),
            last_closed_at=Max("episodes__closed_at"),
            last_discharge=Subquery(last_episode.values("discharge_reason")[:1]),
        )
        .filter(open_episodes=0, last_closed_at__isnull=False)
        .order_by("id")
    )
    found = []
    for client in clients:
        closed_on = timezone.localdate(client.last_closed_at, zone)
        due, rule = due_date(
            closed_on=closed_on,
            born=client.date_of_birth,
            years=practice.retention_years,
        )
        if due <= as_of:
            found.append(
                DueRecord(
                    client_uuid=str(client.uuid),
                    initials=initials(client),
                    last_closed=closed_on,
                    discharge_reason=client.last_discharge or "",
                    due_since=due,
                    rule=rule,
                )
            )
    found.sort(key=lambda record: (record.due_since, record.client_uuid))
    return found


@dataclass(frozen=True)
class PracticeReport:
    practice: Practice
    as_of: date
    due: list[DueRecord]

    def as_dict(self) -> dict[str, object]:
        return {
            "practice": str(self.practice.uuid),
            "name": self.practice.name,
            "retention_years": self.practice.retention_years,
            "as_of": self.as_of.isoformat(),
            "due": [record.as_dict() for record in self.due],
        }


def retention_report(
    practices: list[Practice], as_of: date | None = None
) -> list[PracticeReport]:
    """One report per practice; ``as_of`` None means today in each
    practice's time zone."""
    reports = []
    for practice in practices:
        day = as_of or practice.today()
        reports.append(PracticeReport(practice, day, due_for_disposal(practice, day)))
    return reports
