"""Matrix cases for messages. A clinician's thread follows ``clinical``: the
primary clinician reads and writes, the supervisor reads (403 on writes),
admins and clients get 403, another clinician's client is 404. The portal
thread is the client's own page; another client's attachment is 404."""

from __future__ import annotations

from tests.authz import PUBLIC_URLS, UNAUTH, case, clinical, clinician_page, kind
from tests.authz.portal import portal_object, portal_page

PDF = b"%PDF-1.4\n%%EOF\n"


@kind("message_attachment")
def _attachment(world, side):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from alliance.messaging.models import Message, MessageAttachment
    from alliance.messaging.services import send_message

    client = world.client_of(side)
    practice = client.practice
    practice.allow_message_attachments = True
    practice.save(update_fields=["allow_message_attachments"])
    body = f"CANARY-{client.given_name}"
    if client.user_id is not None:
        message = send_message(
            client,
            body,
            by=client.clinician,
            files=[SimpleUploadedFile(f"{body}.pdf", PDF)],
        )
        return message.attachments.get()
    # Built directly: Dan has no portal login, so nobody can message him.
    message = Message.objects.create(
        client=client, sender=client.clinician, from_client=False, body=body
    )
    attachment = MessageAttachment(
        message=message, content_type="application/pdf", filename="dan.pdf"
    )
    attachment.seal(PDF)
    attachment.save()
    return attachment


case("messaging:inbox", clinician_page())
case("messaging:thread", **clinical(), kind="client")
case(
    "messaging:thread",
    # 302 once sent; 200 with the reason when the client cannot receive it.
    **clinical((200, 302), write=True),
    kind="client",
    method="POST",
    data={"body": "See you on Tuesday."},
)
case("messaging:attachment", **clinical(), kind="message_attachment")
case("messaging:mine", portal_page())
case(
    "messaging:mine",
    portal_page(302),
    method="POST",
    data={"body": "Can we move Tuesday?"},
)
case("messaging:mine_attachment", **portal_object(), kind="message_attachment")

# Anyone with messages switches their own emails about them: the client,
# clinicians and supervisors (302 back to their page); admins have no
# messages (403). The signed unsubscribe link needs no login: public here,
# checked by alliance/messaging/tests/test_emails.py.
PUBLIC_URLS.add("messaging:unsubscribe")
case(
    "messaging:email_choice",
    {
        **UNAUTH,
        "client": 302,
        "alice": 302,
        "bob": 302,
        "sam": 302,
        "ada": 403,
        "zed": 403,
    },
    method="POST",
    data={"enabled": "on"},
)
