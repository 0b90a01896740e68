from __future__ import annotations

from datetime import timedelta

from alliance.homework.models import HomeworkEntry
from alliance.homework.selectors import review
from alliance.homework.services import client_today, submit_entry
from alliance.homework.tests.helpers import RELAX, daily


def test_it_counts_missed_occurrences_and_adherence(cleo):
    # Daily for ten days including today: 9 past days, of which 6 are done.
    assignment = daily(cleo, days_ago=9)
    today = client_today(assignment)
    for back in (1, 2, 3, 5, 7, 9):
        submit_entry(assignment, today - timedelta(days=back), RELAX, by=cleo.user)
    result = review(cleo.current_episode())
    row = result.rows[0]
    assert [o.state for o in row.occurrences].count("done") == 6
    assert row.missed == 3
    assert row.occurrences[-1].state == "due"  # today is not missed yet
    assert result.adherence.percent == 67  # 6 of 9
    weeks = [(w.done, w.missed) for w in result.adherence.weeks]
    assert weeks == [(0, 0), (0, 0), (2, 1), (4, 2)]


def test_it_counts_a_draft_from_a_past_day_as_missed(cleo):
    assignment = daily(cleo, days_ago=1)
    yesterday = client_today(assignment) - timedelta(days=1)
    HomeworkEntry.objects.create(assignment=assignment, for_date=yesterday)
    result = review(cleo.current_episode())
    assert [o.state for o in result.rows[0].occurrences] == ["missed", "due"]
    assert result.adherence.percent == 0


def test_it_has_no_adherence_before_anything_is_due(cleo):
    daily(cleo)
    assert review(cleo.current_episode()).adherence.percent is None


def test_it_follows_given_weekdays(alice, cleo):
    from alliance.homework.services import assign_homework

    episode = cleo.current_episode()
    assignment = assign_homework(
        episode,
        by=alice,
        template="custom",
        title="",
        instructions="x",
        recurrence="weekdays",
        weekdays=[0, 2],
    )
    assignment.starts_on -= timedelta(days=13)
    today = client_today(episode)
    days = assignment.occurrences(today)
    assert {d.weekday() for d in days} == {0, 2}
    assert len(days) == 4
