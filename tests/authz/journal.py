"""Matrix cases for the journal. The portal pages are the signed-in client's
own (staff 403; another client's entry 404, like a missing one). The
clinician's page of shared entries takes the client's UUID and follows
``clinical``: the supervisor reads, another clinician gets 404, admins and
clients 403."""

from __future__ import annotations

from tests.authz import case, clinical, kind
from tests.authz.portal import portal_object, portal_page


def _entry(world, side):
    from alliance.journal.models import JournalEntry

    client = world.client_of(side)
    existing = JournalEntry.objects.filter(client=client).first()
    if existing is not None:
        return existing
    # Shared, so the clinician's page shows it; Dan's carries the canary.
    body = f"CANARY-{client.given_name}" if side == "other" else "My own words."
    return JournalEntry.objects.create(
        client=client, body=body, shared_at=client.created_at
    )


@kind("journal_entry")
def _entry_kind(world, side):
    return _entry(world, side)


@kind("journal_client")
def _journal_client(world, side):
    return _entry(world, side).client


case("journal:mine", portal_page())
case(
    "journal:mine",
    portal_page((200, 302)),
    method="POST",
    data={"body": "A quiet day."},
)
case("journal:entry", **portal_object(), kind="journal_entry")
case(
    "journal:entry",
    **portal_object((200, 302)),
    kind="journal_entry",
    method="POST",
    data={"body": "Changed."},
)
case(
    "journal:share",
    **portal_object(302),
    kind="journal_entry",
    method="POST",
    data={"shared": "no"},
)
case("journal:client", **clinical(), kind="journal_client")
