"""Who is on duty: the one place that answers it (``duty_clinicians``).

A practice admin keeps the rota (``DutyShift`` rows, one per clinician per
practice-local day, on the duty rota page). The duty clinician sees the
practice's risk queue, may open any client's alert with a reason (see
``alliance.permissions.get_alert_for_duty``) and is emailed when a high risk
alert goes unacknowledged (``alliance.alerts.services``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import models

from alliance.accounts.models import DutyShift, Practice, User
from alliance.core.prepared import prepared


def duty_clinicians(
    practice: Practice | int, on: date | None = None
) -> models.QuerySet[User]:
    """The active clinicians and supervisors on duty for ``practice`` (or
    its id, with ``on`` given) on the practice-local day ``on`` (default:
    today)."""
    if on is None:
        if not isinstance(practice, Practice):
            raise TypeError("today is the practice's: pass the practice, or the day")
        on = practice.today()
    return User.objects.clinicians().filter(
        practice=practice,
        duty_shifts__practice=practice,
        duty_shifts__date=on,
    )


def is_on_duty(user: User, on: date | None = None) -> bool:
    if not user.is_clinical or user.practice is None:
        return False
    day = on or user.practice.today()
    return bool(_on_duty(user.pk, user.practice.pk, day))


@prepared
def _on_duty(user_id: int, practice_id: int, day: date) -> models.QuerySet[User, int]:
    """``duty_clinicians`` narrowed to one user: their id, if on duty."""
    return (
        duty_clinicians(practice_id, day)
        .filter(pk=user_id)
        .values_list("pk", flat=True)[:1]
    )


def rota(practice: Practice, start: date, end: date) -> models.QuerySet[DutyShift]:
    """The practice's shifts from ``start`` to ``end`` inclusive."""
    return DutyShift.objects.filter(
        practice=practice, date__gte=start, date__lte=end
    ).select_related("clinician")


def end_of_practice_day(practice: Practice, now: datetime | None = None) -> datetime:
    """Midnight at the end of the practice-local day of ``now``."""
    day = practice.today(now)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=practice.zone)
