"""Matrix cases for the measures app: assigning, history, answers, clinician
entry, corrections, and kiosk mode. Kiosk pages answer like any clinical page;
outside kiosk mode they send the clinician back to the administration (302)."""

from __future__ import annotations

from tests.authz import case, clinical, kind

PHQ9_NONE = {f"q{n}": 0 for n in range(1, 11)}
SAVED = (200, 302)  # htmx gets the next screen, a plain POST a redirect


def _episode(world, side):
    return world.client_of(side).current_episode()


@kind("measure_schedule")
def _schedule(world, side):
    from alliance.measures.services import schedule_measure

    episode = _episode(world, side)
    return schedule_measure(
        episode, "phq9", when="every_session", by=episode.client.clinician
    )


@kind("measure_submitted")
def _submitted(world, side):
    from alliance.measures.services import record_administration

    episode = _episode(world, side)
    client = episode.client
    answers = {"listened": 4, "agreed": 5, "come_back": 4}
    answers["note"] = f"CANARY-{client.given_name}"
    return record_administration(
        episode, "alliance_check", answers, by=client.clinician
    )


def _draft(world, side, mode, answers):
    from alliance.measures.services import save_answers, start_administration

    episode = _episode(world, side)
    clinician = episode.client.clinician
    draft = start_administration(episode, "phq9", mode=mode, by=clinician)
    return save_answers(draft, answers, by=clinician)


@kind("measure_draft")
def _measure_draft(world, side):
    return _draft(world, side, "clinician", {"q1": 1})


@kind("measure_complete_draft")
def _complete_draft(world, side):
    return _draft(world, side, "clinician", PHQ9_NONE)


@kind("kiosk_draft")
def _kiosk_draft(world, side):
    return _draft(world, side, "kiosk", {"q1": 1})


@kind("clinical_prompt")
def _clinical_prompt(world, side):
    from alliance.measures.models import ClinicalPrompt
    from alliance.measures.services import record_administration

    episode = _episode(world, side)
    answers = {**{f"q{n}": 0 for n in range(1, 11)}, "q4": 3}
    administration = record_administration(
        episode, "audit", answers, by=episode.client.clinician
    )
    return ClinicalPrompt.objects.get(administration=administration)


def _with_instrument(obj):
    return {"uuid": obj.uuid, "instrument": "phq9"}


case(
    "measures:assign",
    **clinical(302, write=True),
    kind="episode",
    method="POST",
    data={"instrument": "phq9", "when": "every_session"},
)
case(
    "measures:start",
    **clinical(302, write=True),
    kind="episode",
    method="POST",
    data={"instrument": "gad7", "mode": "clinician"},
)
case(
    "measures:employment",
    **clinical(302, write=True),
    kind="episode",
    method="POST",
    data={"stage": "start", "status": "01"},
)
case("measures:history", **clinical(), kind="episode", kwargs=_with_instrument)
case("measures:chart", **clinical(), kind="episode", kwargs=_with_instrument)
case(
    "measures:stop", **clinical(302, write=True), kind="measure_schedule", method="POST"
)
case("measures:detail", **clinical(), kind="measure_submitted")
case(
    "measures:dismiss_prompt",
    **clinical(302, write=True),
    kind="clinical_prompt",
    method="POST",
    data={"note": "Talked it through."},
)
case("measures:enter", **clinical(write=True), kind="measure_draft")
case(
    "measures:enter",
    **clinical(SAVED, write=True),
    kind="measure_draft",
    method="POST",
    data={"answer": "2", "go": "next"},
)
case(
    "measures:submit",
    **clinical(302, write=True),
    kind="measure_complete_draft",
    method="POST",
)
case("measures:correct", **clinical(write=True), kind="measure_submitted")
case(
    "measures:correct",
    **clinical(200, write=True),
    kind="measure_submitted",
    method="POST",
    data={"reason": ""},
)
case(
    "measures:kiosk_start",
    **clinical(302, write=True),
    kind="kiosk_draft",
    method="POST",
)
case("measures:kiosk", **clinical(302, write=True), kind="kiosk_draft")
case(
    "measures:kiosk",
    **clinical(302, write=True),
    kind="kiosk_draft",
    method="POST",
    data={"answer": "1", "go": "next"},
)
case(
    "measures:kiosk_submit",
    **clinical(302, write=True),
    kind="kiosk_draft",
    method="POST",
)
case("measures:kiosk_done", **clinical(302, write=True), kind="kiosk_draft")
case("measures:kiosk_exit", **clinical(302, write=True), kind="kiosk_draft")
case(
    "measures:kiosk_exit",
    **clinical(302, write=True),
    kind="kiosk_draft",
    method="POST",
    data={"password": "wrong"},
)
