"""The guided practice panel on the relaxation log's entry page: breathing
rhythms and scripts as server data, the panel only where it belongs, the log
form's validation, and a page that keeps the strict CSP (no inline script or
style)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from alliance.homework import guided
from alliance.homework.models import HomeworkEntry
from alliance.homework.services import submit_entry
from alliance.homework.templates_catalog import RELAXATION_METHODS, TEMPLATES
from alliance.homework.tests.helpers import RELAX, one_off

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "homework"
JS = "js/homework-relaxation.js"
CSS = "css/homework-relaxation.css"


def _url(assignment, query=""):
    day = assignment.due_date.isoformat()
    return reverse("homework:entry", args=[assignment.uuid, day]) + query


def _page(as_user, cleo, template="relaxation_practice", query=""):
    assignment = one_off(cleo, template=template)
    response = as_user(cleo.user).get(_url(assignment, query))
    assert response.status_code == 200
    return response.content.decode()


# -- the data ---------------------------------------------------------------------


def test_every_rhythm_has_positive_phases_and_a_source():
    assert set(guided.RHYTHMS) == {
        "even_4_4",
        "longer_out_4_6",
        "box_4_4_4_4",
        "four_7_8",
    }
    for key, rhythm in guided.RHYTHMS.items():
        assert rhythm.key == key
        assert rhythm.phases, key
        assert rhythm.phases[0].kind == guided.IN
        assert any(p.kind == guided.OUT for p in rhythm.phases), key
        for phase in rhythm.phases:
            assert isinstance(phase.seconds, int) and phase.seconds > 0, key
            assert phase.kind in guided.CUES
        assert rhythm.description and rhythm.source, key
    assert [p.seconds for p in guided.RHYTHMS["four_7_8"].phases] == [4, 7, 8]
    assert guided.RHYTHMS["longer_out_4_6"].breaths_per_minute == 6.0
    assert guided.RHYTHMS["box_4_4_4_4"].cycle_seconds == 16


def test_every_script_has_steps_a_logged_method_and_a_source():
    methods = dict(RELAXATION_METHODS)
    assert guided.BREATHING_METHOD in methods
    assert set(guided.SCRIPTS) == {"body_scan", "grounding_54321"}
    for key, script in guided.SCRIPTS.items():
        assert script.key == key
        assert script.method in methods, key
        assert script.intro and script.source, key
        assert script.steps, key
        for step in script.steps:
            assert step.title.strip() and step.text.strip(), key
            assert isinstance(step.seconds, int) and step.seconds > 0, key
    assert 9 <= len(guided.SCRIPTS["body_scan"].steps) <= 12
    assert "Kabat-Zinn" in guided.SCRIPTS["body_scan"].source
    senses = [s.title for s in guided.SCRIPTS["grounding_54321"].steps]
    for count in ("Five", "Four", "Three", "Two", "One"):
        assert any(title.startswith(count) for title in senses), count


def test_the_pacer_length_fits_the_log():
    minutes = TEMPLATES["relaxation_practice"].fields
    field = next(f for f in minutes if f.name == "minutes")
    assert field.low <= guided.MINUTES_LOW <= guided.MINUTES_DEFAULT
    assert guided.MINUTES_DEFAULT <= guided.MINUTES_HIGH == 20 <= field.high


def test_the_panel_data_is_plain_json():
    data = json.loads(json.dumps(guided.panel_data()))
    assert [r["key"] for r in data["rhythms"]] == list(guided.RHYTHMS)
    assert data["rhythms"][0]["phases"][0] == {
        "kind": "in",
        "cue": "Breathe in",
        "seconds": 4,
    }
    assert data["methods"]["body_scan"] == "Body scan"
    assert guided.panel("sf_scaling") is None


# -- the page -------------------------------------------------------------------------


def test_it_shows_the_guided_practice_above_the_log(as_user, cleo):
    body = _page(as_user, cleo)
    assert body.index('id="guided-practice"') < body.index('id="hw-form-heading"')
    assert '<label for="pacer-rhythm">Breathing rhythm</label>' in body
    assert '<label for="pacer-minutes">Minutes to practise</label>' in body
    assert 'id="pacer-minutes" min="1" max="20" value="5"' in body
    assert re.search(r'id="pacer-cue"[^>]*aria-live="polite"', body)
    for name in ("Start", "Pause", "Stop", "Next step", "Previous step"):
        assert re.search(rf'<button type="button"[^>]*>{name}</button>', body), name
    for rhythm in guided.RHYTHMS.values():
        assert f'<option value="{rhythm.key}">{rhythm.label}</option>' in body
    # Without JavaScript the scripts read as plain ordered lists.
    assert body.count('<ol class="guided-steps">') == len(guided.SCRIPTS)
    for script in guided.SCRIPTS.values():
        for step in script.steps:
            assert f"<strong>{step.title}.</strong>" in body
    # The controls only appear once the script runs.
    assert 'class="guided-controls" data-guided-js hidden' in body
    data = re.search(
        r'<script id="guided-data" type="application/json">(.*?)</script>',
        body,
        re.S,
    )
    assert data is not None
    assert json.loads(data.group(1)) == guided.panel_data()


def test_it_rates_tension_before_ahead_of_the_practice(as_user, cleo):
    body = _page(as_user, cleo)
    form = body[body.index('id="hw-form-heading"') :]
    positions = [
        form.index(f'id="id_{name}"')
        for name in ("tension_before", "method", "minutes", "tension_after")
    ]
    assert positions == sorted(positions)
    assert '<a href="#id_tension_before">Tension before</a>' in body


@pytest.mark.parametrize("template", sorted(set(TEMPLATES) - {"relaxation_practice"}))
def test_other_templates_have_no_guided_practice(as_user, cleo, template):
    body = _page(as_user, cleo, template=template)
    assert "pacer-cue" not in body
    assert "guided-data" not in body
    assert "homework-relaxation" not in body


def test_a_sent_log_has_no_timer(as_user, cleo):
    assignment = one_off(cleo, template="relaxation_practice")
    submit_entry(assignment, assignment.due_date, RELAX, by=cleo.user)
    body = as_user(cleo.user).get(_url(assignment)).content.decode()
    assert "You sent this on" in body
    assert "pacer-cue" not in body


def test_fast_mode_needs_debug_and_the_query(as_user, cleo, settings):
    assert "data-seconds-per-minute" not in _page(as_user, cleo, query="?fast=1")
    settings.DEBUG = True
    assert "data-seconds-per-minute" not in _page(as_user, cleo)
    fast = _page(as_user, cleo, query="?fast=1")
    assert f'data-seconds-per-minute="{guided.FAST_SECONDS_PER_MINUTE}"' in fast


# -- the log form -------------------------------------------------------------------


def _submit(as_user, cleo, **answers):
    assignment = one_off(cleo, template="relaxation_practice")
    data = {
        "version": "0",
        "action": "submit",
        **{k: str(v) for k, v in answers.items()},
    }
    return as_user(cleo.user).post(_url(assignment), data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"minutes": 0}, "Minutes practised (1–180): enter a number from 1 to 180."),
        ({"minutes": 181}, "Minutes practised (1–180): enter a number from 1 to 180."),
        ({"tension_before": ""}, "Tension before (0–10): please fill this in."),
        ({"tension_after": ""}, "Tension after (0–10): please fill this in."),
        ({"tension_after": 11}, "Tension after (0–10): enter a number from 0 to 10."),
        ({"tension_before": -1}, "Tension before (0–10): enter a number from 0 to 10."),
        ({"method": "yoga"}, "What did you practise?: choose one of the options."),
    ],
)
def test_it_refuses_a_bad_log_and_saves_nothing(as_user, cleo, change, message):
    response = _submit(as_user, cleo, **{**RELAX, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert HomeworkEntry.objects.count() == 0


@pytest.mark.parametrize("method", [key for key, _ in RELAXATION_METHODS])
def test_it_accepts_every_method_old_and_new(as_user, cleo, method):
    response = _submit(as_user, cleo, **{**RELAX, "method": method, "minutes": 180})
    assert response.status_code == 302
    entry = HomeworkEntry.objects.get()
    assert entry.answers["method"] == method
    assert entry.answers["minutes"] == 180


def test_the_methods_once_stored_stay_valid():
    keys = [key for key, _ in RELAXATION_METHODS]
    assert {"breathing", "muscle", "mindfulness", "other"} <= set(keys)
    assert {"body_scan", "grounding"} <= set(keys)


# -- static files and the CSP -------------------------------------------------------------


def test_it_loads_its_script_and_styles_from_our_origin(as_user, cleo):
    body = _page(as_user, cleo)
    assert f'<script src="{static(JS)}" defer></script>' in body
    assert f'<link rel="stylesheet" href="{static(CSS)}">' in body
    assert static(JS).startswith("/")
    assert finders.find(JS) and finders.find(CSS)


def test_the_script_is_served(client, settings):
    # WhiteNoise serves from the finders when asked to (as it does with DEBUG on).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get(static(JS))
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    source = b"".join(response.streaming_content).decode()
    assert 'getElementById("id_minutes")' in source


def test_the_script_avoids_what_the_csp_forbids():
    source = Path(finders.find(JS)).read_text()
    for banned in ("innerHTML", "eval(", "new Function", 'setAttribute("style"'):
        assert banned not in source, banned


def test_the_page_has_no_inline_script_or_style(as_user, cleo):
    body = _page(as_user, cleo)
    assert " style=" not in body
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("name", ["_guided.html", "entry.html"])
def test_the_templates_have_no_inline_script_or_style(name):
    source = (TEMPLATE_DIR / name).read_text()
    assert "style=" not in source
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert "src=" in tag, tag


def _node(expression: str):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"const m = require({json.dumps(finders.find(JS))}); "
    script += f"console.log(JSON.stringify({expression}));"
    done = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_stopping_logs_the_real_time_rounded_to_the_nearest_minute():
    seconds = [0, 4, 29, 30, 89, 90, 150, 600, 20000]
    minutes = _node(f"{seconds}.map(m.minutesFor)")
    # A few seconds is not a minute: nothing is logged (0).
    assert minutes == [0, 0, 0, 1, 1, 2, 3, 10, 180]


def test_a_stop_under_half_a_minute_leaves_the_log_alone():
    source = Path(finders.find(JS)).read_text()
    assert "if (minutes === 0)" in source
    assert "less than half a minute, so nothing was put in" in source
