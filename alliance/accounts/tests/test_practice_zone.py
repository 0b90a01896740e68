"""Practice.zone and Practice.today: the one place for the practice's zone and date."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.test import override_settings

from alliance.accounts.models import Practice, zone_of


def test_it_reads_the_practice_zone():
    assert Practice(time_zone="Pacific/Auckland").zone == ZoneInfo("Pacific/Auckland")


def test_it_follows_a_change_of_zone():
    practice = Practice(time_zone="Europe/London")
    assert practice.zone == ZoneInfo("Europe/London")
    practice.time_zone = "Australia/Sydney"
    assert practice.zone == ZoneInfo("Australia/Sydney")


@override_settings(TIME_ZONE="UTC")
def test_an_unreadable_zone_falls_back_to_the_server_zone():
    assert Practice(time_zone="Mars/Olympus").zone == ZoneInfo("UTC")
    assert Practice(time_zone="../etc").zone == ZoneInfo("UTC")


def test_without_a_practice_the_zone_is_the_server_zone(settings):
    assert zone_of(None) == ZoneInfo(settings.TIME_ZONE)


def test_today_is_the_practice_local_date():
    moment = datetime(2026, 3, 1, 11, 30, tzinfo=UTC)  # 00:30 on 2 March in Auckland
    assert Practice(time_zone="Pacific/Auckland").today(moment) == date(2026, 3, 2)
    assert Practice(time_zone="America/New_York").today(moment) == date(2026, 3, 1)
