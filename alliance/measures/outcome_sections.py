"""The outcomes page's sections beyond the PHQ-9 + GAD-7 table, in one call:
outcomes on the paired anxiety measure (``adsm``), WSAS and employment
(``employment``), and the US depression measures (``quality``). Each is for
the whole practice, like the page's "Whole practice" row.

Wiring (views stay as they are until the lead adds these two lines):

- in the outcomes view, with the form's dates and period bounds:
  ``context.update(outcome_sections(practice, since=since, until=until,
  start_day=data["since"], end_day=data["until"]))``;
- in ``measures/outcomes.html``, inside the result block:
  ``{% include "measures/_outcome_sections.html" %}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from alliance.accounts.models import Practice
from alliance.measures.adsm import practice_adsm_summary
from alliance.measures.employment import practice_work_summary
from alliance.measures.quality import default_index_period, quality_summary


def outcome_sections(
    practice: Practice,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    start_day: date | None = None,
    end_day: date | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Context keys ``adsm``, ``work`` and ``us_quality``. The period
    (``since``/``until``) selects ADSM episodes by their last score; the US
    measures take their index period from ``start_day``–``end_day``, or when
    either is missing the latest twelve months whose windows have closed."""
    today = today or practice.today()
    if start_day is None or end_day is None or end_day < start_day:
        start_day, end_day = default_index_period(today)
    return {
        "adsm": practice_adsm_summary(practice, since=since, until=until),
        "work": practice_work_summary(practice),
        "us_quality": quality_summary(practice, start_day, end_day, as_of=today),
    }
