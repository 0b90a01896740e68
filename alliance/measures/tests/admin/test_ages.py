"""Measures are given only at the ages they are published for: PHQ-A 11–17,
adult measures (no "ages" in the file) 18 and over."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.measures.models import Administration, MeasureSchedule
from alliance.measures.services import schedule_measure, start_administration


def born_years_ago(years: int, *, days_short: int = 0) -> date:
    """A birthday ``years`` ago today (minus ``days_short`` days = not yet)."""
    today = timezone.localdate()
    birthday = today.replace(year=today.year - years)
    return date.fromordinal(birthday.toordinal() + days_short)


def set_age(episode, years: int, *, days_short: int = 0):
    client = episode.client
    client.date_of_birth = born_years_ago(years, days_short=days_short)
    client.save(update_fields=["date_of_birth"])
    episode.refresh_from_db()
    return episode


@pytest.mark.parametrize("age", [11, 14, 17])
def test_phqa_is_allowed_at_11_to_17(alice, episode, age):
    set_age(episode, age)
    schedule = schedule_measure(episode, "phqa", when="once", by=alice)
    assert schedule.instrument == "phqa"
    draft = start_administration(episode, "phqa", mode="clinician", by=alice)
    assert draft.instrument == "phqa"


@pytest.mark.parametrize(("age", "short"), [(10, 0), (18, 0), (11, 1)])
def test_phqa_is_refused_outside_11_to_17(alice, episode, age, short):
    # (11, 1): the eleventh birthday is tomorrow, so the client is still 10.
    set_age(episode, age, days_short=short)
    with pytest.raises(ValidationError, match="The PHQ-A is for ages 11–17"):
        schedule_measure(episode, "phqa", when="once", by=alice)
    with pytest.raises(ValidationError, match="The PHQ-A is for ages 11–17"):
        start_administration(episode, "phqa", mode="clinician", by=alice)
    assert not MeasureSchedule.objects.filter(instrument="phqa").exists()
    assert not Administration.objects.filter(instrument="phqa").exists()


def test_an_adult_measure_is_refused_for_a_child(alice, episode):
    set_age(episode, 15)
    message = "The PHQ-9 is for adults (18 and over); this client is 15."
    with pytest.raises(ValidationError, match=r"PHQ-9 is for adults \(18 and over\)"):
        schedule_measure(episode, "phq9", when="once", by=alice)
    with pytest.raises(ValidationError) as caught:
        start_administration(episode, "phq9", mode="clinician", by=alice)
    assert message in caught.value.messages[0]
    assert not MeasureSchedule.objects.filter(instrument="phq9").exists()


def test_an_adult_measure_is_allowed_from_the_18th_birthday(alice, episode):
    set_age(episode, 18, days_short=1)  # 17 until tomorrow
    with pytest.raises(ValidationError, match="adults"):
        schedule_measure(episode, "gad7", when="once", by=alice)
    set_age(episode, 18)
    assert schedule_measure(episode, "gad7", when="once", by=alice).instrument == "gad7"
