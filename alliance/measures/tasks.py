"""Background work for measures, run by ``alliance worker`` (registered in
``apps.MeasuresConfig.ready``)."""

from __future__ import annotations

from django_tasks import task

from alliance.measures.tracking import sweep


@task()
def tracking_sweep() -> dict[str, int]:
    """Refit each practice's expected-recovery curves from its scores and
    re-judge the stored "not on track" verdicts with them."""
    return sweep()
