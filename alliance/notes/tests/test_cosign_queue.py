"""The supervisor's co-sign queue page, "co-sign and open next", and the
home's count of notes awaiting co-signature."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Supervision
from alliance.audit.models import AuditEvent
from alliance.notes import views
from alliance.notes.models import ProgressNote
from alliance.notes.selectors import cosign_queue, cosign_summary
from alliance.notes.services import cosign_note
from alliance.notes.tests.helpers import signed as _signed

QUEUE = reverse("notes:cosign_queue")


def signed(client, *, hours_ago):
    """A note of a session ``hours_ago`` ago, signed an hour after it."""
    note = _signed(client, hours_ago=hours_ago)
    at = timezone.now() - timedelta(hours=hours_ago - 1)
    ProgressNote.objects.filter(pk=note.pk).update(signed_at=at)
    note.signed_at = at
    return note


def _rows(response):
    return [note.pk for note in response.context["page"]]


def test_it_lists_oldest_signature_first(as_user, sam, cleo):
    newer = signed(cleo, hours_ago=3)
    older = signed(cleo, hours_ago=27)
    response = as_user(sam).get(QUEUE)
    assert response.status_code == 200
    assert _rows(response) == [older.pk, newer.pk]


def test_it_leaves_out_cosigned_notes_and_non_supervisees(as_user, sam, cleo, dan):
    done = signed(cleo, hours_ago=27)
    cosign_note(done, by=sam)
    waiting = signed(cleo, hours_ago=3)
    signed(dan, hours_ago=5)
    assert _rows(as_user(sam).get(QUEUE)) == [waiting.pk]


def test_it_pages_past_fifty(as_user, sam, cleo, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    notes = [signed(cleo, hours_ago=h) for h in (9, 7, 5)]
    client = as_user(sam)
    first = client.get(QUEUE)
    assert first.context["page"].paginator.count == 3
    assert _rows(first) == [notes[0].pk, notes[1].pk]
    second = client.get(QUEUE, {"page": 2})
    assert _rows(second) == [notes[2].pk]
    assert b"Page 2 of 2" in second.content


def test_it_filters_by_supervisee(as_user, sam, alice, bob, cleo, dan):
    Supervision.objects.create(supervisor=sam, supervisee=bob)
    mine = signed(cleo, hours_ago=5)
    bobs = signed(dan, hours_ago=7)
    client = as_user(sam)
    assert _rows(client.get(QUEUE)) == [bobs.pk, mine.pk]
    response = client.get(QUEUE, {"supervisee": str(alice.uuid)})
    assert _rows(response) == [mine.pk]
    assert response.context["chosen"] == alice


def test_it_refuses_a_filter_on_someone_not_supervised(as_user, sam, bob, cleo, dan):
    mine = signed(cleo, hours_ago=5)
    signed(dan, hours_ago=7)
    for wanted in (str(bob.uuid), "not-a-uuid"):
        response = as_user(sam).get(QUEUE, {"supervisee": wanted}, follow=True)
        assert response.status_code == 200
        assert _rows(response) == [mine.pk]
        assert b"not one of your supervisees" in response.content


def test_it_bounds_queries_whatever_the_length(as_user, sam, cleo):
    client = as_user(sam)
    signed(cleo, hours_ago=3)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as short:
        client.get(QUEUE)
    for hours in (5, 7, 9, 11, 13):
        signed(cleo, hours_ago=hours)
    with CaptureQueriesContext(connection) as long:
        response = client.get(QUEUE)
    assert len(_rows(response)) == 6
    assert len(long.captured_queries) == len(short.captured_queries)


def test_it_audits_the_view(as_user, sam, cleo):
    signed(cleo, hours_ago=5)
    as_user(sam).get(QUEUE)
    event = AuditEvent.objects.get(action="note.cosign_queue.view")
    assert event.actor == sam
    assert event.detail["count"] == 1


def test_it_cosigns_and_opens_the_next(as_user, sam, cleo):
    first = signed(cleo, hours_ago=27)
    second = signed(cleo, hours_ago=3)
    client = as_user(sam)
    page = client.get(
        reverse("chart:session", args=[first.session.uuid]), {"queue": "1"}
    )
    assert b"Co-sign and open next" in page.content
    response = client.post(
        reverse("chart:note_cosign", args=[first.uuid]), {"next": "queue"}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("chart:session", args=[second.session.uuid]) + "?queue=1"
    )
    assert ProgressNote.objects.get(pk=first.pk).cosigned_by == sam
    last = client.post(
        reverse("chart:note_cosign", args=[second.uuid]), {"next": "queue"}
    )
    assert last["Location"] == QUEUE
    assert cosign_queue(sam).count() == 0


def test_next_keeps_to_the_filtered_supervisee(as_user, sam, alice, bob, cleo, dan):
    Supervision.objects.create(supervisor=sam, supervisee=bob)
    first = signed(cleo, hours_ago=27)
    signed(dan, hours_ago=20)
    second = signed(cleo, hours_ago=3)
    response = as_user(sam).post(
        reverse("chart:note_cosign", args=[first.uuid]),
        {"next": "queue", "supervisee": str(alice.uuid)},
    )
    assert response["Location"] == (
        reverse("chart:session", args=[second.session.uuid])
        + f"?queue=1&supervisee={alice.uuid}"
    )


def test_the_plain_page_offers_no_next_button(as_user, sam, cleo):
    note = signed(cleo, hours_ago=5)
    page = as_user(sam).get(reverse("chart:session", args=[note.session.uuid]))
    assert b"Co-sign as supervisor" in page.content
    assert b"Co-sign and open next" not in page.content


def test_summary_counts_and_dates_the_oldest(sam, cleo):
    assert cosign_summary(sam).count == 0
    older = signed(cleo, hours_ago=27)
    signed(cleo, hours_ago=3)
    summary = cosign_summary(sam)
    assert summary.count == 2
    assert summary.oldest_signed_at == ProgressNote.objects.get(pk=older.pk).signed_at


def test_home_shows_count_oldest_and_link(as_user, sam, cleo):
    for hours in range(3, 3 + 2 * 7, 2):
        signed(cleo, hours_ago=hours)
    response = as_user(sam).get(reverse("home:index"))
    assert response.context["cosign_summary"].count == 7
    assert len(response.context["awaiting_cosign"]) == 5
    assert b"<strong>7</strong> notes awaiting your co-signature" in response.content
    assert QUEUE.encode() in response.content


def test_the_queue_is_not_cut_at_the_home_lists_limit(as_user, sam, cleo, monkeypatch):
    """The home lists at most a few notes (``awaiting_cosign``'s limit); the
    queue and the home's count cover all of them, page after page."""
    from alliance.notes import selectors

    monkeypatch.setattr(selectors, "UNSIGNED_LIMIT", 2)
    # The home's unsigned list was compiled with the real limit: compile it
    # afresh for this test, and keep the real one for the next.
    monkeypatch.setattr(selectors._unsigned_notes, "_compiled", {})
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    notes = [signed(cleo, hours_ago=h) for h in (13, 11, 9, 7, 5)]
    client = as_user(sam)
    seen = []
    for number in (1, 2, 3):
        seen += _rows(client.get(QUEUE, {"page": number}))
    assert seen == [note.pk for note in notes]
    assert cosign_summary(sam).count == 5
    home = client.get(reverse("home:index"))
    assert b"<strong>5</strong> notes awaiting your co-signature" in home.content


def test_paging_keeps_the_supervisee_filter(as_user, sam, alice, cleo, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    signed(cleo, hours_ago=7)
    signed(cleo, hours_ago=5)
    page = as_user(sam).get(QUEUE, {"supervisee": str(alice.uuid)})
    assert f"?page=2&amp;supervisee={alice.uuid}".encode() in page.content
    # Each row opens the note in queue mode, still filtered.
    assert f"?queue=1&amp;supervisee={alice.uuid}".encode() in page.content


def test_home_says_how_long_the_oldest_has_waited(as_user, sam, cleo):
    signed(cleo, hours_ago=50)  # signed 49 hours ago
    signed(cleo, hours_ago=3)
    page = as_user(sam).get(reverse("home:index")).content.decode()
    assert "the oldest was signed 2\xa0days" in page


def test_three_in_a_row_from_the_queue_without_the_home_page(as_user, sam, cleo):
    notes = [signed(cleo, hours_ago=h) for h in (9, 7, 5, 3)]
    client = as_user(sam)
    url = reverse("chart:session", args=[notes[0].session.uuid]) + "?queue=1"
    for i, note in enumerate(notes[:3]):
        page = client.get(url)
        assert b"Co-sign and open next" in page.content
        response = client.post(
            reverse("chart:note_cosign", args=[note.uuid]), {"next": "queue"}
        )
        url = response["Location"]
        assert url == (
            reverse("chart:session", args=[notes[i + 1].session.uuid]) + "?queue=1"
        )
    assert cosign_summary(sam).count == 1


def test_a_backlog_past_the_cap_reads_more_than(as_user, sam, cleo, monkeypatch):
    """The home counts the backlog up to a cap (a long backlog is not read
    whole on every home page) and says "more than" past it; the date is the
    oldest note's whatever the cap."""
    from alliance.notes import selectors

    monkeypatch.setattr(selectors, "COSIGN_COUNT_CAP", 3)
    # The count's SQL holds the cap: compiled afresh for each cap here.
    monkeypatch.setattr(selectors._awaiting_ids, "_compiled", {})
    notes = [signed(cleo, hours_ago=h) for h in (30, 9, 7, 5)]
    summary = cosign_summary(sam)
    assert (summary.count, summary.more) == (3, True)
    assert (
        summary.oldest_signed_at == ProgressNote.objects.get(pk=notes[0].pk).signed_at
    )
    page = as_user(sam).get(reverse("home:index")).content.decode()
    assert "<strong>More than 3</strong> notes awaiting your co-signature" in page
    assert "the oldest was signed 1\xa0day" in page
    monkeypatch.setattr(selectors, "COSIGN_COUNT_CAP", 4)
    monkeypatch.setattr(selectors._awaiting_ids, "_compiled", {})
    assert (cosign_summary(sam).count, cosign_summary(sam).more) == (4, False)


def test_the_home_note_lists_read_nothing_more_per_row(
    sam, cleo, django_assert_num_queries
):
    """The home's note lists read only the columns they show (issue #13);
    showing them must not fetch a deferred one row by row."""
    from django.template.loader import render_to_string

    from alliance.notes.selectors import awaiting_cosign, unsigned_notes
    from alliance.notes.tests.helpers import start

    for hours in (9, 7):
        signed(cleo, hours_ago=hours)
    start(cleo, hours_ago=2)
    awaiting = awaiting_cosign(sam)
    context = {
        "awaiting_cosign": awaiting,
        "cosign_summary": cosign_summary(sam, oldest=awaiting),
        "unsigned": unsigned_notes(cleo.clinician),
    }
    with django_assert_num_queries(0):
        html = render_to_string("notes/_unsigned.html", context)
        html += render_to_string("notes/_awaiting_cosign.html", context)
    assert html.count("<li>") == 3
    assert html.count("Cleo Example") == 3
