"""reverse_uuid gives what reverse gives, reversing each URL name once."""

from __future__ import annotations

import uuid

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from alliance.core.urls import reverse_uuid


@pytest.mark.parametrize(
    "name", ["chart:client", "scheduling:detail", "measures:detail", "chart:alert"]
)
def test_it_matches_reverse(name):
    for _ in range(3):
        value = uuid.uuid4()
        assert reverse_uuid(name, value) == reverse(name, args=[value])


def test_it_follows_the_script_prefix():
    value = uuid.uuid4()
    try:
        set_script_prefix("/clinic/")
        assert reverse_uuid("chart:client", value) == f"/clinic/clients/{value}/"
    finally:
        set_script_prefix("/")
    assert reverse_uuid("chart:client", value) == reverse("chart:client", args=[value])


def test_anything_but_a_uuid_goes_through_reverse():
    value = uuid.uuid4()
    assert reverse_uuid("chart:client", str(value)) == reverse(
        "chart:client", args=[value]
    )
    with pytest.raises(NoReverseMatch):
        reverse_uuid("chart:client", "not-a-uuid")
