from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.clients.models import Consent, Episode
from alliance.clients.services import record_consent, transition_episode


def _close(episode, by):
    transition_episode(
        episode, "closed", by=by, discharge="other", reason="Did not attend"
    )


def test_a_closed_client_gets_a_new_episode_linked_to_the_last(as_user, alice, cleo):
    old = cleo.current_episode()
    _close(old, alice)
    response = as_user(alice).post(
        reverse("clients:open_episode", args=[cleo.uuid]),
        {"reason": "Re-referred by GP"},
    )
    assert response.status_code == 302
    new = cleo.current_episode()
    assert new.phase == Episode.Phase.REFERRAL
    assert new.previous_episode == old


def test_no_second_open_episode_and_a_reason_is_needed(as_user, alice, cleo):
    http = as_user(alice)
    http.post(reverse("clients:open_episode", args=[cleo.uuid]), {"reason": "x"})
    assert cleo.episodes.count() == 1
    _close(cleo.current_episode(), alice)
    http.post(reverse("clients:open_episode", args=[cleo.uuid]), {"reason": ""})
    assert cleo.episodes.count() == 1


def test_the_list_shows_the_newest_episode_and_filters_on_it(as_user, alice, cleo):
    _close(cleo.current_episode(), alice)
    http = as_user(alice)
    http.post(reverse("clients:open_episode", args=[cleo.uuid]), {"reason": "Back"})
    page = http.get(reverse("clients:list"))
    assert b"badge phase-referral" in page.content
    assert b"Cleo" not in http.get(reverse("clients:list"), {"phase": "closed"}).content
    assert b"Cleo" in http.get(reverse("clients:list"), {"phase": "referral"}).content


def test_withdrawing_consent_is_recorded(as_user, alice, cleo, consent_text):
    consent = record_consent(
        cleo.current_episode(),
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now(),
        by=alice,
    )
    as_user(alice).post(reverse("clients:withdraw_consent", args=[consent.uuid]))
    consent = Consent.objects.get(pk=consent.pk)
    assert consent.withdrawn_by == alice
    assert cleo.current_episode().active_consent() is None


def test_closing_is_refused_while_appointments_are_booked(alice, cleo):
    from alliance.scheduling.services import book_appointment

    book_appointment(
        client=cleo,
        clinician=alice,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=50,
        modality="video",
        location="",
        by=alice,
    )
    refusal = cleo.current_episode().can_move_to("closed")
    assert "1 booked appointment to come" in refusal


def test_times_are_read_and_shown_in_the_practice_time_zone(
    as_user, alice, cleo, consent_text
):
    practice = alice.practice
    practice.time_zone = "Australia/Sydney"
    practice.save()
    from zoneinfo import ZoneInfo

    five_minutes_ago = timezone.now().astimezone(
        ZoneInfo("Australia/Sydney")
    ) - timedelta(minutes=5)
    response = as_user(alice).post(
        reverse("clients:consent", args=[cleo.current_episode().uuid]),
        {"method": "verbal", "given_at": five_minutes_ago.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert abs((consent.given_at - five_minutes_ago).total_seconds()) < 60


def test_control_characters_in_a_search_are_ignored(as_user, alice, cleo):
    response = as_user(alice).get(reverse("clients:list"), {"q": "Cl\x00eo"})
    assert response.status_code == 200
    assert b"Cleo Example" in response.content


def test_the_active_consent_comes_from_the_chart_s_prefetch(
    alice, cleo, consent_text, django_assert_num_queries
):
    from datetime import timedelta

    from alliance.clients.selectors import chart_episodes

    episode = cleo.current_episode()
    withdrawn = record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now() - timedelta(days=2),
        by=alice,
    )
    Consent.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    active = record_consent(
        episode,
        consent_text=consent_text,
        method="verbal",
        given_at=timezone.now() - timedelta(days=1),
        by=alice,
    )
    current = next(e for e in chart_episodes(cleo) if e.is_open)
    with django_assert_num_queries(0):
        assert current.active_consent() == active
    assert episode.active_consent() == active
