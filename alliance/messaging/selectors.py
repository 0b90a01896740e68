"""Read-only queries for pages: the thread, the clinician's inbox and unread
counts, the chart card and the portal card. Each runs a fixed number of
queries whatever the caseload or the length of the thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet

from alliance.accounts.models import User
from alliance.clients.models import Client, clients_of_q
from alliance.core.prepared import prepared, totals
from alliance.messaging.models import Message, MessageAttachment

PER_PAGE = 50
CHART_LATEST = 3

UNREAD_FROM_CLIENT = Q(messages__from_client=True, messages__read_at__isnull=True)


def _with_attachments(messages: QuerySet[Message]) -> QuerySet[Message]:
    # The list shows each file's name and size; the files stay in the database.
    return messages.select_related("sender").prefetch_related(
        Prefetch("attachments", queryset=MessageAttachment.objects.defer("content"))
    )


def thread_page(client: Client, number: int | str | None = 1) -> Page[Message]:
    """One page of the client's thread, newest page first; each page's
    ``object_list`` runs oldest to newest, as a conversation reads."""
    messages = _with_attachments(
        Message.objects.filter(client=client).order_by("-sent_at", "-id")
    )
    page = Paginator(messages, PER_PAGE).get_page(number)
    page.object_list = list(reversed(list(page.object_list)))
    return page


def unread_for_client(client: Client) -> int:
    """Messages from the care team the client has not opened yet."""
    return Message.objects.filter(client=client).unread_by_client().count()


def unread_from_client(client: Client) -> int:
    """Messages from the client their clinician has not opened yet (the
    chart's summary): one query."""
    return _unread_count.first(client.pk) or 0


@prepared
def _unread_count(client_id: int) -> QuerySet[Message, int]:
    """One row with the count (none when there is nothing unread)."""
    return totals(
        Message.objects.filter(client_id=client_id).unread_by_clinician(),
        "client_id",
        n=Count("*"),
    )


def unread_by_client_for_clinician(user: User) -> list[tuple[Client, int]]:
    """(client, unread messages from them) for each client whose primary
    clinician ``user`` is and who wrote something not yet read; one query."""
    if not user.is_clinical:
        return []
    return unread_by_client_for_clinicians([user.pk], practice_id=user.practice_id)


def unread_by_client_for_clinicians(
    clinician_ids: list[int], *, practice_id: int | None
) -> list[tuple[Client, int]]:
    """The same for the clients of several clinicians (those a colleague
    covers: ``permissions.covered_clinician_ids``); one query."""
    clients = _unread_by_client(clinician_ids, practice_id)
    return [(client, client.unread) for client in clients]  # type: ignore[attr-defined]  # annotated


@prepared
def _unread_by_client(
    clinician_ids: list[int], practice_id: int | None
) -> QuerySet[Client]:
    # Filtering on the messages before counting joins only unread messages,
    # so the query grows with what is unread, not with the caseload.
    return (
        Client.objects.filter(  # type: ignore[misc]  # None: IS NULL, as at run time
            practice_id=practice_id,
            clinician_id__in=clinician_ids,
            messages__from_client=True,
            messages__read_at__isnull=True,
        )
        .annotate(unread=Count("messages"))
        .select_related("clinician")
        # Name and link of client and clinician: the rest would only widen
        # the grouping (issue #13).
        .only(*Client.LISTING_FIELDS, "clinician__full_name", "clinician__email")
        .order_by("-unread", "family_name", "given_name")
    )


@dataclass
class InboxRow:
    client: Client
    unread: int
    total: int
    last_at: datetime


def inbox(user: User, *, covering: list[int] | None = None) -> list[InboxRow]:
    """Every thread in the user's caseload (a supervisor's includes their
    supervisees' clients), and of the clients of the clinicians they cover
    today (``covering``, from ``permissions.covered_clinician_ids``), those
    with unread messages from the client first, then the most recent. No
    message text is read."""
    reachable = Client.objects.in_caseload_of(user)
    if covering:
        reachable = reachable | Client.objects.filter(
            clients_of_q(covering, user.practice_id)
        )
    clients = (
        reachable.annotate(
            unread=Count("messages", filter=UNREAD_FROM_CLIENT),
            total=Count("messages"),
            last_at=Max("messages__sent_at"),
        )
        .filter(total__gt=0)
        .select_related("clinician")
    )
    rows = [InboxRow(c, c.unread, c.total, c.last_at) for c in clients]
    rows.sort(key=lambda r: r.last_at, reverse=True)
    rows.sort(key=lambda r: r.unread == 0)
    return rows


@dataclass
class ChartMessages:
    client: Client
    latest: list[Message]
    unread: int

    @property
    def has_portal(self) -> bool:
        return self.client.user_id is not None


def chart_messages(client: Client) -> ChartMessages:
    """The last few messages and how many from the client are unread, for the
    client chart."""
    latest = list(
        Message.objects.filter(client=client)
        .select_related("sender")
        .order_by("-sent_at", "-id")[:CHART_LATEST]
    )
    unread = Message.objects.filter(client=client).unread_by_clinician().count()
    return ChartMessages(client, list(reversed(latest)), unread)


@dataclass
class PortalMessages:
    unread: int
    last_at: datetime | None


def portal_messages(client: Client) -> PortalMessages:
    """How many messages from the care team are new, for the portal home."""
    summary = _portal_message_totals.first(client.pk)
    return PortalMessages(*summary) if summary else PortalMessages(0, None)


@prepared
def _portal_message_totals(
    client_id: int,
) -> QuerySet[Message, tuple[int, datetime | None]]:
    """One row of totals, or none when there is no message."""
    return totals(
        Message.objects.filter(client_id=client_id),
        "client_id",
        unread=Count("id", filter=Q(from_client=False, read_at__isnull=True)),
        last_at=Max("sent_at"),
    )
