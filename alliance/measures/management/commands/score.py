"""``alliance score INSTRUMENT ANSWER...``: score one administration.

Answers are option values in item order (``alliance score phq9 1 2 0 3 1 0 2 1 0``);
``-`` leaves an item unanswered (CORE-10 allows one); ``KEY=VALUE`` names an
item, and VALUE may be an option's value or label (``sex=female``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from alliance.measures.engine import CHOICE, Instrument, get_instrument
from alliance.measures.management import JsonCommand

SKIP = {"-", "_"}


class Command(JsonCommand):
    help = "Score an instrument; prints total, band, caseness, risk flags and subscales as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="Instrument code, e.g. phq9")
        parser.add_argument(
            "answers",
            nargs="*",
            help="Option values in item order; '-' for an unanswered item; KEY=VALUE by name.",
        )
        parser.add_argument(
            "--instrument-version", help="A version of a practice-loaded instrument."
        )

    def run(self, *args: Any, **options: Any) -> dict[str, Any]:
        instrument = get_instrument(
            options["instrument"], options["instrument_version"]
        )
        answers = parse_answers(instrument, options["answers"])
        return instrument.score(answers).as_dict()


def parse_answers(instrument: Instrument, tokens: list[str]) -> dict[str, object]:
    positional = [item for item in instrument.items if item.kind == CHOICE]
    answers: dict[str, object] = {}
    slot = 0
    for token in tokens:
        if "=" in token:
            key, _, value = token.partition("=")
            key = key.strip()
            try:
                item = instrument.item(key)
            except KeyError:
                keys = ", ".join(item.key for item in instrument.items)
                raise ValueError(
                    f"The {instrument.short_name} has no item {key!r} (items: {keys})."
                ) from None
            if key in answers:
                raise ValueError(f"Item {key!r} is answered twice.")
            answers[key] = (
                _by_label(item.options, value) if item.kind == CHOICE else value
            )
            continue
        if slot >= len(positional):
            raise ValueError(
                f"Too many answers: the {instrument.short_name} has {len(positional)} "
                "items to answer in order."
            )
        item = positional[slot]
        slot += 1
        if token in SKIP:
            continue
        if item.key in answers:
            raise ValueError(f"Item {item.key!r} is answered twice.")
        try:
            answers[item.key] = int(token)
        except ValueError:
            raise ValueError(
                f"Answer {token!r} for item {item.number} is not a number; "
                "use KEY=VALUE for named answers."
            ) from None
    return answers


def _by_label(options: tuple, value: str) -> object:
    wanted = value.strip().lower()
    for option in options:
        if wanted in (option.label.lower(), option.code.lower()) and wanted:
            return option.value
    return value.strip()
