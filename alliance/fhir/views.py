"""FHIR R4 endpoints: capability statement, read, search, ``$everything`` and
bulk ``$export`` (docs/fhir.md).

Every answer is FHIR JSON; every error is an OperationOutcome with a 4xx
status. Access is decided by ``alliance.permissions`` (the same rules as the
pages) and every read is audited. The user comes from ``auth.acting_user``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from alliance import permissions
from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.audit.services import record
from alliance.clients.models import Consent
from alliance.fhir import bulk, search
from alliance.fhir.auth import (
    NotAuthenticated,
    TokenRefused,
    acting_user,
    note_bodies_allowed,
    uses_token,
)
from alliance.fhir.capability import capability_statement
from alliance.fhir.models import ExportFile, ExportJob
from alliance.intake.models import ProvisionalDiagnosis
from alliance.measures.models import Administration
from alliance.notes.models import ProgressNote, TherapySession
from alliance.plans.models import Goal, GoalRating, TreatmentPlan

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def outcome(status: int, code: str, message: str) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
    response = fhir_response(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="alliance-fhir"'
    return response


def fhir_response(body: Any, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )


SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def _no_response(request: HttpRequest) -> HttpResponse:  # pragma: no cover
    raise AssertionError("only process_view is used")


def fhir_view(
    view: Callable[..., HttpResponse] | None = None,
    *,
    methods: tuple[str, ...] = ("GET",),
) -> Any:
    """Turn refusals into OperationOutcomes; the session's login redirect is
    replaced by a 401 (an API client cannot follow a login page), and a
    method the endpoint does not take by a 405."""
    if view is None:
        return lambda inner: fhir_view(inner, methods=methods)

    @csrf_exempt
    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A bearer token is not sent by a browser on its own, so token calls
        # need no CSRF token; a session's unsafe call (an export's DELETE) does.
        if not uses_token(request) and request.method not in SAFE_METHODS:
            refused = CsrfViewMiddleware(_no_response).process_view(
                request, _no_response, (), {}
            )
            if refused is not None:
                return outcome(403, "forbidden", "The CSRF check failed.")
        if request.method not in methods:
            response = outcome(
                405, "not-supported", f"This endpoint takes {', '.join(methods)} only."
            )
            response["Allow"] = ", ".join(methods)
            return response
        try:
            acting_user(request)
            return view(request, *args, **kwargs)
        except TokenRefused as refused:
            return outcome(refused.status, "security", refused.detail)
        except NotAuthenticated:
            return outcome(
                401, "login", "Sign in (or present a token) to use the FHIR API."
            )
        except Refusal as refusal:
            return outcome(refusal.status, refusal.code, refusal.message)
        except search.SearchError as error:
            return outcome(400, "invalid", str(error))
        except Http404:
            return outcome(
                404, "not-found", "No such resource, or not one you may read."
            )
        except PermissionDenied:
            return outcome(403, "forbidden", "Your role may not read this.")

    return wrapped


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/")


def _params(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.GET.getlist(key) for key in request.GET}


def _gate(request: HttpRequest, source_type: str) -> User:
    """Which roles reach a type at all: clients nothing yet; practice admins
    the practice, its clinicians, the instruments and the schedule; clinical
    types need a clinical role (403 otherwise, audited)."""
    user = acting_user(request)
    if source_type in ("Organization", "Practitioner", search.QUESTIONNAIRE):
        permissions.require_staff(request)
        return user
    if source_type == "Appointment":
        permissions.require_staff(request)
        return user
    permissions.require_clinician(request)
    if source_type == "DocumentReference" and not note_bodies_allowed(request):
        raise Refusal(403, "forbidden", "This access does not include note bodies.")
    return user


def _source(resource_type: str) -> search.Source | None:
    if resource_type not in search.TYPES:
        raise Refusal(
            404,
            "not-supported",
            f"This server does not serve {resource_type}. It serves: "
            f"{', '.join(search.TYPES)}.",
        )
    return search.SOURCES.get(resource_type)


def _audit_page(
    request: HttpRequest, user: User, action: str, resource_type: str, clients: dict
) -> None:
    if not clients or list(clients) == [None]:
        record(user, action, None, request=request, detail={"type": resource_type})
        return
    for client_uuid, ids in clients.items():
        record(
            user,
            action,
            None,
            request=request,
            client_uuid=client_uuid,
            detail={"type": resource_type, "ids": ids[:50]},
        )


def _bundle(
    request: HttpRequest,
    found: list[dict[str, Any]],
    *,
    total: int | None = None,
    links: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    base = _base(request)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(),
    }
    if total is not None:
        bundle["total"] = total
    bundle["link"] = links or [
        {"relation": "self", "url": request.build_absolute_uri()}
    ]
    bundle["entry"] = [
        {
            "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "search": {"mode": "match"},
        }
        for resource in found
    ]
    if not bundle["entry"]:
        del bundle["entry"]
    return bundle


def _page_links(request: HttpRequest, page: search.Page) -> list[dict[str, str]]:
    params = [(k, v) for k, v in request.GET.lists() if k not in ("_offset", "_count")]
    flat = [(k, value) for k, values in params for value in values]

    def url(offset: int) -> str:
        query = urlencode([*flat, ("_count", page.count), ("_offset", offset)])
        return request.build_absolute_uri(request.path) + "?" + query

    links = [{"relation": "self", "url": url(page.offset)}]
    links.append({"relation": "first", "url": url(0)})
    if page.offset > 0:
        links.append(
            {"relation": "previous", "url": url(max(page.offset - page.count, 0))}
        )
    if page.count and page.offset + page.count < page.total:
        links.append({"relation": "next", "url": url(page.offset + page.count)})
    return links


@require_GET
@login_not_required
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: public, as FHIR expects, and holds no data."""
    return fhir_response(capability_statement(_base(request)))


@fhir_view
def search_type(request: HttpRequest, resource_type: str) -> HttpResponse:
    source = _source(resource_type)
    user = _gate(request, resource_type)
    params = _params(request)
    query = search.parse(resource_type, params)
    if "_since" in params:
        raise search.SearchError(
            "_since belongs to $export and $everything, not search."
        )
    count, offset = search.count_of(params)
    if source is None:  # Questionnaire
        found = search.questionnaires(user)
        if query.ids:
            found = [q for q in found if q["id"] in query.ids]
        if query.updated:
            found = []  # instruments carry no change time
        page = search.Page(
            found[offset : offset + count], {}, len(found), count, offset
        )
    else:
        page = search.search(user, source, query, count, offset)
    _audit_page(request, user, "fhir.search", resource_type, page.clients)
    return fhir_response(
        _bundle(
            request, page.resources, total=page.total, links=_page_links(request, page)
        )
    )


# --- read -----------------------------------------------------------------------------


def _one_from(found: list[dict[str, Any]], ident: str) -> dict[str, Any]:
    for resource in found:
        if resource["id"] == ident:
            return resource
    raise Http404


def _uuid(ident: str) -> Any:
    import uuid as uuid_module

    try:
        return uuid_module.UUID(ident)
    except ValueError:
        raise Http404 from None


def _read_clinical(
    request: HttpRequest, resource_type: str, ident: str
) -> dict[str, Any]:
    """Fetch through the permissions module (access decided and the read
    audited there), then build."""
    from alliance.fhir import resources

    if resource_type == "Patient":
        return resources.patient(permissions.get_client(request, _uuid(ident)))
    if resource_type == "EpisodeOfCare":
        return resources.episode_of_care(permissions.get_episode(request, _uuid(ident)))
    if resource_type == "Appointment":
        return resources.appointment(permissions.get_appointment(request, _uuid(ident)))
    simple: dict[str, tuple[Any, Callable[[Any], dict[str, Any]]]] = {
        "Encounter": (TherapySession.objects.all(), resources.encounter),
        "Condition": (ProvisionalDiagnosis.objects.all(), resources.condition),
        "Goal": (Goal.objects.all(), resources.goal),
        "CarePlan": (TreatmentPlan.objects.all(), resources.care_plan),
        "QuestionnaireResponse": (
            Administration.objects.current(),
            resources.questionnaire_response,
        ),
        "DocumentReference": (
            ProgressNote.objects.filter(signed_at__isnull=False),
            resources.document_reference,
        ),
        "Consent": (Consent.objects.all(), resources.consent),
    }
    if resource_type in simple:
        queryset, build = simple[resource_type]
        return build(permissions.get_clinical(request, queryset, _uuid(ident)))
    # Observation: an administration's panel, total or item, or a GAS rating.
    if ident.startswith("gas-"):
        rating = permissions.get_clinical(
            request, GoalRating.objects.all(), _uuid(ident[4:])
        )
        return resources.gas_observation(rating)
    head = ident[:32] if len(ident) > 33 and ident[32] == "-" else ident
    administration = permissions.get_clinical(
        request, Administration.objects.current(), _uuid(head)
    )
    return _one_from(resources.observations(administration), ident)


@fhir_view
def read(request: HttpRequest, resource_type: str, ident: str) -> HttpResponse:
    source = _source(resource_type)
    user = _gate(request, resource_type)
    if source is None:
        found = search.questionnaires(user, ident)
        resource = _one_from(found, ident)
    elif not source.clinical:
        page = search.search(user, source, search.Query(ids=[ident]), 1, 0)
        resource = _one_from(page.resources, ident)
    else:
        resource = _read_clinical(request, resource_type, ident)
        return fhir_response(resource)
    record(user, "fhir.read", None, request=request, detail={"type": resource_type})
    return fhir_response(resource)


# --- Patient/$everything ---------------------------------------------------------------------


@fhir_view
def everything(request: HttpRequest, ident: str) -> HttpResponse:
    """Everything in the patient's record this server exports, in one
    searchset Bundle (``_type`` and ``_since`` narrow it)."""
    client = permissions.get_client(request, _uuid(ident))
    user = acting_user(request)
    params = _params(request)
    unknown = sorted(set(params) - {"_type", "_since", "_format"})
    if unknown:
        raise search.SearchError(
            f"$everything does not support {', '.join(unknown)}; use _type or _since."
        )
    allowed = [
        t
        for t in search.PATIENT_TYPES
        if t != "DocumentReference" or note_bodies_allowed(request)
    ]
    types = _types(params, allowed)
    since = _since(params)
    found: list[dict[str, Any]] = []
    for kind in types:
        for resource, _ in search.iter_resources(
            user, search.SOURCES[kind], since=since, client=client
        ):
            found.append(resource)
    record(
        user,
        "fhir.everything",
        client,
        request=request,
        detail={"types": types, "count": len(found)},
    )
    return fhir_response(_bundle(request, found, total=len(found)))


def _types(params: dict[str, list[str]], allowed: list[str]) -> list[str]:
    asked = [
        t.strip() for v in params.get("_type", []) for t in v.split(",") if t.strip()
    ]
    if not asked:
        return allowed
    refused = [t for t in asked if t not in allowed]
    if refused:
        raise search.SearchError(
            f"Cannot export {', '.join(refused)} here. Types you may export: "
            f"{', '.join(allowed)}."
        )
    return [t for t in allowed if t in asked]


def _since(params: dict[str, list[str]]) -> Any:
    values = params.get("_since")
    if not values:
        return None
    start, end = search.parse_date(values[-1])
    if start != end:
        raise search.SearchError(
            "_since must be an instant with a time zone, such as 2026-03-01T09:00:00Z."
        )
    return start


# --- bulk $export ------------------------------------------------------------------------------

OUTPUT_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")


def _kick_off(request: HttpRequest, level: str) -> HttpResponse:
    user = acting_user(request)
    if level == ExportJob.Level.PATIENT:
        permissions.require_clinician(request)
    else:
        permissions.require_staff(request)
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise Refusal(
            400,
            "invalid",
            "Bulk export runs in the background: send Prefer: respond-async.",
        )
    accept = request.headers.get("Accept", FHIR_JSON)
    if not any(kind in accept for kind in (FHIR_JSON, "application/json", "*/*")):
        raise Refusal(400, "invalid", f"Send Accept: {FHIR_JSON}.")
    params = _params(request)
    unknown = sorted(set(params) - {"_type", "_since", "_outputFormat"})
    if unknown:
        raise search.SearchError(
            f"This server's $export does not support {', '.join(unknown)}; "
            "use _type, _since or _outputFormat."
        )
    formats = params.get("_outputFormat")
    if formats and formats[-1] not in OUTPUT_FORMATS:
        raise search.SearchError("The only output format is application/fhir+ndjson.")
    bodies = note_bodies_allowed(request)
    if level == ExportJob.Level.PATIENT:
        allowed = [
            t for t in search.PATIENT_TYPES if bodies or t != "DocumentReference"
        ]
    elif user.is_clinical:
        allowed = bulk.exportable_types(user, bodies)
    else:
        # The practice admin: the practice, its clinicians, the instruments
        # and the schedule, as on the pages; no clinical record.
        allowed = ["Organization", "Practitioner", search.QUESTIONNAIRE, "Appointment"]
    job = bulk.start_export(
        user,
        level=level,
        types=_types(params, allowed),
        since=_since(params),
        request_url=request.build_absolute_uri(),
    )
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        f"/fhir/$export-status/{job.uuid}"
    )
    return response


@fhir_view
def export(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, ExportJob.Level.SYSTEM)


@fhir_view
def patient_export(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, ExportJob.Level.PATIENT)


def _own_job(request: HttpRequest, uuid: Any) -> ExportJob:
    user = acting_user(request)
    permissions.require_staff(request)
    job = ExportJob.objects.filter(uuid=uuid).first()
    if job is None or job.status == ExportJob.Status.CANCELLED:
        raise Http404
    if job.requested_by_id != user.pk:
        _refuse_job(request, user, job)
    return job


def _refuse_job(request: HttpRequest, user: User, job: ExportJob) -> None:
    """Someone else's export: audited, then 404 like a missing one."""
    record(
        user,
        "fhir.export_status",
        job,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"status": 404},
    )
    raise Http404


@fhir_view(methods=("GET", "DELETE"))
def export_status(request: HttpRequest, uuid: Any) -> HttpResponse:
    job = _own_job(request, uuid)
    if request.method == "DELETE":
        bulk.cancel_export(job, by=acting_user(request))
        return outcome_accepted()
    if not job.is_finished:
        response = HttpResponse(status=202)
        response["X-Progress"] = job.progress or job.get_status_display()
        response["Retry-After"] = "5"
        return response
    files = list(job.files.order_by("id"))
    record(acting_user(request), "fhir.export_status", None, request=request)

    def entry(item: ExportFile) -> dict[str, Any]:
        return {
            "type": item.resource_type,
            "url": request.build_absolute_uri(f"/fhir/$export-file/{item.uuid}"),
            "count": item.count,
        }

    manifest = {
        "transactionTime": job.transaction_time.isoformat()
        if job.transaction_time
        else "",
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [entry(f) for f in files if f.resource_type != "OperationOutcome"],
        "error": [entry(f) for f in files if f.resource_type == "OperationOutcome"],
    }
    return HttpResponse(
        json.dumps(manifest), content_type="application/json; charset=utf-8"
    )


def outcome_accepted() -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "information",
                "code": "informational",
                "diagnostics": "The export was cancelled and its files deleted.",
            }
        ],
    }
    return fhir_response(body, status=202)


@fhir_view
def export_file(request: HttpRequest, uuid: Any) -> HttpResponse:
    user = acting_user(request)
    permissions.require_staff(request)
    item = (
        ExportFile.objects.select_related("job")
        .filter(uuid=uuid)
        .exclude(job__status=ExportJob.Status.CANCELLED)
        .first()
    )
    if item is None:
        raise Http404
    if item.job.requested_by_id != user.pk:
        _refuse_job(request, user, item.job)
    for client_uuid in item.client_uuids:
        record(
            user,
            "fhir.export_download",
            item.job,
            request=request,
            client_uuid=client_uuid,
            detail={"type": item.resource_type, "file": str(item.uuid)},
        )
    if not item.client_uuids:
        record(
            user,
            "fhir.export_download",
            item.job,
            request=request,
            detail={"type": item.resource_type, "file": str(item.uuid)},
        )
    return HttpResponse(item.content, content_type=f"{NDJSON}; charset=utf-8")
