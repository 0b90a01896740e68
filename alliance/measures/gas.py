"""Goal Attainment Scaling T-score (Kiresuk & Sherman 1968).

    T = 50 + 10 · Σ(wᵢ·xᵢ) / √((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)

xᵢ is each goal's attainment, −2 (much less than expected) to +2 (much more);
wᵢ its weight (1 when unweighted); ρ the assumed correlation between goal
scores, 0.3 by convention "from the original paper" [S]. T is 50 when every goal
is met exactly as expected. Turner-Stokes (2009, Clin Rehabil 23:362–70)
published an erratum to the formulas printed there; this is the corrected form.
The plans app uses this function for its goals, so both show the same number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

LEVELS = (-2, -1, 0, 1, 2)
DEFAULT_RHO = 0.3


def gas_t_score(
    ratings: Sequence[int],
    weights: Sequence[float] | None = None,
    rho: float = DEFAULT_RHO,
) -> float:
    """The GAS T-score for one set of goal ratings; ValueError for bad input."""
    ratings = list(ratings)
    if not ratings:
        raise ValueError("Give at least one goal rating.")
    for rating in ratings:
        if isinstance(rating, bool) or rating not in LEVELS:
            raise ValueError(
                f"Each rating must be one of −2, −1, 0, 1, 2 (got {rating!r})."
            )
    weights = [1.0] * len(ratings) if weights is None else [float(w) for w in weights]
    if len(weights) != len(ratings):
        raise ValueError(
            f"Give one weight per goal ({len(ratings)} ratings, {len(weights)} weights)."
        )
    if any(not math.isfinite(w) or w <= 0 for w in weights):
        raise ValueError("Weights must be positive numbers.")
    if isinstance(rho, bool) or not isinstance(rho, int | float) or not 0 <= rho < 1:
        raise ValueError("rho must be at least 0 and below 1.")
    numerator = sum(w * x for w, x in zip(weights, ratings, strict=True))
    denominator = math.sqrt(
        (1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2
    )
    return 50 + 10 * numerator / denominator
