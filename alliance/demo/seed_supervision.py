"""The demo's supervision records: Sam's sessions with Alice and Ben, from
``data/supervision.json``. Each names the first few of the supervisee's
clients in treatment. Each is written on the day it was held, so it reads as
written; some are marked final as well."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from pydantic import Field

from alliance.accounts.models import User
from alliance.clients.models import Client, Episode
from alliance.demo.stories import Model, read
from alliance.supervision.models import SupervisionSession
from alliance.supervision.services import (
    SessionInput,
    finalise_session,
    record_session,
    set_action_done,
)


class _Action(Model):
    text: str = Field(min_length=1)
    done: bool


class _Session(Model):
    supervisee: str
    days_ago: int = Field(ge=0)
    clients: int = Field(ge=0)
    final: bool
    notes: str
    actions: tuple[_Action, ...]


class _SupervisionFile(Model):
    about: str = Field(alias="_about")
    sessions: tuple[_Session, ...]


def supervision_texts() -> _SupervisionFile:
    texts: _SupervisionFile = read("supervision.json", _SupervisionFile)
    return texts


def seed_supervision(
    clients: list[tuple[Client, str]], *, staff: dict[str, User], now: datetime
) -> list[SupervisionSession]:
    sam = staff["sam"]
    practice = sam.practice
    assert practice is not None  # noqa: S101  # the demo's staff belong to it
    made = []
    for text in supervision_texts().sessions:
        supervisee = staff[text.supervisee]
        theirs = [
            c
            for c, phase in clients
            if phase == Episode.Phase.ACTIVE and c.clinician_id == supervisee.pk
        ][: text.clients]
        held_on = practice.today(now) - timedelta(days=text.days_ago)
        session = record_session(
            sam,
            supervisee,
            SessionInput(
                held_on=held_on,
                clients=theirs,
                actions=[a.text for a in text.actions],
                notes=text.notes,
            ),
        )
        # Written on the day it was held, at the end of the afternoon.
        written = datetime.combine(held_on, time(17, 0), tzinfo=practice.zone)
        SupervisionSession.objects.filter(pk=session.pk).update(
            created_at=written, updated_at=written
        )
        session.refresh_from_db()
        if text.final:
            finalise_session(session, by=sam)
        for action, wanted in zip(session.actions.all(), text.actions, strict=True):
            if wanted.done:
                set_action_done(action, True, by=supervisee)
        made.append(session)
    return made
