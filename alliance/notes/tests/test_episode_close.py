from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alliance.clients.models import Episode
from alliance.clients.services import transition_episode
from alliance.notes.services import sign_note
from alliance.notes.tests.helpers import COMPLETE, write


def test_it_refuses_to_close_an_episode_with_an_unsigned_note(alice, cleo, note):
    episode = cleo.current_episode()
    assert episode.can_move_to(Episode.Phase.CLOSED) == (
        "The episode has 1 unsigned progress note: sign them before closing."
    )
    with pytest.raises(ValidationError, match="unsigned progress note"):
        transition_episode(
            episode, "closed", by=alice, discharge="other", reason="Ending"
        )
    assert Episode.objects.get(pk=episode.pk).phase == Episode.Phase.REFERRAL


def test_it_closes_once_the_note_is_signed(alice, cleo, note):
    sign_note(write(note, **COMPLETE), by=alice)
    episode = cleo.current_episode()
    assert episode.can_move_to(Episode.Phase.CLOSED) is None
    transition_episode(episode, "closed", by=alice, discharge="other", reason="Ending")
    assert Episode.objects.get(pk=episode.pk).phase == Episode.Phase.CLOSED
