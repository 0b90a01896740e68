"""The clinician's plan page, editor and earlier versions."""

from __future__ import annotations

from django.urls import reverse

from alliance.safety.models import SafetyPlanVersion
from alliance.safety.tests.helpers import write_plan


def test_it_offers_to_write_a_plan_when_there_is_none(as_user, alice, cleo):
    page = as_user(alice).get(reverse("safety:plan", args=[cleo.uuid])).text
    assert "There is no safety plan yet." in page
    assert reverse("safety:edit", args=[cleo.uuid]) in page


def test_it_shows_sections_prompts_crisis_lines_and_earlier_versions(
    as_user, alice, cleo
):
    first = write_plan(cleo)
    write_plan(cleo, warning_signs="Racing thoughts", reason="After the alert")
    page = as_user(alice).get(reverse("safety:plan", args=[cleo.uuid])).text
    assert "Racing thoughts" in page
    assert "Version 2, saved" in page
    assert "Reason: After the alert" in page
    assert "Thoughts, feelings, situations or behaviour" in page
    assert "The practice's crisis lines" in page
    assert '<a href="tel:116123">Samaritans: 116 123 (free, 24 hours)</a>' in page
    assert '<a href="tel:07700900123">Sister Maya 07700 900123</a>' in page
    assert first.get_absolute_url() in page
    assert "Stanley, B. &amp; Brown, G. K. (2012)" in page


def test_an_earlier_version_stays_readable(as_user, alice, cleo):
    first = write_plan(cleo)
    write_plan(cleo, warning_signs="Racing thoughts", reason="Reviewed")
    page = as_user(alice).get(first.get_absolute_url()).text
    assert "Not sleeping" in page
    assert "This is an earlier version." in page


def test_the_editor_is_prefilled_and_saving_adds_a_version(as_user, alice, cleo):
    write_plan(cleo)
    http = as_user(alice)
    url = reverse("safety:edit", args=[cleo.uuid])
    assert "Walk the dog</textarea>" in http.get(url).text
    response = http.post(
        url,
        {
            "based_on": "1",
            "warning_signs": "Not sleeping",
            "coping_strategies": "Walk the dog\nMusic",
            "people_to_ask": "Sister Maya 07700 900123",
            "reason": "Added music",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("safety:plan", args=[cleo.uuid])
    latest = SafetyPlanVersion.objects.get(number=2)
    assert latest.coping_strategies == "Walk the dog\nMusic"
    assert latest.reason == "Added music"


def test_the_chart_shows_the_plan(as_user, alice, cleo):
    http = as_user(alice)
    chart = reverse("chart:client", args=[cleo.uuid])
    assert "Write a safety plan" in http.get(chart).text
    write_plan(cleo)
    page = http.get(chart).text
    assert "version 1, updated" in page
    assert "Open the safety plan" in page


def test_the_plan_page_queries_do_not_grow_with_versions(
    as_user, alice, cleo, django_assert_max_num_queries
):
    write_plan(cleo)
    for n in range(2, 7):
        write_plan(cleo, reason=f"Review {n}")
    http = as_user(alice)
    # Two audit events at 3 queries each (chain head, insert, head update).
    with django_assert_max_num_queries(17):
        page = http.get(reverse("safety:plan", args=[cleo.uuid])).text
    assert page.count('<th scope="row"><a href=') == 5
