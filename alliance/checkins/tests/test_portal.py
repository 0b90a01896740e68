"""The client's check-in form, confirmation and history in the portal."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.checkins.models import FEELINGS, CheckIn
from alliance.clients.services import transition_episode

NEW = reverse("checkins:new")


def _data(**fields):
    return {
        "mood": "6",
        "feelings": ["hopeful", "tired"],
        "note": "Slept better.",
        "safety_concern": "no",
        "submission_key": str(uuid.uuid4()),
        **fields,
    }


def _key(body):
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body).group(1)


def test_the_form_asks_each_question(portal):
    body = portal.get(NEW).text
    assert "How has your mood been today?" in body
    assert "0 is the worst it could be, 10 the best." in body
    for n in range(11):
        assert f'name="mood" value="{n}"' in body
    for key, label in FEELINGS:
        assert f'value="{key}"' in body
        assert label in body
    assert 'name="note"' in body
    assert 'maxlength="1000"' in body
    assert (
        "Since your last check-in, have you had thoughts of harming yourself or "
        "ending your life?" in body
    )
    assert 'name="safety_concern" value="yes"' in body
    assert 'name="safety_concern" value="no"' in body
    uuid.UUID(_key(body))
    assert "Samaritans: 116 123" in body
    assert " style=" not in body


def test_each_page_load_has_a_fresh_key(portal):
    assert _key(portal.get(NEW).text) != _key(portal.get(NEW).text)


def test_it_saves_and_shows_the_confirmation(portal, cleo):
    response = portal.post(NEW, _data())
    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("checkins:done", args=[checkin.uuid])
    assert checkin.client == cleo
    assert checkin.mood == 6
    assert checkin.feelings == "hopeful,tired"
    assert checkin.note == "Slept better."
    assert checkin.safety_concern is False
    body = portal.get(response["Location"]).text
    assert "6 out of 10" in body
    assert "Hopeful, Tired" in body
    assert "Slept better." in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mood": ""}, "Choose a number for your mood."),
        ({"mood": "11"}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"mood": "-1"}, "Choose your mood from 0 (the worst) to 10 (the best)."),
        ({"feelings": ["calm", "elated"]}, "Choose feelings from the list."),
        ({"note": "x" * 1001}, "Keep the note to 1000 characters or fewer."),
        (
            {"safety_concern": ""},
            "Please answer the question about thoughts of harming yourself.",
        ),
        ({"safety_concern": "maybe"}, "Please answer yes or no."),
        (
            {"submission_key": "x"},
            "This form has expired. Please fill it in again and send it.",
        ),
    ],
)
def test_bad_input_re_shows_the_form_and_saves_nothing(portal, fields, message):
    response = portal.post(NEW, _data(**fields))
    assert response.status_code == 200
    assert message in response.text
    assert CheckIn.objects.count() == 0
    # What the client chose is kept for them to correct.
    if "note" not in fields:
        assert "Slept better." in response.text


def test_a_corrected_form_keeps_its_key(portal):
    key = str(uuid.uuid4())
    response = portal.post(NEW, _data(mood="", submission_key=key))
    assert _key(response.text) == key


def test_a_resubmitted_form_makes_one_check_in(portal):
    data = _data(safety_concern="yes")
    first = portal.post(NEW, data)
    second = portal.post(NEW, data)
    assert CheckIn.objects.count() == 1
    assert first["Location"] == second["Location"]
    from alliance.alerts.models import RiskAlert

    assert RiskAlert.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script>",
        '"><svg onload=alert(1)>',
        "\x00nul",
        "\u202eevil\u200d",
        "😀" * 50,
        "-1",
        "99999999999999999999",
        "{{ 7*7 }}{% debug %}",
    ],
)
def test_hostile_input_never_breaks_the_form(portal, payload):
    for field in ("mood", "feelings", "note", "safety_concern", "submission_key"):
        response = portal.post(NEW, _data(**{field: payload}))
        assert response.status_code in (200, 302)
        assert "<script>alert" not in response.text
        assert "<svg onload" not in response.text
    # Only the note takes free text; the other fields refuse the payload.
    assert CheckIn.objects.count() <= 1
    for checkin in CheckIn.objects.all():
        done = portal.get(reverse("checkins:done", args=[checkin.uuid])).text
        mine = portal.get(reverse("checkins:mine")).text
        for page in (done, mine):
            assert "<script>alert" not in page
            assert "<svg onload" not in page


def test_history_shows_the_chart_and_every_check_in(portal, check_in):
    check_in(mood=2, feelings=["sad"], note="Hard day.")
    check_in(mood=8, note="Saw a friend.", at=timezone.now() - timedelta(days=70))
    body = portal.get(reverse("checkins:mine")).text
    assert "<svg" in body
    assert 'role="img"' in body
    assert "Hard day." in body
    # Older than eight weeks: in the list, not on the chart.
    assert "Saw a friend." in body
    assert "1 check-in from" in body
    assert "The same as a table" in body
    assert "Check in now" in body
    assert " style=" not in body
    assert AuditEvent.objects.filter(action="checkin.portal_list").exists()


def test_the_client_s_chart_does_not_flag_answers(portal, check_in):
    check_in(mood=1, safety_concern=True)
    body = portal.get(reverse("checkins:mine")).text
    assert "very low mood (0-1)" not in body
    assert "answered yes to the safety question" not in body


def test_cleo_cannot_see_dan_s_check_in(portal, dan):
    checkin = CheckIn.objects.create(
        client=dan,
        episode=dan.current_episode(),
        mood=3,
        note="Dan's words",
        safety_concern=False,
        submission_key=uuid.uuid4(),
    )
    assert portal.get(reverse("checkins:done", args=[checkin.uuid])).status_code == 404
    assert "Dan's words" not in portal.get(reverse("checkins:mine")).text
    assert AuditEvent.objects.filter(
        action="checkin.view", outcome="denied", object_uuid=checkin.uuid
    ).exists()


@pytest.mark.parametrize("name", ["alice", "bob", "sam", "ada"])
def test_staff_have_no_check_in_portal(as_user, name, request):
    http = as_user(request.getfixturevalue(name))
    assert http.get(NEW).status_code == 403
    assert http.post(NEW, _data()).status_code == 403
    assert http.get(reverse("checkins:mine")).status_code == 403
    assert CheckIn.objects.count() == 0


def _close(cleo, alice, days_ago=0):
    transition_episode(
        cleo.current_episode(),
        "closed",
        by=alice,
        reason="Finished.",
        discharge="not_suitable",
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_after_closing_history_reads_and_new_check_ins_are_refused(
    portal, cleo, alice, check_in
):
    checkin = check_in(note="Before the end.")
    _close(cleo, alice)
    assert "Before the end." in portal.get(reverse("checkins:mine")).text
    assert portal.get(reverse("checkins:done", args=[checkin.uuid])).status_code == 200
    form = portal.get(NEW).text
    assert "you cannot check in now" in form
    assert 'name="mood"' not in form
    response = portal.post(NEW, _data())
    assert response.status_code == 403
    assert "can be read but no longer changed" in response.text
    assert CheckIn.objects.count() == 1


def test_after_the_read_period_check_ins_close(portal, cleo, alice):
    _close(cleo, alice, 120)
    assert portal.get(reverse("checkins:mine")).status_code == 403
    assert portal.get(NEW).status_code == 403


def test_without_an_open_episode_the_form_says_why(portal, cleo):
    from alliance.clients.models import Episode

    # An episode marked closed with no closing date: the portal is still open,
    # so the page (and the service) refuse with a reason.
    Episode.objects.filter(client=cleo).update(phase=Episode.Phase.CLOSED)
    response = portal.post(NEW, _data())
    assert response.status_code == 200
    assert "you cannot check in now" in response.text
    assert CheckIn.objects.count() == 0
