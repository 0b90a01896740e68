from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.measures.models import MeasureSchedule
from alliance.measures.services import record_administration

PHQ9 = {f"q{i}": 0 for i in range(1, 10)}


def _scores(cleo, alice, totals):
    episode = cleo.current_episode()
    start = timezone.now() - timedelta(weeks=len(totals))
    for n, total in enumerate(totals):
        answers = dict(PHQ9)
        for i in range(1, 10):
            answers[f"q{i}"] = min(3, max(0, total - 3 * (i - 1)))
        record_administration(
            episode, "phq9", answers, by=alice, at=start + timedelta(weeks=n)
        )
    return episode


def test_the_history_page_shows_the_chart(as_user, alice, cleo):
    episode = _scores(cleo, alice, [18, 12, 6])
    response = as_user(alice).get(
        reverse("measures:history", args=[episode.uuid, "phq9"])
    )
    content = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in content
    assert content.count("<circle") == 3
    assert "Clinical cut-off (10)" in content


def test_the_chart_downloads_as_svg(as_user, alice, cleo):
    episode = _scores(cleo, alice, [18, 12])
    response = as_user(alice).get(
        reverse("measures:chart", args=[episode.uuid, "phq9"])
    )
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response.getvalue().startswith(b"<svg")


def test_the_client_sees_a_shared_chart_in_the_portal(client, alice, cleo):
    from conftest import log_in

    episode = _scores(cleo, alice, [18, 9])
    MeasureSchedule.objects.create(
        episode=episode,
        instrument="phq9",
        when="once",
        share_with_client=True,
        created_by=alice,
    )
    page = log_in(client, cleo.user).get(reverse("portal:progress"))
    assert b"Your PHQ-9 scores over time" in page.content
    assert page.content.count(b"<circle") == 2


def test_the_history_legend_names_only_what_the_chart_draws(as_user, alice, cleo):
    from alliance.measures.engine import get_instrument

    episode = _scores(cleo, alice, [18, 12])
    # Our alliance check has no bands, cut-off or reliable-change value.
    check = get_instrument("alliance_check")
    answers = {item.key: 4 for item in check.items if item.scored}
    record_administration(episode, "alliance_check", answers, by=alice)
    http = as_user(alice)
    phq9 = http.get(reverse("measures:history", args=[episode.uuid, "phq9"])).text
    legend = phq9.split('<p class="help">', 1)[1].split("</p>", 1)[0]
    assert "Shaded: severity bands." in legend
    assert "Dashed red: the clinical cut-off." in legend
    assert "reliable change" in legend
    page = http.get(
        reverse("measures:history", args=[episode.uuid, "alliance_check"])
    ).text
    legend = page.split('<p class="help">', 1)[1].split("</p>", 1)[0]
    assert "Shaded" not in legend
    assert "cut-off" not in legend
    assert "reliable change" not in legend
    assert "Download the chart" in legend
