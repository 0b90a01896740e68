from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone


def test_sessions_expire_after_15_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_an_idle_session_is_logged_out(as_user, alice):
    http = as_user(alice)
    assert http.get(reverse("home:index")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    # With Redis (cached_db sessions) the cached copy expires at the same
    # moment, its time to live being the idle timeout.
    cache.delete_many(
        [
            cached_db.KEY_PREFIX + key
            for key in Session.objects.values_list("pk", flat=True)
        ]
    )
    response = http.get(reverse("home:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_activity_pushes_expiry_forward(as_user, alice):
    http = as_user(alice)
    http.get(reverse("home:index"))
    first = Session.objects.get().expire_date
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    http.get(reverse("home:index"))
    assert Session.objects.get().expire_date >= first - timedelta(seconds=5)


def test_sessions_end_after_12_hours_however_active(as_user, alice):
    http = as_user(alice)
    session = http.session
    session["auth_started"] = int(time.time()) - 13 * 3600
    session.save()
    response = http.get(reverse("home:index"))
    assert response.status_code == 302
    assert http.get(reverse("home:index"))["Location"].startswith(
        reverse("accounts:login")
    )
