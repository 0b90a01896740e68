from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from alliance.homework.models import HomeworkEntry
from alliance.homework.services import client_today, submit_entry
from alliance.homework.tests.helpers import RELAX, SCALING, daily, one_off


def test_it_shows_assigned_done_and_missed_with_answers(as_user, alice, cleo):
    assignment = daily(cleo, days_ago=2)
    today = client_today(assignment)
    submit_entry(
        assignment,
        today - timedelta(days=1),
        {**RELAX, "notes": "Calmer"},
        by=cleo.user,
    )
    url = reverse("chart:homework_review", args=[cleo.current_episode().uuid])
    body = as_user(alice).get(url).content.decode()
    assert "Breathing practice" in body
    assert "Ten minutes of slow breathing each day." in body
    assert ": Done" in body and ": Missed" in body and ": Due" in body
    assert "Slow breathing" in body and "Calmer" in body
    assert "<strong>50%</strong> done (1 done, 1 missed)" in body


def test_it_runs_a_bounded_number_of_queries(
    as_user, alice, cleo, django_assert_max_num_queries
):
    for _ in range(3):
        assignment = daily(cleo, days_ago=6)
        today = client_today(assignment)
        for back in range(6):
            submit_entry(assignment, today - timedelta(days=back), RELAX, by=cleo.user)
    one_off(cleo)
    http = as_user(alice)
    url = reverse("chart:homework_review", args=[cleo.current_episode().uuid])
    # 13 for the homework, 7 for the check-ins, messages and toolbox cards,
    # 1 for open clinical prompts, 2 for the audit chain's head.
    with django_assert_max_num_queries(23):
        response = http.get(url)
    assert response.status_code == 200
    assert response.content.decode().count(": Done") == 18


def test_it_saves_a_comment(as_user, alice, cleo):
    assignment = one_off(cleo)
    entry = submit_entry(assignment, assignment.due_date, SCALING, by=cleo.user)
    http = as_user(alice)
    response = http.post(
        reverse("homework:comment", args=[entry.uuid]), {"comment": "Good noticing."}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.comment, entry.commented_by) == ("Good noticing.", alice)
    # The client sees it with their entry.
    url = reverse(
        "homework:entry", args=[assignment.uuid, assignment.due_date.isoformat()]
    )
    assert "Good noticing." in as_user(cleo.user).get(url).content.decode()


def test_it_refuses_a_comment_on_a_draft(as_user, alice, cleo):
    assignment = one_off(cleo)
    entry = HomeworkEntry.objects.create(
        assignment=assignment, for_date=assignment.due_date
    )
    http = as_user(alice)
    http.post(reverse("homework:comment", args=[entry.uuid]), {"comment": "Hi"})
    entry.refresh_from_db()
    assert entry.comment == ""


def test_it_shows_homework_on_the_chart(as_user, alice, cleo):
    one_off(cleo)
    body = (
        as_user(alice)
        .get(reverse("chart:section", args=[cleo.uuid, "homework"]))
        .content.decode()
    )
    assert 'id="chart-homework-heading"' in body
    assert "Solution-focused scaling" in body
    assert reverse("homework:assign", args=[cleo.current_episode().uuid]) in body


def test_the_panel_shows_what_else_happened_between_sessions(as_user, alice, cleo):
    import uuid

    from alliance.checkins.services import record_checkin
    from alliance.messaging.services import send_message

    record_checkin(
        cleo,
        mood=3,
        feelings=["tired"],
        note="Hard week at work",
        safety_concern=False,
        submission_key=uuid.uuid4(),
        by=cleo.user,
    )
    send_message(cleo, "Thank you for the reminder.", by=cleo.user)
    body = (
        as_user(alice)
        .get(reverse("chart:homework_review", args=[cleo.current_episode().uuid]))
        .content.decode()
    )
    assert "Between sessions" in body
    assert "mood <strong>3/10</strong>" in body
    assert "Thank you for the reminder." in body
