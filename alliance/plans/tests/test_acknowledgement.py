from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.plans.models import PlanAcknowledgement
from alliance.plans.services import acknowledge_plan_version, review_plan
from alliance.plans.tests.helpers import make_plan, plan_fields


@pytest.fixture
def version(episode, goal):
    return make_plan(episode, [goal])


def test_it_records_the_acknowledgement(alice, version):
    at = timezone.now()
    ack = acknowledge_plan_version(version, by=alice, method="verbal", given_at=at)
    stored = PlanAcknowledgement.objects.get(pk=ack.pk)
    assert (stored.version, stored.method, stored.given_at) == (version, "verbal", at)
    assert stored.recorded_by == alice
    event = AuditEvent.objects.get(action="treatment_plan.acknowledge")
    assert event.detail == {"version": 1}


def test_it_refuses_twice_the_future_and_bad_methods(alice, version):
    now = timezone.now()
    with pytest.raises(ValidationError, match="future"):
        acknowledge_plan_version(
            version, by=alice, method="verbal", given_at=now + timedelta(hours=1)
        )
    with pytest.raises(ValidationError, match="before this version"):
        acknowledge_plan_version(
            version, by=alice, method="verbal", given_at=now - timedelta(days=2)
        )
    with pytest.raises(ValidationError, match="how the client"):
        acknowledge_plan_version(version, by=alice, method="telepathy", given_at=now)
    acknowledge_plan_version(version, by=alice, method="signed_paper", given_at=now)
    with pytest.raises(ValidationError, match="already acknowledged"):
        acknowledge_plan_version(version, by=alice, method="verbal", given_at=now)
    assert PlanAcknowledgement.objects.count() == 1


def test_it_refuses_the_supervisor(sam, version):
    with pytest.raises(ValidationError, match="primary clinician"):
        acknowledge_plan_version(
            version, by=sam, method="verbal", given_at=timezone.now()
        )


def test_each_version_is_acknowledged_on_its_own(alice, goal, version):
    acknowledge_plan_version(
        version, by=alice, method="verbal", given_at=timezone.now()
    )
    v2 = review_plan(version.plan, by=alice, reason="Review.", **plan_fields([goal]))
    assert not PlanAcknowledgement.objects.filter(version=v2).exists()


def test_it_records_through_the_form(as_user, alice, version):
    http = as_user(alice)
    url = reverse("plans:plan_acknowledge", args=[version.uuid])
    bad = http.post(url, {"method": "verbal", "given_at": "not a date"})
    assert bad.status_code == 200
    assert PlanAcknowledgement.objects.count() == 0
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = http.post(url, {"method": "signed_electronic", "given_at": when})
    assert response.status_code == 302
    page = http.get(reverse("plans:plan", args=[version.plan.episode.uuid])).text
    assert "(signed electronically)" in page
