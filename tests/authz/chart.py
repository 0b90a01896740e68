"""Matrix cases for the pages the chart composes (alliance.chart): the client
chart (summary, episode page and each section), the homework review, the alert review and the session page."""

from __future__ import annotations

from alliance.chart.selectors import SECTIONS
from tests.authz import case, clinical

# The "client", "episode" and "alert" kinds are registered in tests/authz/core.py,
# the session and note kinds in tests/authz/notes.py.
case("chart:client", **clinical(), kind="client")
case("chart:episode", **clinical(), kind="client")
# Each section of the chart: the same rule as the summary.
for _slug, _label in SECTIONS:
    case(
        "chart:section",
        **clinical(),
        kind="client",
        kwargs=lambda obj, slug=_slug: {"uuid": obj.uuid, "section": slug},
    )
case("chart:homework_review", **clinical(), kind="episode")
case("chart:alert", **clinical(), kind="alert")
case("chart:alert", **clinical(200, write=True), kind="alert", method="POST")

SAVED = (200, 302)  # htmx gets the #note-body partial, a plain POST a redirect
case("chart:session", **clinical(), kind="therapy_session")
case("chart:note_edit", **clinical(write=True), kind="progress_note")
case(
    "chart:note_edit",
    **clinical(SAVED, write=True),
    kind="progress_note",
    method="POST",
    data={"version": 1, "section_1": "Edited."},
)
case(
    "chart:note_sign",
    **clinical(SAVED, write=True),
    kind="complete_note",
    method="POST",
    data={"version": 2},
)
# Read access reaches the co-sign action; the service accepts only the author's
# supervisor and explains the refusal to anyone else who may read the note.
case("chart:note_cosign", **clinical(SAVED), kind="signed_note", method="POST")
case(
    "chart:note_addendum",
    **clinical(SAVED, write=True),
    kind="signed_note",
    method="POST",
    data={"text": "Later information."},
)
