"""Every page that shows or sends messages says plainly that they are not for
emergencies and not monitored around the clock, with the crisis lines."""

from __future__ import annotations

import html

from django.template.loader import render_to_string
from django.urls import reverse

from alliance.messaging.selectors import (
    chart_messages,
    portal_messages,
    unread_by_client_for_clinician,
)
from alliance.messaging.tests.helpers import close_care, from_client, from_clinician

CRISIS = "Samaritans: 116 123 (free, 24 hours)"


def _text(response):
    return html.unescape(response.content.decode())


def test_the_portal_thread_and_form_say_it(portal):
    body = _text(portal.get(reverse("messaging:mine")))
    assert "Messages are not for emergencies." in body
    assert "not monitored around the clock" in body
    assert CRISIS in body
    compose = body.split('class="card message-compose"')[1]
    assert "Messages are not for emergencies." in compose


def test_the_read_only_portal_thread_says_it(portal, cleo):
    close_care(cleo)
    body = _text(portal.get(reverse("messaging:mine")))
    assert "not monitored around the clock" in body
    assert CRISIS in body


def test_the_clinician_thread_and_form_say_it(as_user, alice, cleo):
    body = _text(as_user(alice).get(reverse("messaging:thread", args=[cleo.uuid])))
    compose = body.split('class="card message-compose"')[1]
    assert "not for emergencies and are not monitored around the clock" in compose
    assert CRISIS in body


def test_the_supervisor_page_says_it(as_user, sam, cleo):
    body = _text(as_user(sam).get(reverse("messaging:thread", args=[cleo.uuid])))
    assert "not monitored around the clock" in body


def test_the_inbox_says_it(as_user, alice):
    body = _text(as_user(alice).get(reverse("messaging:inbox")))
    assert "not monitored around the clock" in body


def test_a_practice_without_crisis_lines_still_gives_a_way_to_get_help(portal, cleo):
    practice = cleo.practice
    practice.crisis_lines = ""
    practice.save(update_fields=["crisis_lines"])
    body = _text(portal.get(reverse("messaging:mine")))
    assert "call your local emergency number now" in body


def test_message_text_is_escaped(as_user, alice, cleo):
    from_client(cleo, "<script>alert('x')</script>")
    body = as_user(alice).get(reverse("messaging:thread", args=[cleo.uuid]))
    assert "<script>alert('x')</script>" not in body.content.decode()


def test_the_thread_pages_older_messages(portal, cleo):
    for n in range(55):
        from_clinician(cleo, f"Note number {n:02d}.")
    first = portal.get(reverse("messaging:mine")).content.decode()
    assert "Note number 54." in first
    assert "Note number 04." not in first
    assert "Earlier messages" in first
    older = portal.get(reverse("messaging:mine") + "?page=2").content.decode()
    assert "Note number 04." in older
    assert "Later messages" in older
    assert portal.get(reverse("messaging:mine") + "?page=abc").status_code == 200


def test_the_chart_card_renders(alice, cleo):
    from_client(cleo, "Hello there " + "x" * 200)
    html_ = render_to_string(
        "messaging/_chart_messages.html",
        {"chart_messages": chart_messages(cleo), "can_edit": True},
    )
    assert "1 unread" in html_
    assert "Hello there" in html_
    assert reverse("messaging:thread", args=[cleo.uuid]) in html_
    assert "Open messages and reply" in html_
    assert "not monitored around the clock" in html_


def test_the_chart_card_says_when_there_is_no_portal(bob, dan):
    html_ = render_to_string(
        "messaging/_chart_messages.html",
        {"chart_messages": chart_messages(dan), "can_edit": True},
    )
    assert "has no portal login yet" in html_
    assert "No messages yet." in html_


def test_the_portal_card_renders(cleo):
    from_clinician(cleo, "Hello")
    from_clinician(cleo, "Again")
    html_ = render_to_string(
        "messaging/_portal_card.html", {"portal_messages": portal_messages(cleo)}
    )
    assert "You have 2 new messages from your clinician." in html_
    assert reverse("messaging:mine") in html_
    assert "not monitored around the clock" in html_


def test_the_home_card_renders(alice, cleo):
    from_client(cleo, "Hi")
    html_ = render_to_string(
        "messaging/_home_unread.html",
        {"unread_messages": unread_by_client_for_clinician(alice)},
    )
    assert "Cleo Example" in html_
    assert "1 unread" in html_
    empty = render_to_string("messaging/_home_unread.html", {"unread_messages": []})
    assert "No unread messages." in empty
