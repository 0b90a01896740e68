"""The audit log finds an object's client through the model's ``client_path``;
a model without one says it itself (``audit_client_uuid``)."""

from __future__ import annotations

from django.apps import apps

from alliance.audit.services import client_uuid_of, record
from alliance.safety.services import save_safety_plan


def test_the_client_is_found_through_client_path(alice, cleo):
    version = save_safety_plan(
        cleo,
        by=alice,
        warning_signs="Not sleeping",
        coping_strategies="A walk",
        people_to_ask="My sister",
    )
    assert version.client_path == "plan__client"
    assert client_uuid_of(version) == cleo.uuid
    assert client_uuid_of(version.plan) == cleo.uuid
    event = record(alice, "safety_plan.view", version)
    assert event.client_uuid == cleo.uuid


def test_the_override_wins_and_a_missing_link_gives_none(alice, cleo):
    assert client_uuid_of(cleo) == cleo.uuid
    episode = cleo.current_episode()
    assert client_uuid_of(episode) == cleo.uuid
    assert client_uuid_of(alice) is None
    unsaved = apps.get_model("safety", "SafetyPlanVersion")()
    assert client_uuid_of(unsaved) is None


def test_every_model_with_a_client_path_names_a_client_relation():
    for model in apps.get_models():
        path = getattr(model, "client_path", None)
        if not path:
            continue
        target = model
        for step in path.split("__"):
            target = target._meta.get_field(step).related_model
        assert target._meta.label == "clients.Client", model._meta.label


def test_an_unloaded_path_costs_one_query_and_a_loaded_one_none(
    alice, cleo, django_assert_num_queries
):
    version = save_safety_plan(
        cleo,
        by=alice,
        warning_signs="Not sleeping",
        coping_strategies="A walk",
        people_to_ask="My sister",
    )
    fresh = type(version).objects.get(pk=version.pk)
    with django_assert_num_queries(1):
        assert client_uuid_of(fresh) == cleo.uuid
    fresh.plan.client  # noqa: B018 - load the path as a page would have
    with django_assert_num_queries(0):
        assert client_uuid_of(fresh) == cleo.uuid
