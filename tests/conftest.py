"""What the suites in this folder share: the people of the authorization
matrix, made once per module, with each principal signed in."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.utils import timezone

from alliance.core.crypto import reset_keyring_cache
from conftest import log_in, make_people, settings_for_tests, shared_data
from tests.authz import PRINCIPALS


class World(SimpleNamespace):
    def client_of(self, side: str) -> Any:
        return self.cleo if side == "own" else self.dan


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The people (conftest's alice, bob, ... cleo, dan and the consent text)
    and each principal's signed-in session, made once for the module: each
    case builds its own objects on top, in its own savepoint."""
    path = tmp_path_factory.mktemp("matrix")
    with shared_data(django_db_blocker, path):
        people = make_people()
        sessions = _sign_in(World(**people))
        yield (
            path,
            {name: (type(obj), obj.pk) for name, obj in people.items()},
            sessions,
        )


@pytest.fixture
def world(_shared_world, db, settings) -> World:
    """The shared people as fresh instances, so that nothing one case changes
    in memory reaches the next; their fields decrypt with the module's keys."""
    path, people, sessions = _shared_world
    for name, value in settings_for_tests(path).items():
        setattr(settings, name, value)
    reset_keyring_cache()
    # Sessions made at the module's start stay within their idle limit.
    Session.objects.filter(session_key__in=[k for k in sessions.values() if k]).update(
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    fresh = {
        name: model._base_manager.get(pk=pk) for name, (model, pk) in people.items()
    }
    return World(**fresh, sessions=sessions)


def _sign_in(world: World) -> dict[str, str | None]:
    """Each principal's session key, signed in once for the whole module.

    Signing in costs more than most requests, so each principal signs in once
    and every request presents that session cookie; the requests themselves
    run in rolled-back transactions, so none changes what the next one meets
    (a logout or a rotated key is undone with everything else)."""
    keys: dict[str, str | None] = {"anon": None}
    for principal in PRINCIPALS:
        if principal == "anon":
            continue
        http = HttpClient()
        if principal == "pw_only":
            log_in(http, world.alice, verified=False)
        else:
            user = (
                world.cleo.user if principal == "client" else getattr(world, principal)
            )
            log_in(http, user)
        keys[principal] = http.cookies[django_settings.SESSION_COOKIE_NAME].value
    return keys
