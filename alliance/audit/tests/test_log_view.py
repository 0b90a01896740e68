from __future__ import annotations

from django.urls import reverse

from alliance.audit.services import record


def test_admin_sees_the_practice_log(as_user, ada, alice, cleo, zed):
    record(alice, "client.view", cleo)
    record(zed, "user.deactivate", None)
    response = as_user(ada).get(reverse("audit:log"))
    assert response.status_code == 200
    assert b"alice@example.org" in response.content
    assert b"zed@example.org" not in response.content


def test_admin_filters_by_person_action_and_client(as_user, ada, alice, bob, cleo, dan):
    record(alice, "client.view", cleo)
    record(bob, "client.view", dan)
    record(alice, "episode.transition", cleo.current_episode())
    http = as_user(ada)
    by_person = http.get(reverse("audit:log"), {"actor": str(bob.uuid)})
    assert b"bob@example.org" in by_person.content
    assert b"alice@example.org" not in by_person.content
    by_action = http.get(reverse("audit:log"), {"action": "episode."})
    assert by_action.content.count(b"<code>episode.transition</code>") == 1
    assert b"<code>client.view</code>" not in by_action.content
    by_client = http.get(reverse("audit:log"), {"client": str(dan.uuid)})
    assert b"bob@example.org" in by_client.content


def test_bad_filters_give_an_empty_page_not_an_error(as_user, ada):
    response = as_user(ada).get(
        reverse("audit:log"),
        {"actor": "nope", "client": "'; drop", "since": "2026-02-30", "page": "x"},
    )
    assert response.status_code == 200


def test_the_log_has_no_edit_or_delete_controls(as_user, ada, alice, cleo):
    record(alice, "client.view", cleo)
    content = as_user(ada).get(reverse("audit:log")).content.decode()
    assert 'method="post"' not in content.split("<main", 1)[1]
