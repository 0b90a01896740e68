from __future__ import annotations

from django.utils import timezone

from alliance.intake.tests.helpers import ANSWERS, answer, save, section, send, start


def _notice(pre):
    day = timezone.localtime(pre.completed_at)
    return f"From the client's pre-intake questionnaire, {day.day} {day:%b %Y}."


def test_it_prefills_empty_sections(as_user, alice, cleo):
    pre, _ = send(cleo)
    pre = answer(pre)
    intake = start(cleo)
    html = as_user(alice).get(intake.get_absolute_url()).text
    for text in ANSWERS.values():
        assert f"\n{text}</textarea>" in html
    assert html.count(_notice(pre)) == 3  # presenting, previous treatment, strengths


def test_it_leaves_sections_already_written(as_user, alice, cleo):
    intake = start(cleo)
    save(intake, "presenting", text="In her words: 'I can't switch off.'")
    pre, _ = send(cleo)
    pre = answer(pre)
    html = as_user(alice).get(intake.get_absolute_url()).text
    assert "\nIn her words: &#x27;I can&#x27;t switch off.&#x27;</textarea>" in html
    assert f"\n{ANSWERS['what_brings_you']}</textarea>" not in html
    assert f"\n{ANSWERS['prior_therapy']}</textarea>" in html
    assert html.count(_notice(pre)) == 2


def test_it_writes_nothing_until_the_clinician_saves(as_user, alice, cleo):
    pre, _ = send(cleo)
    answer(pre)
    intake = start(cleo)
    as_user(alice).get(intake.get_absolute_url())
    stored = section(intake, "previous_treatment")
    assert (stored.text, stored.version) == ("", 1)


def test_it_stops_prefilling_once_saved(as_user, alice, cleo):
    pre, _ = send(cleo)
    pre = answer(pre)
    intake = start(cleo)
    save(intake, "strengths", text="")
    html = as_user(alice).get(intake.get_absolute_url()).text
    assert f"\n{ANSWERS['current_supports']}</textarea>" not in html
    assert html.count(_notice(pre)) == 2


def test_it_shows_all_answers_on_the_intake(as_user, sam, cleo):
    pre, _ = send(cleo)
    answer(pre)
    intake = start(cleo)
    html = as_user(sam).get(intake.get_absolute_url()).text
    assert "The client's pre-intake questionnaire" in html
    for text in ANSWERS.values():
        assert text in html
    # The supervisor reads; nothing is offered to save.
    assert "From the client's pre-intake questionnaire," not in html
