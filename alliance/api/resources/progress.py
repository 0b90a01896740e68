"""Progress notes: what exists is listed with the general scopes; what a note
says only with the ``notes`` scope. Psychotherapy process notes have no route."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from alliance import permissions
from alliance.accounts.tokens import NOTES, user_for_bearer
from alliance.api.common import DEFAULT_LIMIT, audit_list, page
from alliance.notes.models import ProgressNote

router = Router(tags=["progress notes"])


class NoteOut(Schema):
    uuid: UUID
    episode: UUID
    author: UUID
    structure: str
    created_at: datetime
    signed_at: datetime | None


class NotePage(Schema):
    items: list[NoteOut]
    next: str | None = None


class Section(Schema):
    field: str
    label: str
    text: str


class NoteBody(NoteOut):
    sections: list[Section]


def note_out(note: ProgressNote) -> dict[str, Any]:
    return {
        "uuid": note.uuid,
        "episode": note.episode.uuid,
        "author": note.author.uuid,
        "structure": note.structure,
        "created_at": note.created_at,
        "signed_at": note.signed_at,
    }


@router.get(
    "/clients/{uuid}/progress-notes",
    response=NotePage,
    url_name="note_list",
    summary="A client's progress notes (without their text)",
)
def note_list(
    request: HttpRequest,
    uuid: UUID,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    client = permissions.get_client(request, uuid)
    queryset = ProgressNote.objects.filter(episode__client=client).select_related(
        "episode", "author"
    )
    rows, following = page(queryset, cursor=cursor, limit=limit, resource="notes")
    audit_list(request, "progressnote.list", rows, obj=client)
    return {"items": [note_out(n) for n in rows], "next": following}


@router.get(
    "/progress-notes/{uuid}",
    response=NoteBody,
    url_name="note_detail",
    summary="A progress note with its text (notes scope)",
)
def note_detail(request: HttpRequest, uuid: UUID):
    """Needs a token with the ``notes`` scope; the read is audited like the
    note's page."""
    user_for_bearer(request, NOTES)
    note = permissions.get_clinical(
        request, ProgressNote.objects.select_related("episode", "author"), uuid
    )
    return {
        **note_out(note),
        "sections": [
            {"field": name, "label": label, "text": text}
            for name, label, _prompt, text in note.sections()
        ],
    }
