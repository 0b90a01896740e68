"""``@prepared`` (``core/prepared.py``): the SQL compiled once gives, with any
values, the rows Django's own compile of the queryset gives, and a builder
whose SQL cannot be reused is refused on its first call."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.accounts.models import User
from alliance.clients.models import Client
from alliance.core import prepared as prepared_module
from alliance.core.prepared import PreparedQueryError, first_of, prepared, totals
from alliance.notes.tests.helpers import book
from alliance.scheduling.models import Appointment
from conftest import make_client


@prepared
def clients_of(clinician_ids: list[int], practice_id: int) -> QuerySet[Client]:
    return (
        Client.objects.filter(clinician_id__in=clinician_ids, practice_id=practice_id)
        .select_related("clinician")
        .order_by("family_name", "given_name", "id")
    )


@pytest.fixture
def caseloads(practice, alice, bob):
    return {
        "alice": [make_client(alice, given_name=n) for n in ("Ann", "Ben")],
        "bob": [make_client(bob, given_name="Cal")],
    }


def _names(clients: list[Client]) -> list[str]:
    return [c.given_name for c in clients]


def test_any_values_give_the_rows_django_gives(practice, alice, bob, caseloads):
    for ids in ([alice.pk], [bob.pk], [alice.pk, bob.pk], [bob.pk, alice.pk, bob.pk]):
        ours = clients_of(ids, practice.pk)
        django = list(clients_of.build(ids, practice.pk))
        assert _names(ours) == _names(django)
    assert _names(clients_of([alice.pk, bob.pk], practice.pk)) == ["Ann", "Ben", "Cal"]
    assert clients_of([alice.pk], practice.pk + 1000) == []
    # A compile for a list of one and one for a list of two; the repeat in
    # the list of three is dropped, as Django's __in drops it.
    shapes = {shape for _, shape, _ in clients_of._compiled}
    assert {((int,), int), ((int, int), int)} <= shapes
    assert ((int, int, int), int) not in shapes


def test_related_rows_come_in_the_same_query(practice, alice, caseloads):
    clients_of([alice.pk], practice.pk)  # compiled
    with CaptureQueriesContext(connection) as queries:
        rows = clients_of([alice.pk], practice.pk)
        assert {c.clinician.full_name for c in rows} == {"Alice Clinician"}
    assert len(queries) == 1


def test_an_empty_list_matches_nothing_without_a_query(practice, caseloads):
    with CaptureQueriesContext(connection) as queries:
        assert clients_of([], practice.pk) == []
    assert len(queries) == 0


@prepared
def appointments_between(
    clinician_id: int, start: datetime, end: datetime
) -> QuerySet[Appointment, tuple[int, datetime]]:
    return (
        Appointment.objects.filter(
            clinician_id=clinician_id, starts_at__gte=start, starts_at__lt=end
        )
        .order_by("starts_at")
        .values_list("pk", "starts_at")
    )


def test_datetimes_are_bound_as_the_database_stores_them(practice, alice, cleo):
    first = book(cleo, hours_ago=-24)  # tomorrow, through the service
    at = first.starts_at
    hour = timedelta(hours=1)
    assert appointments_between(alice.pk, at - hour, at + hour) == [(first.pk, at)]
    assert appointments_between(alice.pk, at + hour, at + 2 * hour) == []
    assert appointments_between(alice.pk + 1, at - hour, at + hour) == []


@prepared
def by_uuid_name_and_birth(
    uuid: object, given_name: str, born: date
) -> QuerySet[Client, str]:
    return Client.objects.filter(
        uuid=uuid, given_name=given_name, date_of_birth=born
    ).values_list("family_name", flat=True)


def test_uuids_strings_and_dates_are_bound(practice, caseloads):
    ann = caseloads["alice"][0]
    assert by_uuid_name_and_birth(ann.uuid, "Ann", ann.date_of_birth) == ["Example"]
    assert by_uuid_name_and_birth(ann.uuid, "Ben", ann.date_of_birth) == []
    other_day = ann.date_of_birth + timedelta(days=1)
    assert by_uuid_name_and_birth(ann.uuid, "Ann", other_day) == []


@prepared
def staff(practice_id: int, active: bool | None) -> QuerySet[User, str]:
    users = User.objects.filter(practice_id=practice_id).exclude(role="client")
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("email").values_list("email", flat=True)


def test_other_arguments_are_part_of_the_shape(practice, alice, bob):
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert staff(practice.pk, True) == ["alice@example.org"]
    assert staff(practice.pk, False) == ["bob@example.org"]
    assert staff(practice.pk, None) == ["alice@example.org", "bob@example.org"]


def test_shapes_past_the_cap_run_through_django(practice, alice, monkeypatch):
    monkeypatch.setattr(prepared_module, "MAX_SHAPES", 0)

    @prepared
    def emails(practice_id: int) -> QuerySet[User, str]:
        return User.objects.filter(practice_id=practice_id).values_list(
            "email", flat=True
        )

    assert emails(practice.pk) == ["alice@example.org"]
    assert emails._compiled == {}


def test_a_value_worked_on_in_python_is_refused(practice):
    @prepared
    def born_after(day: date) -> QuerySet[Client]:
        return Client.objects.filter(date_of_birth__gt=day - timedelta(days=1))

    with pytest.raises(PreparedQueryError, match="worked out from the values"):
        born_after(date(2000, 1, 1))


def test_a_value_written_into_the_sql_is_refused(practice):
    @prepared
    def first_n(practice_id: int, n: int) -> QuerySet[Client]:
        return Client.objects.filter(practice_id=practice_id).order_by("id")[:n]

    with pytest.raises(PreparedQueryError, match="SQL depends on the values"):
        first_n(practice.pk, 3)


def test_an_argument_the_query_ignores_is_refused(practice):
    @prepared
    def of_practice(practice_id: int, unused: int) -> QuerySet[Client]:
        return Client.objects.filter(practice_id=practice_id)

    with pytest.raises(PreparedQueryError, match=r"arguments \[1\]"):
        of_practice(practice.pk, 5)


def test_keyword_arguments_are_fixed_options(practice, alice, caseloads):
    """A keyword argument is passed as it is and compiles its own SQL: a
    list's length limit, which Django writes into the SQL text."""

    @prepared
    def first_clients(practice_id: int, *, limit: int) -> QuerySet[Client, str]:
        return (
            Client.objects.filter(practice_id=practice_id)
            .order_by("given_name")
            .values_list("given_name", flat=True)[:limit]
        )

    assert first_clients(practice.pk, limit=1) == ["Ann"]
    assert first_clients(practice.pk, limit=2) == ["Ann", "Ben"]
    assert first_clients(practice.pk, limit=1) == ["Ann"]
    assert len(first_clients._compiled) == 2


def test_the_check_finds_sql_that_changed_since_it_was_compiled(practice, settings):
    """What the tests' ``PREPARED_QUERIES_CHECK`` is for: a builder whose
    query changes with something other than its arguments."""
    settings.PREPARED_QUERIES_CHECK = True
    ordering = ["given_name"]

    @prepared
    def ordered(practice_id: int) -> QuerySet[Client]:
        return Client.objects.filter(practice_id=practice_id).order_by(*ordering)

    ordered(practice.pk)
    ordering[0] = "family_name"
    with pytest.raises(PreparedQueryError, match="differs from Django's"):
        ordered(practice.pk)


def test_each_thread_reads_on_its_own_connection(db):
    """The compiler kept from the first call was made on this thread's
    connection; another thread's call must not use it (Django refuses a
    connection shared across threads)."""
    now = timezone.now()
    assert appointments_between(1, now, now) == []
    answers: list[object] = []

    def other_thread() -> None:
        try:
            answers.append(appointments_between(2, now, now))
        except Exception as error:  # reported below
            answers.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert answers == [[]]


def test_work_on_a_value_that_leaves_a_stand_in_alone_is_still_refused(practice):
    """The stand-ins are chosen so that common work shows: strings have
    capitals, spaces and LIKE's wildcards; the two rounds' dates lie a
    thousand years apart, on either side of today."""

    @prepared
    def named(name: str) -> QuerySet[Client]:
        return Client.objects.filter(given_name=name.strip().lower())

    @prepared
    def born_by(day: date) -> QuerySet[Client]:
        return Client.objects.filter(date_of_birth__lte=min(day, date.today()))

    for builder, value in ((named, "Ann"), (born_by, date(2000, 1, 1))):
        with pytest.raises(PreparedQueryError, match="worked out from the values"):
            builder(value)


def test_a_value_escaped_for_like_is_refused_where_the_database_escapes_it(
    practice, caseloads
):
    @prepared
    def named_like(name: str) -> QuerySet[Client, str]:
        return Client.objects.filter(given_name__iexact=name).values_list(
            "given_name", flat=True
        )

    if connection.vendor == "sqlite":  # LIKE, with % and _ escaped in the value
        with pytest.raises(PreparedQueryError, match="worked out from the values"):
            named_like("ann")
    else:  # UPPER(...) = UPPER(%s): the value as it is
        assert named_like("ann") == ["Ann"]
        assert named_like("a_n") == []


def test_prefetching_is_refused(practice):
    @prepared
    def with_episodes(practice_id: int) -> QuerySet[Client]:
        return Client.objects.filter(practice_id=practice_id).prefetch_related(
            "episodes"
        )

    with pytest.raises(PreparedQueryError, match="prefetching"):
        with_episodes(practice.pk)


def test_an_argument_that_cannot_be_a_key_runs_through_django(
    practice, alice, caseloads
):
    before = dict(clients_of._compiled)
    # A list with None in it is passed as it is (None is not bound), and a
    # list cannot key the cache: Django compiles it as usual.
    assert _names(clients_of([alice.pk, None], practice.pk)) == ["Ann", "Ben"]
    assert clients_of._compiled == before


def test_a_naive_date_time_is_keyed_by_its_value(db):
    """Django reads a naive date-time in the current time zone before it
    binds it: such a value keys its own compile rather than reuse the aware
    one's."""
    aware = timezone.now()
    naive = datetime(2026, 1, 1, 9, 0)
    assert appointments_between(1, aware, aware) == []
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        assert appointments_between(1, naive, naive) == []
    shapes = {shape for _, shape, _ in appointments_between._compiled}
    assert (int, datetime, datetime) in shapes
    assert (int, ("as is", datetime, naive), ("as is", datetime, naive)) in shapes


def test_totals_is_one_row_or_none(practice, alice, caseloads):
    """``totals``: ``aggregate()`` as a queryset to prepare."""
    from django.db.models import Count, Max

    @prepared
    def caseload(clinician_id: int) -> QuerySet[Client, tuple[int, date]]:
        return totals(
            Client.objects.filter(clinician_id=clinician_id),
            "clinician_id",
            n=Count("*"),
            youngest=Max("date_of_birth"),
        )

    [(n, youngest)] = caseload(alice.pk)
    assert (n, youngest) == (2, caseloads["alice"][0].date_of_birth)
    assert caseload(alice.pk + 1000) == []


def test_first_is_the_first_row_or_none(practice, alice, caseloads):
    """``.first()`` of a builder ending in ``first_of``: as ``.first()``."""

    @prepared
    def first_client(clinician_id: int) -> QuerySet[Client]:
        return first_of(Client.objects.filter(clinician_id=clinician_id))

    expected = Client.objects.filter(clinician_id=alice.pk).first()
    assert first_client.first(alice.pk) == expected
    assert first_client.first(alice.pk + 1000) is None
