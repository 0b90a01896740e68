from __future__ import annotations

from django.db import connection

from alliance.messaging.models import Message
from alliance.messaging.services import send_message


def test_message_text_is_encrypted_at_rest(cleo, alice):
    message = send_message(cleo, "CANARY-BODY I feel low", by=cleo.user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM messaging_message WHERE id = %s", [message.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("v1:")
    assert "CANARY" not in raw
    assert Message.objects.get(pk=message.pk).body == "CANARY-BODY I feel low"
