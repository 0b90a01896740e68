"""The portal layout on a phone: crisis lines one tap away without pushing the
page down, a Menu disclosure instead of a wrapped list of links, and no
heading said twice."""

from __future__ import annotations

import re
from collections import Counter

from django.urls import reverse

HEADING = re.compile(r"<h([1-3])[^>]*>(.*?)</h\1>", re.S)
TAG = re.compile(r"<[^>]+>")


def headings(page: str) -> list[str]:
    return [" ".join(TAG.sub("", h).split()) for _, h in HEADING.findall(page)]


def check_layout(page: str) -> None:
    """What every portal page must have, wherever it is."""
    main = page.split("<main", 1)[1]
    titles = headings(main)
    said_twice = [h for h, n in Counter(titles).items() if n > 1]
    assert said_twice == [], said_twice
    # No heading below repeats the page's own title.
    echoes = [h for h in titles[1:] if titles[0].lower() in h.lower()]
    assert echoes == [], echoes
    # A compact link in the bar leads to the crisis lines at a fixed anchor.
    assert '<a class="portal-help-link" href="#urgent-help">Need help now?</a>' in main
    assert main.count('id="urgent-help"') == 1
    assert "Samaritans: 116 123 (free, 24 hours)" in main
    # The safety plan stays one tap away; the rest sit in a Menu disclosure.
    safety = f'<a class="portal-safety-link" href="{reverse("safety:mine")}">'
    assert main.index("portal-help-link") < main.index(safety)
    assert '<details class="portal-menu">' in main
    assert "<summary>Menu</summary>" in main
    # The full box comes after the page's own content, not above it.
    h1 = main.index("<h1")
    assert main.index('id="urgent-help"') > h1


def test_the_home_page_has_the_phone_layout(portal):
    page = portal.get(reverse("portal:home")).text
    check_layout(page)
    # The crisis box is the last thing on the page, after the cards.
    assert page.index("account-heading") < page.index('id="urgent-help"')


def test_the_safety_plan_shows_the_crisis_lines_once(portal, cleo):
    page = portal.get(reverse("safety:mine")).text
    check_layout(page)
    main = page.split("<main", 1)[1]
    assert main.count("Samaritans: 116 123 (free, 24 hours)") == 1
    # Its own tap-to-call section is the anchor, first on the page.
    assert main.index('id="urgent-help"') < main.index("have not written a safety")
    assert "Messages are not monitored around the clock." in main


def test_the_toolbox_skill_page_says_its_title_once(portal, cleo, alice):
    from alliance.toolbox.services import add_skill_from_library

    skill = add_skill_from_library(cleo, "grounding", by=alice)
    page = portal.get(reverse("toolbox:skill", args=[skill.uuid])).text
    check_layout(page)


def test_the_aftercare_page_says_each_heading_once(portal, cleo, alice, consent_text):
    from alliance.aftercare.tests.helpers import noon, to_active, to_aftercare

    episode = to_active(cleo.current_episode(), alice, consent_text, at=noon(300))
    to_aftercare(episode, alice, at=noon(40))
    from alliance.termination.tests.helpers import write_plan

    write_plan(cleo)
    for url in (reverse("portal:home"), reverse("aftercare:mine")):
        page = portal.get(url).text
        check_layout(page)
