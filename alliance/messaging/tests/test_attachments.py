"""Files in messages: refused unless the practice allows them; then one PDF,
PNG or JPEG of at most 5 MB, checked by content, stored encrypted, and
downloaded only by those who may read the thread."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.core.crypto import DecryptionError
from alliance.messaging.models import Message, MessageAttachment
from alliance.messaging.services import MAX_ATTACHMENT_BYTES, send_message
from alliance.messaging.tests.helpers import (
    JPEG,
    PDF,
    PNG,
    allow_attachments,
    from_clinician,
    upload,
    uploaded,
)

MINE = "messaging:mine"


def _thread(client):
    return reverse("messaging:thread", args=[client.uuid])


def _raw(model, column, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def _refusals():
    return AuditEvent.objects.filter(action="message.attachment_refused")


# -- the practice's setting ----------------------------------------------------------


def test_files_are_refused_by_default_and_nothing_is_saved(portal, cleo):
    assert cleo.practice.allow_message_attachments is False
    response = portal.post(
        reverse(MINE), {"body": "Here is my diary", "attachment": upload()}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This practice does not accept files in messages." in body
    assert "Your message was not sent." in body
    assert Message.objects.count() == 0
    assert MessageAttachment.objects.count() == 0
    refusal = _refusals().get()
    assert refusal.outcome == AuditEvent.Outcome.DENIED
    assert refusal.detail == {"reason": "not_allowed"}
    assert refusal.client_uuid == cleo.uuid
    # The typed text is kept for the next try.
    assert "Here is my diary" in body


def test_a_file_under_any_field_name_is_refused(as_user, alice, cleo):
    response = as_user(alice).post(_thread(cleo), {"body": "Hi", "other": upload()})
    assert response.status_code == 200
    assert Message.objects.count() == 0


def test_the_file_input_shows_only_when_allowed(portal, cleo):
    assert 'type="file"' not in portal.get(reverse(MINE)).content.decode()
    allow_attachments(cleo.practice)
    assert 'type="file"' in portal.get(reverse(MINE)).content.decode()


# -- what is accepted --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind", "saved_as"),
    [
        ("diary.pdf", PDF, "application/pdf", "diary.pdf"),
        ("Photo.PNG", PNG, "image/png", "Photo.png"),
        ("scan.jpeg", JPEG, "image/jpeg", "scan.jpeg"),
        ("scan.jpg", JPEG, "image/jpeg", "scan.jpg"),
    ],
)
def test_an_allowed_file_round_trips(portal, cleo, name, data, kind, saved_as):
    allow_attachments(cleo.practice)
    response = portal.post(
        reverse(MINE), {"body": "Attached", "attachment": upload(name, data)}
    )
    assert response.status_code == 302
    stored = MessageAttachment.objects.get()
    assert stored.content_type == kind
    assert stored.size == len(data)
    assert stored.filename == saved_as
    page = portal.get(reverse(MINE)).content.decode()
    link = reverse("messaging:mine_attachment", args=[stored.uuid])
    assert link in page
    download = portal.get(link)
    assert download.status_code == 200
    assert download.getvalue() == data
    assert download["Content-Type"] == kind
    assert download["Content-Disposition"] == f'attachment; filename="{saved_as}"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(action="message.attachment_download").get()
    assert event.actor == cleo.user
    assert event.object_uuid == stored.uuid
    assert event.client_uuid == cleo.uuid
    assert AuditEvent.objects.get(action="message.send").detail["attachment"] == kind


def test_the_clinician_downloads_what_the_client_sent(as_user, alice, sam, cleo):
    allow_attachments(cleo.practice)
    message = send_message(cleo, "See file", by=cleo.user, files=[uploaded()])
    stored = message.attachments.get()
    url = reverse("messaging:attachment", args=[stored.uuid])
    page = as_user(alice).get(_thread(cleo)).content.decode()
    assert url in page
    response = as_user(alice).get(url)
    assert response.status_code == 200
    assert response.getvalue() == PDF
    assert as_user(sam).get(url).status_code == 200


def test_the_clinician_can_attach_a_file(as_user, alice, cleo):
    allow_attachments(cleo.practice)
    response = as_user(alice).post(
        _thread(cleo), {"body": "Worksheet", "attachment": upload("sheet.pdf")}
    )
    assert response.status_code == 302
    assert MessageAttachment.objects.get().message.from_client is False


def test_a_file_name_is_cleaned(cleo):
    allow_attachments(cleo.practice)
    message = send_message(
        cleo, "x", by=cleo.user, files=[uploaded("..\\..\\evil\u202egpj.pdf")]
    )
    assert message.attachments.get().filename == "evilgpj.pdf"


def test_a_non_ascii_name_downloads_safely(portal, cleo):
    allow_attachments(cleo.practice)
    message = send_message(cleo, "x", by=cleo.user, files=[uploaded("tagebuch ü.pdf")])
    stored = message.attachments.get()
    response = portal.get(reverse("messaging:mine_attachment", args=[stored.uuid]))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")


# -- what is refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.pdf", b"MZ\x90\x00 this is a program"),  # a name that lies
        ("run.exe", PDF),  # a PDF under another name
        ("diary.pdf.exe", PDF),
        ("picture.png", JPEG),  # the content decides the kind
        ("image.svg", b"<svg onload=alert(1)></svg>"),
        ("page.html", b"<html><script>alert(1)</script>"),
        ("noextension", PDF),
    ],
)
def test_a_wrong_type_is_refused(portal, cleo, name, data):
    allow_attachments(cleo.practice)
    response = portal.post(
        reverse(MINE), {"body": "File", "attachment": upload(name, data)}
    )
    assert response.status_code == 200
    assert "Only PDF, PNG and JPEG files can be attached" in response.content.decode()
    assert Message.objects.count() == 0
    assert MessageAttachment.objects.count() == 0
    assert _refusals().get().detail == {"reason": "wrong_type"}


def test_a_file_over_5_mb_is_refused(portal, cleo):
    allow_attachments(cleo.practice)
    big = PDF + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF))
    response = portal.post(
        reverse(MINE), {"body": "Big", "attachment": upload("big.pdf", big)}
    )
    assert response.status_code == 200
    assert "Files can be up to 5 MB; this one is 5.0 MB." in response.content.decode()
    assert Message.objects.count() == 0
    assert _refusals().get().detail == {"reason": "too_large"}


def test_a_much_larger_upload_is_counted_but_not_kept(portal, cleo):
    allow_attachments(cleo.practice)
    huge = PDF + b"0" * (12 * 1024 * 1024)
    response = portal.post(
        reverse(MINE), {"body": "Huge", "attachment": upload("huge.pdf", huge)}
    )
    assert "this one is 12.0 MB" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_file_of_exactly_5_mb_is_accepted(cleo):
    allow_attachments(cleo.practice)
    data = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))
    message = send_message(cleo, "x", by=cleo.user, files=[uploaded("max.pdf", data)])
    stored = MessageAttachment.objects.get(pk=message.attachments.get().pk)
    assert stored.data == data


def test_an_empty_file_is_refused(cleo):
    allow_attachments(cleo.practice)
    with pytest.raises(ValidationError, match="The file is empty"):
        send_message(cleo, "x", by=cleo.user, files=[uploaded("empty.pdf", b"")])
    assert Message.objects.count() == 0


def test_two_files_are_refused(portal, cleo):
    allow_attachments(cleo.practice)
    response = portal.post(
        reverse(MINE),
        {"body": "Two", "attachment": [upload("a.pdf"), upload("b.pdf")]},
    )
    assert "Attach one file per message." in response.content.decode()
    assert Message.objects.count() == 0


def test_the_text_is_checked_too(portal, cleo):
    allow_attachments(cleo.practice)
    response = portal.post(reverse(MINE), {"body": "", "attachment": upload()})
    assert "Write a message before sending." in response.content.decode()
    assert Message.objects.count() == 0
    assert MessageAttachment.objects.count() == 0


# -- encryption ----------------------------------------------------------------------


def test_a_file_and_its_name_are_encrypted_at_rest(cleo):
    allow_attachments(cleo.practice)
    message = send_message(
        cleo, "x", by=cleo.user, files=[uploaded("CANARY-NAME diary.pdf")]
    )
    stored = message.attachments.get()
    content = _raw(MessageAttachment, "content", stored.pk)
    name = _raw(MessageAttachment, "filename", stored.pk)
    assert content.startswith("v1:")
    assert name.startswith("v1:")
    for raw in (content, name):
        assert "CANARY" not in raw
        assert "diary" not in raw
    import base64

    assert base64.b64encode(PDF).decode()[:20] not in content
    fresh = MessageAttachment.objects.get(pk=stored.pk)
    assert fresh.data == PDF
    assert fresh.filename == "CANARY-NAME diary.pdf"


def test_an_attachment_moved_to_another_message_does_not_open(as_user, alice, cleo):
    allow_attachments(cleo.practice)
    message = send_message(cleo, "x", by=cleo.user, files=[uploaded()])
    stored = message.attachments.get()
    other = from_clinician(cleo, "another message")
    MessageAttachment.objects.filter(pk=stored.pk).update(message=other)
    moved = MessageAttachment.objects.get(pk=stored.pk)
    with pytest.raises(DecryptionError):
        moved.data  # noqa: B018
    response = as_user(alice).get(reverse("messaging:attachment", args=[stored.uuid]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="message.attachment_unreadable", outcome=AuditEvent.Outcome.FAILED
    ).exists()


def test_the_thread_does_not_load_the_files(
    as_user, alice, cleo, django_assert_max_num_queries
):
    allow_attachments(cleo.practice)
    send_message(cleo, "x", by=cleo.user, files=[uploaded()])
    http = as_user(alice)
    with django_assert_max_num_queries(30) as queries:
        http.get(_thread(cleo))
    assert not any(
        '"content"' in q["sql"] and "messageattachment" in q["sql"]
        for q in queries.captured_queries
    )


# -- who may download ------------------------------------------------------------------


def test_another_client_cannot_reach_the_file(as_user, cleo, dan, bob, alice, ada):
    allow_attachments(cleo.practice)
    message = send_message(cleo, "x", by=cleo.user, files=[uploaded()])
    stored = message.attachments.get()
    assert (
        as_user(bob)
        .get(reverse("messaging:attachment", args=[stored.uuid]))
        .status_code
        == 404
    )
    assert (
        as_user(ada)
        .get(reverse("messaging:attachment", args=[stored.uuid]))
        .status_code
        == 403
    )
    # Staff have no portal.
    assert (
        as_user(alice)
        .get(reverse("messaging:mine_attachment", args=[stored.uuid]))
        .status_code
        == 403
    )


def test_the_client_cannot_reach_another_clients_file(portal, cleo, bob, dan):
    from django.contrib.auth import get_user_model

    dan.user = get_user_model().objects.create_user(
        "dan@example.net", "x", full_name="Dan", role="client", practice=dan.practice
    )
    dan.save(update_fields=["user"])
    allow_attachments(dan.practice)
    message = send_message(dan, "CANARY-Dan", by=bob, files=[uploaded()])
    stored = message.attachments.get()
    response = portal.get(reverse("messaging:mine_attachment", args=[stored.uuid]))
    assert response.status_code == 404
    assert (
        portal.get(reverse("messaging:attachment", args=[stored.uuid])).status_code
        == 403
    )
    assert "CANARY-Dan" not in portal.get(reverse(MINE)).content.decode()
    assert AuditEvent.objects.filter(
        actor=cleo.user, outcome=AuditEvent.Outcome.DENIED
    ).exists()


def test_the_upload_handler_keeps_at_most_the_limit_in_memory():
    from alliance.messaging.uploads import BoundedMemoryUploadHandler

    handler = BoundedMemoryUploadHandler()
    chunk = b"0" * (1024 * 1024)
    handler.new_file("attachment", "big.pdf", "application/pdf", None)
    for n in range(8):
        handler.receive_data_chunk(chunk, n * len(chunk))
    first = handler.file_complete(8 * len(chunk))
    assert first.size == 8 * len(chunk)
    assert len(first.read()) == MAX_ATTACHMENT_BYTES + 1
    # A second file in the same request keeps nothing more.
    handler.new_file("attachment", "b.pdf", "application/pdf", None)
    handler.receive_data_chunk(chunk, 0)
    second = handler.file_complete(len(chunk))
    assert second.size == len(chunk)
    assert second.read() == b""


def test_key_rotation_re_encrypts_files_and_the_old_key_can_retire(cleo):
    from io import StringIO

    from django.core.management import call_command

    allow_attachments(cleo.practice)
    message = send_message(cleo, "x", by=cleo.user, files=[uploaded()])
    stored = message.attachments.get()
    assert _raw(MessageAttachment, "content", stored.pk).startswith("v1:k1:")
    call_command("rotate_keys", stdout=StringIO())
    call_command("rotate_keys", "--retire", "k1", stdout=StringIO())
    assert _raw(MessageAttachment, "content", stored.pk).startswith("v1:k2:")
    fresh = MessageAttachment.objects.get(pk=stored.pk)
    assert fresh.data == PDF
    assert fresh.filename == "diary.pdf"
