"""Every free text of the termination app is encrypted at rest: the raw
column never holds the plaintext."""

from __future__ import annotations

from django.db import connection

from alliance.termination.models import ReadinessReview
from alliance.termination.services import (
    assemble_summary,
    save_relapse_plan,
    save_review,
)


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_review_summary_and_plan_text_is_encrypted(alice, cleo, bare):
    review = save_review(
        ReadinessReview.objects.get(episode=bare),
        by=alice,
        version=1,
        judgement="CANARY-JUDGEMENT",
    )
    summary = assemble_summary(bare, by=alice)
    from alliance.termination.services import save_summary

    summary = save_summary(
        summary,
        by=alice,
        version=1,
        remaining_concerns="CANARY-REMAINING",
        client_watch="CANARY-CLIENT-WATCH",
    )
    version = save_relapse_plan(
        cleo,
        by=alice,
        warning_signs="CANARY-WARNING",
        coping_strategies="CANARY-COPING",
        come_back="CANARY-COME-BACK",
    )
    checks = [
        ("termination_readinessreview", "judgement", review.pk, "CANARY-JUDGEMENT"),
        (
            "termination_terminationsummary",
            "remaining_concerns",
            summary.pk,
            "CANARY-REMAINING",
        ),
        (
            "termination_terminationsummary",
            "client_watch",
            summary.pk,
            "CANARY-CLIENT-WATCH",
        ),
        (
            "termination_terminationsummary",
            "presenting_concerns",
            summary.pk,
            "CANARY-Cleo",
        ),
        (
            "termination_relapsepreventionplanversion",
            "warning_signs",
            version.pk,
            "CANARY-WARNING",
        ),
        (
            "termination_relapsepreventionplanversion",
            "come_back",
            version.pk,
            "CANARY-COME-BACK",
        ),
    ]
    for table, column, pk, plain in checks:
        stored = _raw(table, column, pk)
        assert stored, (table, column)
        assert plain not in stored, (table, column)
    review.refresh_from_db()
    assert review.judgement == "CANARY-JUDGEMENT"
    version = type(version).objects.get(pk=version.pk)
    assert version.warning_signs == "CANARY-WARNING"
