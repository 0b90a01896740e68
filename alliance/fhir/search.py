"""Which rows each FHIR resource type comes from, and searching them.

A ``Source`` is one resource type: one or more ``Part``s (Observation comes
from administrations and from goal ratings), each a queryset of the rows a
user may read (``alliance.permissions`` decides: ``clients_readable_by``,
``appointments_readable_by``), how to build resources from a row, where its
client is, when it last changed and which date ``date`` searches.

Search parameters (docs/fhir.md): ``_id``, ``patient`` (and ``subject``),
``_lastUpdated``, ``date`` where a type has a natural date, ``_count`` and
``_offset`` for paging; anything else is refused with a clear message.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from alliance import permissions
from alliance.accounts.models import Practice, User
from alliance.clients.models import Client, Consent, Episode
from alliance.fhir import resources
from alliance.intake.models import ProvisionalDiagnosis
from alliance.measures.engine import all_instruments
from alliance.measures.models import Administration, AdministrationQuerySet
from alliance.notes.models import ProgressNote, TherapySession
from alliance.plans.models import Goal, GoalRating, TreatmentPlan
from alliance.scheduling.models import Appointment

DEFAULT_COUNT = 50
MAX_COUNT = 200
MAX_OFFSET = 1_000_000_000
UPDATED = "fhir_updated"


class SearchError(ValueError):
    """A search the server cannot run: the message says why (400)."""


def _uuid_q(field_name: str) -> Callable[[str], models.Q | None]:
    def lookup(ident: str) -> models.Q | None:
        try:
            return models.Q(**{field_name: uuid_module.UUID(ident)})
        except ValueError:
            return None

    return lookup


@dataclass(frozen=True)
class Part:
    rows: Callable[[User], models.QuerySet]
    build: Callable[[Any], list[dict[str, Any]]]
    client_path: str | None
    updated: Any
    ids: Callable[[str], models.Q | None]
    date: str | None = None
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    type: str
    parts: tuple[Part, ...]
    clinical: bool = True
    # The search parameters this type accepts besides the common ones.
    params: tuple[str, ...] = field(default=())
    # Needs the note-bodies scope (DocumentReference).
    note_bodies: bool = False

    @property
    def has_patient(self) -> bool:
        return all(part.client_path is not None for part in self.parts)

    @property
    def has_date(self) -> bool:
        return all(part.date is not None for part in self.parts)


def _caseload(
    path: str,
) -> Callable[[type[models.Model]], Callable[[User | None], models.QuerySet[Any]]]:
    """Rows whose client (at ``path``) the user may read."""

    def rows_for(
        model: type[models.Model],
    ) -> Callable[[User | None], models.QuerySet[Any]]:
        def rows(user: User | None) -> models.QuerySet[Any]:
            manager = model.objects  # type: ignore[attr-defined]  # each model passed declares objects
            if user is None:  # one client's copy: the caller decided access
                return manager.all()
            return manager.filter(
                **{f"{path}__in": permissions.clients_readable_by(user)}
            )

        return rows

    return rows_for


def _one(
    build: Callable[[Any], dict[str, Any]],
) -> Callable[[Any], list[dict[str, Any]]]:
    return lambda row: [build(row)]


def _practice_rows(user: User) -> models.QuerySet:
    if not user.is_staff_member:
        return Practice.objects.none()
    return Practice.objects.filter(pk=user.practice_id)  # type: ignore[misc]  # None: IS NULL, as at run time


def _practitioner_rows(user: User) -> models.QuerySet:
    if not user.is_staff_member:
        return User.objects.none()
    return User.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
        practice_id=user.practice_id, role__in=User.CLINICAL_ROLES
    )


def _patient_rows(user: User | None) -> models.QuerySet:
    if user is None:
        return Client.objects.all()
    return permissions.clients_readable_by(user)


def _appointment_rows(user: User | None) -> models.QuerySet:
    if user is None:
        return Appointment.objects.all()
    return permissions.appointments_readable_by(user, Appointment.objects.all())


def _administration_rows(user: User | None) -> models.QuerySet:
    rows = cast(AdministrationQuerySet, _caseload("client")(Administration)(user))
    return rows.current()


def _observation_ids(ident: str) -> models.Q | None:
    """An administration's panel id (its UUID), or "<hex>-total"/"<hex>-<item>"."""
    head = ident[:32] if len(ident) > 33 and ident[32] == "-" else ident
    try:
        return models.Q(uuid=uuid_module.UUID(head))
    except ValueError:
        return None


def _gas_ids(ident: str) -> models.Q | None:
    if not ident.startswith("gas-"):
        return None
    return _uuid_q("uuid")(ident[4:])


def _administration_ids(ident: str) -> models.Q | None:
    if ident.startswith("gas-"):
        return None
    return _observation_ids(ident)


def _signed_notes(user: User | None) -> models.QuerySet:
    return _caseload("episode__client")(ProgressNote)(user).filter(
        signed_at__isnull=False
    )


def _plans(user: User | None) -> models.QuerySet:
    return _caseload("episode__client")(TreatmentPlan)(user)


SOURCES: dict[str, Source] = {
    source.type: source
    for source in (
        Source(
            "Organization",
            (
                Part(
                    _practice_rows,
                    _one(resources.organization),
                    None,
                    models.Value(None, output_field=models.DateTimeField()),
                    _uuid_q("uuid"),
                ),
            ),
            clinical=False,
        ),
        Source(
            "Practitioner",
            (
                Part(
                    _practitioner_rows,
                    _one(resources.practitioner),
                    None,
                    models.Value(None, output_field=models.DateTimeField()),
                    _uuid_q("uuid"),
                ),
            ),
            clinical=False,
        ),
        Source(
            "Patient",
            (
                Part(
                    _patient_rows,
                    _one(resources.patient),
                    "",
                    models.F("created_at"),
                    _uuid_q("uuid"),
                    related=("practice", "clinician"),
                ),
            ),
        ),
        Source(
            "EpisodeOfCare",
            (
                Part(
                    _caseload("client")(Episode),
                    _one(resources.episode_of_care),
                    "client",
                    Coalesce("closed_at", "opened_at"),
                    _uuid_q("uuid"),
                    date="opened_at",
                    related=("client__practice", "clinician"),
                ),
            ),
        ),
        Source(
            "Encounter",
            (
                Part(
                    _caseload("client")(TherapySession),
                    _one(resources.encounter),
                    "client",
                    models.F("created_at"),
                    _uuid_q("uuid"),
                    date="held_at",
                    related=("appointment", "client__practice", "episode", "clinician"),
                ),
            ),
        ),
        Source(
            "Appointment",
            (
                Part(
                    _appointment_rows,
                    _one(resources.appointment),
                    "client",
                    models.F("created_at"),
                    _uuid_q("uuid"),
                    date="starts_at",
                    related=("client", "clinician"),
                ),
            ),
        ),
        Source(
            "Condition",
            (
                Part(
                    _caseload("intake__episode__client")(ProvisionalDiagnosis),
                    _one(resources.condition),
                    "intake__episode__client",
                    Coalesce("intake__completed_at", "intake__created_at"),
                    _uuid_q("uuid"),
                    related=(
                        "intake__episode__client",
                        "intake__completed_by",
                        "intake__created_by",
                    ),
                ),
            ),
        ),
        Source(
            "Goal",
            (
                Part(
                    _caseload("episode__client")(Goal),
                    _one(resources.goal),
                    "episode__client",
                    Coalesce("status_at", "created_at"),
                    _uuid_q("uuid"),
                    related=("episode__client",),
                ),
            ),
        ),
        Source(
            "CarePlan",
            (
                Part(
                    _plans,
                    _one(resources.care_plan),
                    "episode__client",
                    Coalesce("current__created_at", "created_at"),
                    _uuid_q("uuid"),
                    related=(
                        "episode__client",
                        "current__created_by",
                        "created_by",
                    ),
                    prefetch=("current__goals",),
                ),
            ),
        ),
        Source(
            "QuestionnaireResponse",
            (
                Part(
                    _administration_rows,
                    _one(resources.questionnaire_response),
                    "client",
                    Coalesce("submitted_at", "saved_at"),
                    _uuid_q("uuid"),
                    date="taken_at",
                    related=("client", "entered_by"),
                ),
            ),
        ),
        Source(
            "Observation",
            (
                Part(
                    _administration_rows,
                    resources.observations,
                    "client",
                    Coalesce("submitted_at", "saved_at"),
                    _administration_ids,
                    date="taken_at",
                    related=("client", "entered_by"),
                ),
                Part(
                    _caseload("goal__episode__client")(GoalRating),
                    _one(resources.gas_observation),
                    "goal__episode__client",
                    models.F("rated_at"),
                    _gas_ids,
                    date="rated_at",
                    related=("goal__episode__client", "rated_by", "session"),
                ),
            ),
        ),
        Source(
            "DocumentReference",
            (
                Part(
                    _signed_notes,
                    _one(resources.document_reference),
                    "episode__client",
                    Coalesce("cosigned_at", "signed_at"),
                    _uuid_q("uuid"),
                    date="signed_at",
                    related=(
                        "session__client",
                        "author",
                        "signed_by",
                        "cosigned_by",
                    ),
                    prefetch=("addenda__author",),
                ),
            ),
            note_bodies=True,
        ),
        Source(
            "Consent",
            (
                Part(
                    _caseload("episode__client")(Consent),
                    _one(resources.consent),
                    "episode__client",
                    Coalesce("withdrawn_at", "recorded_at"),
                    _uuid_q("uuid"),
                    date="given_at",
                    related=("episode__client__practice", "consent_text"),
                ),
            ),
        ),
    )
}
# Questionnaire comes from the instrument catalogue, not from rows.
QUESTIONNAIRE = "Questionnaire"
TYPES = sorted([*SOURCES, QUESTIONNAIRE])
# Types with client data, in the order bulk export and $everything write them.
PATIENT_TYPES = [
    "Patient",
    "EpisodeOfCare",
    "Encounter",
    "Appointment",
    "Condition",
    "Goal",
    "CarePlan",
    "QuestionnaireResponse",
    "Observation",
    "DocumentReference",
    "Consent",
]
COMMON = {"_id", "_lastUpdated", "_count", "_offset", "_format", "_since"}


def questionnaires(user: User, ident: str | None = None) -> list[dict[str, Any]]:
    if not user.is_staff_member:
        return []
    # Retired instruments too (status "retired"): earlier answers refer to them.
    found = [resources.questionnaire(instrument) for instrument in all_instruments()]
    if ident is not None:
        found = [q for q in found if q["id"] == ident]
    return found


# --- parameters ------------------------------------------------------------------------


def parse_date(value: str) -> tuple[datetime, datetime]:
    """A FHIR date or dateTime as the range of instants it covers
    (UTC for dates without a zone)."""
    value = value.strip()
    try:
        if len(value) == 4:
            start = datetime(int(value), 1, 1, tzinfo=UTC)
            return start, start.replace(year=start.year + 1)
        if len(value) == 7:
            year, month = int(value[:4]), int(value[5:7])
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            return start, end
        if len(value) == 10:
            start = datetime.combine(date.fromisoformat(value), time(0), UTC)
            return start, start + timedelta(days=1)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SearchError(
            f"“{value}” is not a FHIR date: use YYYY, YYYY-MM, YYYY-MM-DD or a "
            "date and time with a time zone, such as 2026-03-01T09:00:00Z."
        )
    return moment, moment


PREFIXES = ("eq", "ge", "gt", "le", "lt")


def date_q(path: Any, raw: str, name: str) -> models.Q:
    prefix = raw[:2] if raw[:2] in PREFIXES else "eq"
    value = raw[2:] if raw[:2] in PREFIXES else raw
    if not value:
        raise SearchError(f"Give a date after the prefix in {name}.")
    start, end = parse_date(value)
    exact = start == end
    if prefix == "eq":
        if exact:
            return models.Q(**{path: start})
        return models.Q(**{f"{path}__gte": start, f"{path}__lt": end})
    if prefix == "ge":
        return models.Q(**{f"{path}__gte": start})
    if prefix == "gt":
        return models.Q(**{f"{path}__gt" if exact else f"{path}__gte": end})
    if prefix == "le":
        return models.Q(**{f"{path}__lte" if exact else f"{path}__lt": end})
    return models.Q(**{f"{path}__lt": start})


def reference_uuid(value: str, kind: str = "Patient") -> uuid_module.UUID:
    raw = value.strip()
    if raw.startswith(f"{kind}/"):
        raw = raw[len(kind) + 1 :]
    try:
        return uuid_module.UUID(raw)
    except ValueError:
        raise SearchError(
            f"“{value}” is not a {kind} reference: use {kind}/<id> with an id "
            "this server gave."
        ) from None


def count_of(params: dict[str, list[str]]) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        values = params.get(name)
        if not values:
            return default
        try:
            found = int(values[-1])
        except ValueError:
            raise SearchError(f"{name} must be a whole number.") from None
        if found < 0:
            raise SearchError(f"{name} cannot be negative.")
        if found > MAX_OFFSET:
            raise SearchError(f"{name} must be at most {MAX_OFFSET}.")
        return found

    return min(number("_count", DEFAULT_COUNT), MAX_COUNT), number("_offset", 0)


@dataclass
class Query:
    """A parsed search: filters per part (applied to every part alike)."""

    ids: list[str] = field(default_factory=list)
    patient: uuid_module.UUID | None = None
    updated: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


def parse(source_type: str, params: dict[str, list[str]]) -> Query:
    source = SOURCES.get(source_type)
    allowed = set(COMMON)
    if source is not None and source.has_patient and source.type != "Patient":
        allowed |= {"patient", "subject"}
    if source is not None and source.has_date:
        allowed.add("date")
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise SearchError(
            f"This server does not support the search parameter "
            f"{', '.join(unknown)} on {source_type}. Supported: "
            f"{', '.join(sorted(allowed - {'_format', '_since'}))}."
        )
    fmt = params.get("_format", [])
    if fmt and fmt[-1] not in ("json", "application/json", "application/fhir+json"):
        raise SearchError("This server answers in JSON only (_format=json).")
    query = Query()
    for value in params.get("_id", []):
        query.ids += [part for part in value.split(",") if part]
    patients = params.get("patient", []) + params.get("subject", [])
    if len(set(patients)) > 1:
        raise SearchError("Give one patient per search.")
    if patients:
        query.patient = reference_uuid(patients[0])
    query.updated = params.get("_lastUpdated", [])
    query.dates = params.get("date", [])
    return query


# --- running -------------------------------------------------------------------------------


def part_rows(
    part: Part,
    user: User,
    query: Query,
    *,
    since: datetime | None = None,
    client: Client | None = None,
) -> models.QuerySet:
    rows = part.rows(user).annotate(**{UPDATED: part.updated})
    if part.related:
        rows = rows.select_related(*part.related)
    if part.prefetch:
        rows = rows.prefetch_related(*part.prefetch)
    if query.ids:
        lookups = [q for q in (part.ids(ident) for ident in query.ids) if q is not None]
        if not lookups:
            return rows.none()
        combined = lookups[0]
        for q in lookups[1:]:
            combined |= q
        rows = rows.filter(combined)
    path = part.client_path
    if query.patient is not None and path is not None:
        rows = rows.filter(**{f"{path}__uuid" if path else "uuid": query.patient})
    if client is not None and path is not None:
        rows = rows.filter(**{path or "pk": client.pk})
    for raw in query.updated:
        rows = rows.filter(date_q(UPDATED, raw, "_lastUpdated"))
    if since is not None:
        rows = rows.filter(**{f"{UPDATED}__gt": since})
    for raw in query.dates:
        rows = rows.filter(date_q(part.date, raw, "date"))
    return rows.order_by("pk")


def client_uuid_of(part: Part, row: Any) -> Any:
    if part.client_path is None:
        return None
    holder = row
    for hop in filter(None, part.client_path.split("__")):
        holder = getattr(holder, hop)
    return holder.uuid


@dataclass
class Page:
    resources: list[dict[str, Any]]
    clients: dict[Any, list[str]]
    total: int
    count: int
    offset: int


def search(user: User, source: Source, query: Query, count: int, offset: int) -> Page:
    """One page of ``count`` rows from ``offset`` across the source's parts
    (for Observation a row is an administration or a goal rating)."""
    found: list[dict[str, Any]] = []
    clients: dict[Any, list[str]] = {}
    counted = [(part, part_rows(part, user, query)) for part in source.parts]
    sizes = [rows.count() for _, rows in counted]
    total = sum(sizes)
    skip, left = offset, count
    for (part, rows), size in zip(counted, sizes, strict=True):
        if skip >= size:
            skip -= size
            continue
        if left <= 0:
            break
        chunk = list(rows[skip : skip + left])
        skip = 0
        left -= len(chunk)
        for row in chunk:
            built = part.build(row)
            found += built
            clients.setdefault(client_uuid_of(part, row), []).extend(
                r["id"] for r in built
            )
    return Page(found, clients, total, count, offset)


def iter_resources(
    user: User,
    source: Source,
    *,
    since: datetime | None = None,
    client: Client | None = None,
    chunk: int = 200,
) -> Iterator[tuple[dict[str, Any], Any]]:
    """Every resource of the type the user may read, with its client's UUID."""
    for part in source.parts:
        rows = part_rows(part, user, Query(), since=since, client=client)
        last = 0
        while True:
            batch = list(rows.filter(pk__gt=last)[:chunk])
            if not batch:
                break
            last = batch[-1].pk
            for row in batch:
                for resource in part.build(row):
                    yield resource, client_uuid_of(part, row)


def client_bundle(client: Client, types: list[str]) -> dict[str, Any]:
    """One client's record as a ``collection`` Bundle of ``types`` (of
    ``PATIENT_TYPES``), for the client's own copy and record exports
    (``alliance.exports``). The caller has decided that whoever asked may
    have this client's record; every row here is filtered to the client."""
    entries = []
    base = resources.canonical_base()
    for kind in types:
        for resource, _ in iter_resources(None, SOURCES[kind], client=client):  # type: ignore[arg-type]
            entries.append(
                {
                    "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
                    "resource": resource,
                }
            )
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "total": len(entries),
    }
    if entries:
        bundle["entry"] = entries
    return bundle
