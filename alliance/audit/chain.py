"""The audit hash chain: how an event's hash is computed and how the whole log
is checked.

Each event stores ``seq`` (1, 2, 3, ... with no gaps), ``prev_hash`` (the hash
of event ``seq - 1``, empty for the first) and ``hash`` = SHA-256 over a
canonical JSON form of its own fields plus ``prev_hash``. Changing any stored
field of any event, removing an event from the middle, or inserting one out of
line breaks the chain at that event, and ``verify()`` names it.

What it does not prove: someone with full database access who recomputes every
hash from the altered event to the end, and rewrites the chain-head row, leaves
a chain that verifies. Against that, keep the printed head (``seq:hash``)
somewhere else (the nightly job's log, a ticket) and pass it back with
``alliance audit-verify --anchor SEQ:HASH``: every later chain must still
contain that exact event. We chose anchors over a keyed HMAC: a key on the same
server is read by whoever can read the database credentials next to it, and a
lost or rotated key would leave history unverifiable.

This module is pure functions of plain values, so migration 0004 can use it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

VERSION = 1
# The fields an event's hash covers, by their column names.
FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "actor_role",
    "practice_id",
    "action",
    "object_type",
    "object_uuid",
    "client_uuid",
    "ip",
    "outcome",
    "detail",
)


def clean(value: Any) -> Any:
    """The value with every control character (NUL, escape, CR, LF, ...)
    replaced by U+FFFD, in strings, list items and dict keys alike.
    PostgreSQL's JSON refuses NUL outright, and the others have no business in
    a log line (log injection). Tab stays."""
    if isinstance(value, str):
        if value.isprintable():
            return value
        return "".join(
            "\ufffd" if unicodedata.category(ch) == "Cc" and ch != "\t" else ch
            for ch in value
        )
    if isinstance(value, Mapping):
        return {clean(str(k)): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _uuid(value: Any) -> str | None:
    return None if value in (None, "") else str(uuid.UUID(str(value)))


def canonical(row: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed form of an event's fields: UTC timestamps to the microsecond,
    UUIDs as lower-case text, ``detail`` as its JSON value."""
    out = {name: _text(row.get(name)) for name in FIELDS}
    out["object_uuid"] = _uuid(row.get("object_uuid"))
    out["client_uuid"] = _uuid(row.get("client_uuid"))
    detail = row.get("detail")
    if isinstance(detail, str):  # a raw JSON column read without the field
        detail = json.loads(detail)
    out["detail"] = detail if detail is not None else {}
    return out


def event_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    payload = json.dumps(
        {"v": VERSION, "event": canonical(row), "prev": prev_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class Result:
    events: int = 0
    head_seq: int = 0
    head_hash: str = ""
    # The first event where the chain breaks, and why.
    broken_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""
    anchors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem

    def summary(self) -> str:
        if self.ok and not self.events:
            return "The audit log is intact: it holds no events yet."
        if self.ok:
            return (
                f"The audit log is intact: {self.events} events, chained from 1 to "
                f"{self.head_seq}. Head: {self.head_seq}:{self.head_hash}"
            )
        where = (
            f"event id {self.broken_id} (position {self.broken_seq})"
            if self.broken_id is not None
            else "the end of the log"
        )
        return f"The audit log is broken at {where}: {self.problem}"


def verify(
    rows: Iterable[Mapping[str, Any]],
    *,
    head: tuple[int, str] | None = None,
    anchors: Iterable[tuple[int, str]] = (),
) -> Result:
    """Check rows given in ``seq`` order (unchained rows, seq None, last).

    ``head`` is the chain-head row's (seq, hash); ``anchors`` are (seq, hash)
    pairs kept outside the database that must still be in the chain.
    """
    wanted = dict(anchors)
    result = Result()
    prev = ""
    expected_seq = 1

    def broken(row: Mapping[str, Any], problem: str) -> Result:
        result.broken_id = row.get("id")
        result.broken_seq = row.get("seq")
        result.problem = problem
        return result

    for row in rows:
        seq = row.get("seq")
        if seq is None:
            return broken(row, "it is not in the chain (written around the app).")
        if seq != expected_seq:
            if seq > expected_seq:
                gap = (
                    f"event {expected_seq} is missing"
                    if seq == expected_seq + 1
                    else f"events {expected_seq} to {seq - 1} are missing"
                )
                return broken(row, f"{gap} just before it.")
            return broken(row, f"its position {seq} repeats an earlier one.")
        if row.get("prev_hash", "") != prev:
            return broken(row, "it does not point at the event before it.")
        computed = event_hash(row, prev)
        if row.get("hash") != computed:
            return broken(row, "its content was changed after it was written.")
        if seq in wanted:
            if wanted.pop(seq) != computed:
                return broken(row, "it differs from the anchor kept outside.")
            result.anchors.append(f"{seq}:{computed}")
        prev = computed
        expected_seq += 1
        result.events += 1
        result.head_seq, result.head_hash = seq, computed
    if wanted:
        seq = min(wanted)
        result.broken_seq = seq
        result.problem = f"the anchored event {seq} is no longer in the log."
        return result
    if head is not None and head[0] > result.head_seq:
        result.problem = (
            f"the log ends at {result.head_seq} but the chain head says "
            f"{head[0]}: events were removed from the end."
        )
    elif head is not None and head[0] == result.head_seq and head[1] != prev:
        result.problem = "the chain head does not match the last event."
    return result
