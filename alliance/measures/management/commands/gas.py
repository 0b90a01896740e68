"""``alliance gas --ratings -1,0,2 [--weights 1,2,1] [--rho 0.3]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from alliance.measures.gas import DEFAULT_RHO, gas_t_score
from alliance.measures.management import JsonCommand, number_list


class Command(JsonCommand):
    help = "Goal Attainment Scaling T-score (Kiresuk & Sherman)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ratings", required=True, help="Attainment per goal, −2 to 2: -1,0,2"
        )
        parser.add_argument("--weights", help="Weight per goal: 1,2,1 (default all 1)")
        parser.add_argument(
            "--rho",
            type=float,
            default=DEFAULT_RHO,
            help="Inter-goal correlation (0.3)",
        )

    def run(self, *args: Any, **options: Any) -> dict[str, Any]:
        ratings = number_list(options["ratings"], "--ratings")
        if any(not value.is_integer() for value in ratings):
            raise ValueError("--ratings must be whole numbers from -2 to 2.")
        levels = [int(value) for value in ratings]
        weights = (
            number_list(options["weights"], "--weights") if options["weights"] else None
        )
        score = gas_t_score(levels, weights, options["rho"])
        return {
            "t_score": round(score, 4),
            "ratings": levels,
            "weights": weights if weights is not None else [1.0] * len(levels),
            "rho": options["rho"],
        }
