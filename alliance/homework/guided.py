"""Guided relaxation practice for the relaxation log: breathing rhythms for the
pacer and step-by-step scripts (body scan, 5-4-3-2-1 grounding).

The techniques come from the sources named on each item; the wording of every
step is Alliance's own, not copied from any published script. The entry page
renders the scripts as plain ordered lists (so they work without JavaScript)
and hands the same data to ``static/js/homework-relaxation.js`` as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alliance.homework.templates_catalog import RELAXATION_METHODS

# The template the panel belongs to, and the log's method for the pacer.
TEMPLATE = "relaxation_practice"
BREATHING_METHOD = "breathing"

# The pacer's length, in minutes (the log itself accepts 1–180).
MINUTES_LOW, MINUTES_HIGH, MINUTES_DEFAULT = 1, 20, 5

# With DEBUG on and ``?fast=1`` a practice minute lasts this many seconds, so a
# browser test can finish a one-minute exercise quickly.
FAST_SECONDS_PER_MINUTE = 3

IN, HOLD_FULL, OUT, HOLD_EMPTY = "in", "hold_full", "out", "hold_empty"
CUES = {
    IN: "Breathe in",
    HOLD_FULL: "Hold",
    OUT: "Breathe out",
    HOLD_EMPTY: "Hold",
}


@dataclass(frozen=True)
class Phase:
    kind: str
    seconds: int

    @property
    def cue(self) -> str:
        return CUES[self.kind]


@dataclass(frozen=True)
class Rhythm:
    key: str
    label: str
    description: str
    phases: tuple[Phase, ...]
    source: str
    caution: str = ""

    @property
    def cycle_seconds(self) -> int:
        return sum(p.seconds for p in self.phases)

    @property
    def breaths_per_minute(self) -> float:
        return round(60 / self.cycle_seconds, 1)


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    # How long the step lasts when the client lets the steps move on by themselves.
    seconds: int


@dataclass(frozen=True)
class Script:
    key: str
    label: str
    method: str
    intro: str
    steps: tuple[Step, ...]
    source: str

    @property
    def total_seconds(self) -> int:
        return sum(s.seconds for s in self.steps)


def _phases(*pairs: tuple[str, int]) -> tuple[Phase, ...]:
    return tuple(Phase(kind, seconds) for kind, seconds in pairs)


RHYTHMS: dict[str, Rhythm] = {
    r.key: r
    for r in (
        Rhythm(
            "even_4_4",
            "Even 4–4",
            "Breathe in for 4 seconds and out for 4 seconds: about 7 breaths a "
            "minute. A gentle place to start.",
            _phases((IN, 4), (OUT, 4)),
            "Slow, paced breathing (well under the usual 12–20 breaths a minute); "
            "reviewed by Zaccaro et al. 2018, Frontiers in Human Neuroscience "
            "12:353.",
        ),
        Rhythm(
            "longer_out_4_6",
            "Longer out-breath 4–6",
            "Breathe in for 4 seconds and out for 6 seconds: 6 breaths a minute, "
            "with the out-breath a little longer than the in-breath.",
            _phases((IN, 4), (OUT, 6)),
            "Breathing at about six breaths a minute, the rate used in heart "
            "rate variability biofeedback (Lehrer & Gevirtz 2014, Frontiers in "
            "Psychology 5:756); at that rate an out-breath longer than the "
            "in-breath gave the higher vagal activity (Laborde et al. 2021, "
            "Sustainability 13:7775).",
        ),
        Rhythm(
            "box_4_4_4_4",
            "Box 4–4–4–4",
            "Breathe in for 4, hold for 4, breathe out for 4, hold for 4: four "
            "equal sides, like a square.",
            _phases((IN, 4), (HOLD_FULL, 4), (OUT, 4), (HOLD_EMPTY, 4)),
            "Box (square) breathing, widely taught for stress; one of the "
            "practices in the trial by Balban et al. 2023, Cell Reports "
            "Medicine 4:100895.",
        ),
        Rhythm(
            "four_7_8",
            "4–7–8",
            "Breathe in for 4 seconds, hold for 7, and breathe out slowly for 8. "
            "A few rounds are often enough.",
            _phases((IN, 4), (HOLD_FULL, 7), (OUT, 8)),
            "The 4-7-8 pattern popularised by Andrew Weil from yogic breathing "
            "(pranayama); studied by Vierra et al. 2022, Physiological Reports "
            "10:e15389.",
            caution="The long hold can make some people light-headed: if you "
            "feel dizzy, stop, breathe normally, or switch to the even rhythm.",
        ),
    )
}


SCRIPTS: dict[str, Script] = {
    s.key: s
    for s in (
        Script(
            "body_scan",
            "Body scan",
            "body_scan",
            "Move your attention slowly through your body, noticing whatever is "
            "there without trying to change it. Your mind will wander; each time "
            "it does, notice where it went and bring it back to the part of the "
            "body you were on. That coming back is the practice.",
            (
                Step(
                    "Settle",
                    "Sit or lie somewhere comfortable where you will not be "
                    "interrupted. Close your eyes, or rest your gaze on one spot. "
                    "Feel how the chair, bed or floor holds your weight.",
                    45,
                ),
                Step(
                    "The breath",
                    "Notice your breathing as it is, without changing it. Where "
                    "do you feel it most: the nose, the chest, the belly? Follow "
                    "a few breaths in and out.",
                    45,
                ),
                Step(
                    "Feet",
                    "Bring your attention down to your feet: toes, soles, heels. "
                    "You might notice warmth, coolness, pressure, tingling, or "
                    "nothing much. Any of these is fine.",
                    50,
                ),
                Step(
                    "Lower legs and knees",
                    "Move up to your ankles, shins, calves and knees. Notice the "
                    "contact with clothing or the surface beneath you.",
                    50,
                ),
                Step(
                    "Thighs and hips",
                    "Now the thighs and hips. Notice their weight, and where they "
                    "press against the seat or the floor.",
                    50,
                ),
                Step(
                    "Belly and lower back",
                    "Notice the belly rising and falling as you breathe, and the "
                    "lower back behind it. If there is tightness, just notice it; "
                    "there is nothing to fix.",
                    50,
                ),
                Step(
                    "Chest and upper back",
                    "Move up to the chest and upper back. Notice the ribs widening "
                    "and settling with each breath, and perhaps your heartbeat.",
                    50,
                ),
                Step(
                    "Hands and arms",
                    "Bring your attention to your hands: fingertips, palms, the "
                    "backs of the hands. Then slowly up through wrists, forearms, "
                    "elbows and upper arms.",
                    50,
                ),
                Step(
                    "Shoulders and neck",
                    "Many people hold tension here. Notice what you find. If you "
                    "like, let the shoulders drop a little on an out-breath, or "
                    "simply let them be as they are.",
                    50,
                ),
                Step(
                    "Face and head",
                    "Notice your jaw, lips and cheeks, the area around the eyes, "
                    "the forehead and the top of the head. Let the face be soft "
                    "if it wants to be.",
                    50,
                ),
                Step(
                    "The whole body",
                    "Widen your attention to take in your whole body at once, "
                    "breathing. When you are ready, wiggle your fingers and toes, "
                    "open your eyes and come back to the room.",
                    60,
                ),
            ),
            "The body scan is a core practice of Mindfulness-Based Stress "
            "Reduction (Kabat-Zinn 1990, Full Catastrophe Living) and of "
            "Mindfulness-Based Cognitive Therapy (Segal, Williams & Teasdale "
            "2013). The steps here are written in Alliance's own words.",
        ),
        Script(
            "grounding_54321",
            "5-4-3-2-1 grounding",
            "grounding",
            "Useful when you feel overwhelmed, panicky or far away: it brings "
            "your attention back to where you are, right now, through your "
            "senses. Go at your own pace; there are no wrong answers.",
            (
                Step(
                    "Pause",
                    "Stop what you are doing. Put both feet flat on the floor and "
                    "let one breath be a little slower than the others.",
                    20,
                ),
                Step(
                    "Five things you can see",
                    "Look around and name, silently or out loud, five things you "
                    "can see. Pick out small details: a colour, an edge, the way "
                    "the light falls on something.",
                    45,
                ),
                Step(
                    "Four things you can feel",
                    "Notice four things you can feel: the seat under you, your "
                    "feet on the floor, the fabric of your clothes, the air on "
                    "your skin.",
                    45,
                ),
                Step(
                    "Three things you can hear",
                    "Listen for three sounds, near or far, loud or quiet. You do "
                    "not have to like them; just notice them.",
                    40,
                ),
                Step(
                    "Two things you can smell",
                    "Find two smells. If nothing comes, reach for something with "
                    "a scent (soap, a drink, your sleeve) or think of two smells "
                    "you like.",
                    40,
                ),
                Step(
                    "One thing you can taste",
                    "Notice one taste in your mouth, or take a sip of water and "
                    "notice that.",
                    30,
                ),
                Step(
                    "Check in",
                    "Take another slow breath. Remind yourself where you are, the "
                    "day and the time. Notice how you feel now compared with when "
                    "you began.",
                    30,
                ),
            ),
            "Grounding is a common coping skill in trauma-informed care and "
            "anxiety treatment (for example Najavits 2002, Seeking Safety). The "
            "5-4-3-2-1 walk through the senses is widely taught and has no single "
            "traceable author. The steps here are written in Alliance's own words.",
        ),
    )
}


def method_label(key: str) -> str:
    return dict(RELAXATION_METHODS).get(key, key)


def panel_data() -> dict[str, Any]:
    """The rhythms and scripts as plain data for the page's JSON script tag."""
    return {
        "breathingMethod": BREATHING_METHOD,
        "minutes": {
            "low": MINUTES_LOW,
            "high": MINUTES_HIGH,
            "default": MINUTES_DEFAULT,
        },
        "methods": dict(RELAXATION_METHODS),
        "rhythms": [
            {
                "key": r.key,
                "label": r.label,
                "description": r.description,
                "caution": r.caution,
                "phases": [
                    {"kind": p.kind, "cue": p.cue, "seconds": p.seconds}
                    for p in r.phases
                ],
            }
            for r in RHYTHMS.values()
        ],
        "scripts": [
            {
                "key": s.key,
                "label": s.label,
                "method": s.method,
                "intro": s.intro,
                "steps": [
                    {"title": st.title, "text": st.text, "seconds": st.seconds}
                    for st in s.steps
                ],
            }
            for s in SCRIPTS.values()
        ],
    }


def panel(template: str, *, fast: bool = False) -> dict[str, Any] | None:
    """Context for the guided practice panel, or None for other templates.

    ``fast`` (the caller checks DEBUG) shortens every practice minute to
    ``FAST_SECONDS_PER_MINUTE`` seconds."""
    if template != TEMPLATE:
        return None
    return {
        "rhythms": list(RHYTHMS.values()),
        "scripts": list(SCRIPTS.values()),
        "minutes_low": MINUTES_LOW,
        "minutes_high": MINUTES_HIGH,
        "minutes_default": MINUTES_DEFAULT,
        "breathing_label": method_label(BREATHING_METHOD),
        "seconds_per_minute": FAST_SECONDS_PER_MINUTE if fast else None,
        "data": panel_data(),
    }
