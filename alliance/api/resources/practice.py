"""Practice outcomes: the same aggregates, scope and filter as the outcomes
page (recovery, reliable improvement, …; alliance.measures.outcomes)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from ninja import Router, Schema

from alliance import permissions
from alliance.api.problems import Problem
from alliance.audit.services import record
from alliance.measures import outcomes
from alliance.measures.forms import OutcomesFilterForm

router = Router(tags=["practice"])


class RateOut(Schema):
    count: int
    denominator: int
    percent: float | None


class OutcomeRow(Schema):
    label: str
    ended: int
    courses: int
    paired: int
    finished: int
    not_finished: int
    at_caseness: int
    not_at_caseness: int
    recovery: RateOut
    reliable_improvement: RateOut
    reliable_recovery: RateOut
    reliable_deterioration: RateOut
    no_reliable_change: RateOut
    unstable: bool


class OutcomesOut(Schema):
    since: date | None
    until: date | None
    rows: list[OutcomeRow]
    overall: OutcomeRow
    open: OutcomeRow


def _rate(rate: Any) -> dict[str, Any]:
    return {
        "count": rate.count,
        "denominator": rate.denominator,
        "percent": rate.percent,
    }


def _row(row: Any) -> dict[str, Any]:
    return {
        "label": row.label,
        "ended": row.ended,
        "courses": row.courses,
        "paired": row.paired,
        "finished": row.finished,
        "not_finished": row.not_finished,
        "at_caseness": row.at_caseness,
        "not_at_caseness": row.not_at_caseness,
        "recovery": _rate(row.recovery),
        "reliable_improvement": _rate(row.reliable_improvement),
        "reliable_recovery": _rate(row.reliable_recovery),
        "reliable_deterioration": _rate(row.reliable_deterioration),
        "no_reliable_change": _rate(row.no_reliable_change_rate),
        "unstable": row.unstable,
    }


@router.get(
    "/outcomes",
    response=OutcomesOut,
    url_name="outcomes",
    summary="Practice outcomes",
)
def practice_outcomes(
    request: HttpRequest,
    since: date | None = None,
    until: date | None = None,
    clinician: UUID | None = None,
):
    """Aggregates only. The practice admin sees every clinician (or the one
    chosen); a clinician their own row; a supervisor theirs and their
    supervisees'. Everyone sees the whole practice's row."""
    user = permissions.require_staff(request)
    if user.practice is None:
        raise PermissionDenied
    query = QueryDict(mutable=True)
    for name, value in (("since", since), ("until", until), ("clinician", clinician)):
        if value is not None:
            query[name] = str(value)
    form = OutcomesFilterForm(query, clinicians=permissions.outcomes_choices(user))
    if not form.is_valid():
        raise Problem(
            422,
            "invalid",
            "Invalid request",
            "The filter cannot be used.",
            errors=[
                {"field": field, "message": str(message)}
                for field, messages in form.errors.items()
                for message in messages
            ],
        )
    data = form.cleaned_data
    bounds = outcomes.period_bounds(user.practice, data["since"], data["until"])
    scope = permissions.outcomes_scope(user, data.get("clinician"))
    result = outcomes.practice_outcomes(
        user.practice, clinician=scope, since=bounds[0], until=bounds[1]
    )
    record(user, "outcomes.view", request=request, detail=form.filters())
    return {
        "since": data["since"],
        "until": data["until"],
        "rows": [_row(row) for row in result.rows],
        "overall": _row(result.overall),
        "open": _row(result.open),
    }
