"""``alliance change INSTRUMENT BEFORE AFTER``: reliable and clinically significant change.

INSTRUMENT ``custom`` takes every number from the options.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from alliance.measures.change import classify_change
from alliance.measures.engine import get_instrument
from alliance.measures.management import JsonCommand


def add_norm_options(parser: CommandParser) -> None:
    parser.add_argument(
        "--reliability", type=float, help="Reliability (0–1); forces the RCI."
    )
    parser.add_argument("--sd", type=float, help="Pre-treatment SD for the RCI.")
    parser.add_argument("--m-clin", type=float, help="Mean of the clinical population.")
    parser.add_argument("--sd-clin", type=float, help="SD of the clinical population.")
    parser.add_argument(
        "--m-func", type=float, help="Mean of the functional population."
    )
    parser.add_argument(
        "--sd-func", type=float, help="SD of the functional population."
    )
    parser.add_argument(
        "--better", choices=["lower", "higher"], help="Which direction is improvement."
    )
    parser.add_argument(
        "--cutoff",
        choices=["a", "b", "c"],
        default="c",
        help="Jacobson & Truax criterion deciding clinical significance (default c).",
    )
    parser.add_argument(
        "--b-sd",
        choices=["func", "clin"],
        default="func",
        help="SD in criterion b: func (Jacobson & Truax, default) or clin (some "
        "clinicalsignificance package versions).",
    )


class Command(JsonCommand):
    help = "Classify the change between two totals (reliable change, clinical significance)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="Instrument code, or 'custom'.")
        parser.add_argument("before", type=float)
        parser.add_argument("after", type=float)
        add_norm_options(parser)

    def run(self, *args: Any, **options: Any) -> dict[str, Any]:
        code = options["instrument"]
        instrument = None if code == "custom" else get_instrument(code)
        change = classify_change(
            instrument,
            options["before"],
            options["after"],
            reliability=options["reliability"],
            sd=options["sd"],
            m_clin=options["m_clin"],
            sd_clin=options["sd_clin"],
            m_func=options["m_func"],
            sd_func=options["sd_func"],
            better=options["better"],
            cutoff=options["cutoff"],
            b_sd=options["b_sd"],
        )
        return change.as_dict()
