"""The feed settings page: the address is shown once, stored only as a hash,
and the feed can be switched off."""

from __future__ import annotations

import re

from django.db import connection
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.core.tokens import hash_token
from alliance.scheduling.services import rotate_calendar_token

URL = "/calendar/feed/"


def _address(response) -> str:
    found = re.search(
        r'value="http://testserver(/calendar/feed/[^"]+\.ics)"', response.text
    )
    assert found, "no feed address on the page"
    return found.group(1)


def test_it_offers_to_create_the_address(as_user, alice):
    response = as_user(alice).get(URL)
    assert response.status_code == 200
    assert "Create my feed address" in response.text


def test_it_shows_the_address_once_when_created(as_user, alice):
    http = as_user(alice)
    response = http.post(URL)
    assert response.status_code == 200
    address = _address(response)
    assert http.get(address).status_code == 200
    # Opening the page again does not show it: it is not kept anywhere.
    again = http.get(URL)
    assert "/calendar/feed/" not in again.text.replace('action="/calendar/feed/"', "")
    assert address not in again.text
    assert "Your feed is on" in again.text


def test_it_stores_only_a_hash_of_the_token(alice):
    token = rotate_calendar_token(alice)
    alice.refresh_from_db()
    assert alice.calendar_token_hash == hash_token(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user")
        stored = [value for row in cursor.fetchall() for value in row]
    assert token not in [str(v) for v in stored]


def test_it_rotates_on_post(as_user, alice):
    old = rotate_calendar_token(alice)
    http = as_user(alice)
    response = http.post(URL, {"action": "rotate"})
    assert response.status_code == 200
    new = _address(response)
    assert http.get(reverse("scheduling:feed", args=[old])).status_code == 404
    assert http.get(new).status_code == 200
    assert AuditEvent.objects.filter(action="calendar_feed.rotate").count() == 2


def test_it_switches_the_feed_off(as_user, alice):
    token = rotate_calendar_token(alice)
    http = as_user(alice)
    response = http.post(URL, {"action": "off"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.calendar_token_hash == ""
    assert http.get(reverse("scheduling:feed", args=[token])).status_code == 404
    assert AuditEvent.objects.filter(action="calendar_feed.off", actor=alice).exists()
    assert "Create my feed address" in http.get(URL).text


def test_switching_off_a_feed_that_is_off_changes_nothing(as_user, alice):
    response = as_user(alice).post(URL, {"action": "off"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="calendar_feed.off").exists()


def test_it_refuses_an_unknown_action(as_user, alice):
    token = rotate_calendar_token(alice)
    response = as_user(alice).post(URL, {"action": "explode"}, follow=True)
    assert "was not understood" in response.text
    alice.refresh_from_db()
    assert alice.calendar_token_hash == hash_token(token)


def test_it_refuses_the_practice_admin(as_user, ada):
    assert as_user(ada).get(URL).status_code == 403
    assert as_user(ada).post(URL).status_code == 403
    assert as_user(ada).post(URL, {"action": "off"}).status_code == 403


def test_it_refuses_a_client(as_user, cleo):
    assert as_user(cleo.user).post(URL, {"action": "off"}).status_code == 403


def test_the_migration_keeps_existing_feeds_working(client, alice):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "alliance.accounts.migrations.0009_hash_calendar_token_rows"
    )
    # Before the migration the column held the token itself.
    token = "an-old-plain-token-made-before-hashing"
    type(alice).objects.filter(pk=alice.pk).update(calendar_token_hash=token)
    migration.hash_existing(apps, None)
    alice.refresh_from_db()
    assert alice.calendar_token_hash == hash_token(token)
    assert client.get(reverse("scheduling:feed", args=[token])).status_code == 200
