"""The client's journal: private by default, shared entry by entry, encrypted,
and seen by the clinician only while shared."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.journal.models import ENTRY_MAX, JournalEntry
from alliance.journal.selectors import chart_journal, shared_entries

MINE = reverse("journal:mine")


def _write(http, body, **extra):
    return http.post(MINE, {"body": body, **extra})


def test_a_new_entry_is_private(as_user, cleo):
    response = _write(as_user(cleo.user), "Walked by the river.")
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert (entry.client, entry.body, entry.is_shared) == (
        cleo,
        "Walked by the river.",
        False,
    )
    assert AuditEvent.objects.filter(action="journalentry.create").exists()
    assert shared_entries(cleo).count() == 0


def test_the_client_can_share_when_writing(as_user, cleo):
    _write(as_user(cleo.user), "For my clinician.", share="yes")
    assert JournalEntry.objects.get().is_shared


def test_an_empty_or_overlong_entry_is_refused(as_user, cleo):
    http = as_user(cleo.user)
    response = _write(http, "   ")
    assert response.status_code == 400
    assert "Write something before saving." in response.text
    response = _write(http, "x" * (ENTRY_MAX + 1))
    assert response.status_code == 400
    assert "Please keep an entry under 10,000 characters" in response.text
    assert not JournalEntry.objects.exists()


def test_the_text_is_encrypted_at_rest(cleo):
    entry = JournalEntry.objects.create(client=cleo, body="CANARY-secret thought")
    table = connection.ops.quote_name(JournalEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
        raw = cursor.fetchone()[0]
    assert "CANARY" not in raw
    assert JournalEntry.objects.get(pk=entry.pk).body == "CANARY-secret thought"


def test_sharing_and_unsharing_decide_what_the_clinician_sees(as_user, cleo, alice):
    http = as_user(cleo.user)
    _write(http, "HIDDEN-private")
    _write(http, "Shared words")
    _private, shared = JournalEntry.objects.order_by("id")
    http.post(reverse("journal:share", args=[shared.uuid]), {"shared": "yes"})
    page = as_user(alice).get(reverse("journal:client", args=[cleo.uuid]))
    assert "Shared words" in page.text
    assert "HIDDEN" not in page.text
    chart = as_user(alice).get(reverse("chart:section", args=[cleo.uuid, "homework"]))
    assert "Shared words" in chart.text
    assert "HIDDEN" not in chart.text
    assert AuditEvent.objects.filter(action="journal.list").exists()

    as_user(cleo.user).post(
        reverse("journal:share", args=[shared.uuid]), {"shared": "no"}
    )
    shared.refresh_from_db()
    assert not shared.is_shared
    page = as_user(alice).get(reverse("journal:client", args=[cleo.uuid]))
    assert "Shared words" not in page.text
    assert "The client shares no journal entries." in page.text
    actions = set(
        AuditEvent.objects.filter(action__startswith="journalentry.").values_list(
            "action", flat=True
        )
    )
    assert {"journalentry.share", "journalentry.unshare"} <= actions


def test_the_client_can_change_an_entry(as_user, cleo):
    http = as_user(cleo.user)
    _write(http, "First draft")
    entry = JournalEntry.objects.get()
    url = reverse("journal:entry", args=[entry.uuid])
    assert "First draft" in http.get(url).text
    assert http.post(url, {"body": ""}).status_code == 400
    assert http.post(url, {"body": "Second thoughts"}).status_code == 302
    entry.refresh_from_db()
    assert entry.body == "Second thoughts"


def test_the_chart_card_counts_shared_entries_only(cleo, django_assert_num_queries):
    JournalEntry.objects.create(client=cleo, body="Private")
    for n in range(4):
        JournalEntry.objects.create(
            client=cleo, body=f"Shared {n}", shared_at=cleo.created_at
        )
    with django_assert_num_queries(2):
        card = chart_journal(cleo)
    assert card.count == 4
    assert len(card.latest) == 3
    assert all(e.is_shared for e in card.latest)


def test_the_portal_home_links_the_journal(as_user, cleo):
    body = as_user(cleo.user).get(reverse("portal:home")).text
    assert reverse("journal:mine") in body
