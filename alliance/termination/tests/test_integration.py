"""What the client chart and the portal home show: chart_termination with
_chart_termination.html, portal_termination with _portal_card.html."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from alliance.termination.models import ReadinessReview
from alliance.termination.selectors import chart_termination, portal_termination
from alliance.termination.services import (
    assemble_summary,
    finalise_summary,
    save_review,
    share_summary,
)
from alliance.termination.tests.helpers import move, write_plan


def _render(template, **context):
    return render_to_string(template, context, request=RequestFactory().get("/"))


def test_the_chart_card_appears_from_termination(cleo, consent_text, alice):
    episode = move(
        cleo.current_episode(), "assessment", "active", consent_text=consent_text
    )
    assert chart_termination(episode) is None
    assert chart_termination(None) is None
    episode = move(episode, "termination")
    chart = chart_termination(episode)
    assert chart.review is not None and chart.summary is None and chart.plan is None
    html = _render(
        "termination/_chart_termination.html", chart_termination=chart, can_edit=True
    )
    assert "Readiness review</a>:" in html
    assert "open, to complete" in html
    assert "not assembled" in html
    assert "Relapse-prevention plan</a>:\n      not written" in html


def test_the_chart_card_follows_each_state(cleo, consent_text, alice):
    episode = move(
        cleo.current_episode(),
        "assessment",
        "active",
        "termination",
        consent_text=consent_text,
    )
    save_review(
        ReadinessReview.objects.get(episode=episode),
        by=alice,
        version=1,
        judgement="Ready",
        ending="unplanned",
        ending_reason="referred_on",
        ready_to_end=True,
        complete=True,
    )
    summary = assemble_summary(episode, by=alice)
    finalise_summary(summary, by=alice)
    share_summary(summary, by=alice)
    write_plan(cleo)
    move(episode, "aftercare")
    html = _render(
        "termination/_chart_termination.html",
        chart_termination=chart_termination(episode),
        can_edit=False,
    )
    assert "(unplanned ending: referred on to another service)" in html
    assert "finalised and shared with the client" in html
    assert "version 1" in html


def test_the_portal_card(cleo, consent_text, alice):
    assert portal_termination(cleo) is None
    episode = move(
        cleo.current_episode(),
        "assessment",
        "active",
        "termination",
        consent_text=consent_text,
    )
    write_plan(cleo)
    card = portal_termination(cleo)
    assert card.plan is not None and card.summary is None
    html = _render("termination/_portal_card.html", portal_termination=card)
    assert "My relapse-prevention plan" in html
    assert "My therapy summary" not in html
    summary = assemble_summary(episode, by=alice)
    assert portal_termination(cleo).summary is None  # a draft is not shared
    finalise_summary(summary, by=alice)
    share_summary(summary, by=alice)
    html = _render(
        "termination/_portal_card.html", portal_termination=portal_termination(cleo)
    )
    assert "My therapy summary" in html


def test_the_selectors_are_bounded(cleo, consent_text, django_assert_max_num_queries):
    episode = move(
        cleo.current_episode(),
        "assessment",
        "active",
        "termination",
        consent_text=consent_text,
    )
    with django_assert_max_num_queries(3):
        chart_termination(episode)
    with django_assert_max_num_queries(2):
        portal_termination(cleo)
