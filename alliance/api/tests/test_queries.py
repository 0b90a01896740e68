"""Lists cost the same number of queries whatever their length."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.api.tests.conftest import token_for
from alliance.plans.services import rate_goal
from alliance.plans.tests.helpers import make_goal
from conftest import make_client


def _queries(call, url):
    with CaptureQueriesContext(connection) as queries:
        assert call.get(url).status_code == 200
    return len(queries)


def test_lists_are_bounded(api, alice, settings):
    settings.ALLIANCE_API_RATE_LIMIT = 1000
    call = api(token_for(alice))
    client = make_client(alice, given_name="One")
    episode = client.current_episode()
    rate_goal(make_goal(episode), 1, by=alice)
    urls = [
        "/api/v1/clients",
        f"/api/v1/clients/{client.uuid}/episodes",
        f"/api/v1/clients/{client.uuid}/goals",
    ]
    call.get(urls[0])  # the token's first use writes last_used_at
    few = [_queries(call, url) for url in urls]
    for i in range(3):
        make_client(alice, given_name=f"More{i}")
        rate_goal(make_goal(episode), 0, by=alice)
    many = [_queries(call, url) for url in urls]
    assert many == few
