from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.scheduling.services import rotate_calendar_token

URL = "/calendar/feed/"


def test_it_offers_to_create_the_address(as_user, alice):
    response = as_user(alice).get(URL)
    assert response.status_code == 200
    assert "Create my feed address" in response.content.decode()


def test_it_shows_the_absolute_address(as_user, alice):
    token = rotate_calendar_token(alice)
    response = as_user(alice).get(URL)
    assert (
        response.context["feed_url"] == f"http://testserver/calendar/feed/{token}.ics"
    )
    assert (
        f'value="http://testserver/calendar/feed/{token}.ics"'
        in response.content.decode()
    )


def test_it_rotates_on_post(as_user, alice):
    old = rotate_calendar_token(alice)
    http = as_user(alice)
    response = http.post(URL)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.calendar_token not in ("", old)
    assert len(alice.calendar_token) == 43
    assert http.get(reverse("scheduling:feed", args=[old])).status_code == 404
    assert AuditEvent.objects.filter(action="calendar_feed.rotate").count() == 2


def test_it_refuses_the_practice_admin(as_user, ada):
    assert as_user(ada).get(URL).status_code == 403
    assert as_user(ada).post(URL).status_code == 403
