"""Writers in parallel transactions on PostgreSQL, where they really overlap:
the chain's lock lets one at a time extend it, so the events still form one
unbroken line (no two share a position, none links to a stale head)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction

from alliance.audit.models import AuditChainHead, AuditEvent
from alliance.audit.services import record, verify_chain

# SQLite lets one writer in at a time by itself (IMMEDIATE transactions).
pytestmark = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="needs PostgreSQL",
)

WRITERS = 4
EVENTS_EACH = 15


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_log_emptied_after")
def test_parallel_writers_form_one_chain():
    # As on a new database: the first writers also race to make the head row.
    AuditChainHead.objects.all().delete()
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_EACH):
                # A few events per transaction, each in its own savepoint, as
                # a request that saves several things writes them.
                with transaction.atomic():
                    for j in range(3):
                        with transaction.atomic():
                            record(
                                None, "test.parallel", detail={"w": n, "i": i, "j": j}
                            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = WRITERS * EVENTS_EACH * 3
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + total))
    assert AuditChainHead.objects.get(pk=1).seq == seqs[-1]
    result = verify_chain()
    assert result.ok, result.problem
