"""Numbering under concurrency, on PostgreSQL (the row lock is what keeps
numbers unique and gapless there; SQLite serialises writers by itself, and
its flush after a transactional test meets the audit log's append-only
trigger)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connections

from alliance.billing.models import Invoice
from alliance.billing.services import issue_invoice
from alliance.billing.tests.helpers import priced, session

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="PostgreSQL only",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("audit_log_emptied_after"),
]


def test_concurrent_issues_get_distinct_numbers(cleo, dan, ada, practice):
    priced(practice, "100", by=ada)
    sessions = [session(c, days_ago=d) for d, c in ((1, cleo), (2, dan), (3, cleo))]
    sessions += [session(c, days_ago=d) for d, c in ((4, dan), (5, cleo), (6, dan))]
    errors: list[Exception] = []
    barrier = threading.Barrier(len(sessions))

    def issue(appointment):
        try:
            barrier.wait()
            issue_invoice(appointment.client, [appointment], by=ada)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(sessions) + 1))


def test_concurrent_issues_of_one_session_make_one_invoice(cleo, ada, practice):
    priced(practice, "100", by=ada)
    appointment = session(cleo)
    refusals: list[Exception] = []
    barrier = threading.Barrier(4)

    def issue():
        try:
            barrier.wait()
            issue_invoice(cleo, [appointment], by=ada)
        except ValidationError as error:
            refusals.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Invoice.objects.count() == 1
    assert len(refusals) == 3


def test_concurrent_payments_never_exceed_what_is_due(cleo, ada, practice):
    from alliance.billing.models import Payment
    from alliance.billing.services import record_payment

    priced(practice, "100", by=ada)
    invoice = issue_invoice(cleo, [session(cleo)], by=ada)
    refusals: list[Exception] = []
    barrier = threading.Barrier(4)

    def pay():
        try:
            barrier.wait()
            record_payment(
                invoice, by=ada, amount="40", method="cash", paid_on=practice.today()
            )
        except ValidationError as error:
            refusals.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refusals) == 2
    assert sorted(Payment.objects.values_list("receipt_number", flat=True)) == [1, 2]
    assert sum(Payment.objects.values_list("amount_minor", flat=True)) == 8000
