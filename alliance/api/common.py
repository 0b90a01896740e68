"""Cursor pagination, ETags and list auditing shared by the API's resources."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import models
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import field_validator

from alliance.api.problems import Problem
from alliance.audit.services import record

MAX_LIMIT = 100
DEFAULT_LIMIT = 50


def page(
    queryset: models.QuerySet[Any],
    *,
    cursor: str | None,
    limit: int,
    resource: str,
) -> tuple[list[Any], str | None]:
    """One page in a stable order (creation order: the primary key). The cursor
    is opaque and signed: a cursor from another list, or one tampered with, is
    refused (400) rather than guessed at."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Problem(
            422,
            "invalid",
            "Invalid request",
            f"limit must be between 1 and {MAX_LIMIT}.",
            errors=[{"field": "limit", "message": f"Between 1 and {MAX_LIMIT}."}],
        )
    salt = f"alliance.api.cursor.{resource}"
    queryset = queryset.order_by("pk")
    if cursor:
        try:
            after = int(signing.loads(cursor, salt=salt))
        except (signing.BadSignature, ValueError, TypeError):
            raise Problem(
                400,
                "bad-cursor",
                "Bad cursor",
                "This cursor was not given by this list; start again without one.",
                errors=[{"field": "cursor", "message": "Not a cursor of this list."}],
            ) from None
        queryset = queryset.filter(pk__gt=after)
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (signing.dumps(rows[-1].pk, salt=salt) if more else None)


def audit_list(
    request: HttpRequest,
    action: str,
    rows: list[Any],
    *,
    obj: models.Model | None = None,
    client_uuid: Any = None,
) -> None:
    """A list read, naming the objects shown (as the pages' lists do)."""
    record(
        request.user,
        action,
        obj,
        request=request,
        client_uuid=client_uuid,
        detail={"count": len(rows), "objects": [str(r.uuid) for r in rows]},
    )


def etag(value: Any) -> str:
    return f'"{value}"'


def set_etag(response: HttpResponse, value: Any) -> None:
    response["ETag"] = etag(value)


def require_if_match(request: HttpRequest, current: Any) -> None:
    """A change must say which version it was made against: no If-Match is
    428, a different one 412 (RFC 9110 13.1.1); the write never happens."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise Problem(
            428,
            "if-match-required",
            "If-Match required",
            "Send the ETag you read in an If-Match header, so a change made "
            "meanwhile is not overwritten.",
        )
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    if "*" not in tags and etag(current) not in tags:
        raise Problem(
            412,
            "stale",
            "Changed meanwhile",
            "The record was changed after you read it, so nothing was saved. Read "
            "it again and send your change with its new ETag.",
        )


class InSchema(Schema):
    """A request body. Text with a NUL character is refused (422), as Django's
    form fields refuse it: PostgreSQL cannot store it."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        if isinstance(value, list) and any(
            isinstance(item, str) and "\x00" in item for item in value
        ):
            raise ValueError("Null characters are not allowed.")
        return value
