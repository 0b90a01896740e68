"""The outcomes run a fixed number of queries however many episodes there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.measures.outcomes import practice_outcomes
from alliance.measures.tests.outcomes.helpers import scored_episode


def _queries(run):
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries.captured_queries)


def test_practice_outcomes_runs_two_queries(
    practice, alice, bob, django_assert_num_queries
):
    scored_episode(alice, "Ann", phq9=(18, 7), gad7=(14, 5), sessions=2)
    with django_assert_num_queries(2):
        practice_outcomes(practice)
    for n in range(5):
        scored_episode(bob, f"More{n}", phq9=(12, 3), gad7=(9, 2), sessions=3)
    with django_assert_num_queries(2):
        practice_outcomes(practice)


def test_the_page_does_not_grow_with_episodes(
    as_user, alice, bob, sam, ada, django_assert_max_num_queries
):
    scored_episode(alice, "Ann", phq9=(18, 7), gad7=(14, 5), sessions=2)
    url = reverse("measures:outcomes")
    csv_url = reverse("measures:outcomes_csv")
    baseline = {
        user.pk: (
            _queries(lambda u=user: as_user(u).get(url)),
            _queries(lambda u=user: as_user(u).get(csv_url)),
        )
        for user in (alice, sam, ada)
    }
    for n in range(6):
        scored_episode(alice if n % 2 else bob, f"More{n}", phq9=(12, 3), gad7=(9, 2))
    for user in (alice, sam, ada):
        http = as_user(user)
        page_queries, csv_queries = baseline[user.pk]
        with django_assert_max_num_queries(page_queries):
            assert http.get(url).status_code == 200
        with django_assert_max_num_queries(csv_queries):
            assert http.get(csv_url).status_code == 200
