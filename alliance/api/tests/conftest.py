from __future__ import annotations

import pytest

from alliance.accounts.tokens import create_token


def token_for(user, *, scope="read-write", notes=False, days=30):
    return create_token(user, name="test", scope=scope, notes=notes, days=days).secret


@pytest.fixture
def api(client):
    """``api(secret).get(url)`` sends the request with that bearer token."""

    class Caller:
        def __init__(self, secret):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

        def get(self, url, **extra):
            return client.get(url, **self.headers, **extra)

        def post(self, url, data=None, **extra):
            return client.post(
                url,
                data or {},
                content_type="application/json",
                **self.headers,
                **extra,
            )

        def patch(self, url, data=None, **extra):
            return client.patch(
                url,
                data or {},
                content_type="application/json",
                **self.headers,
                **extra,
            )

    return Caller
