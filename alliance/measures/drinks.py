"""What "a drink" means in the AUDIT and AUDIT-C questions, by the practice's
setting (``Practice.drink_measure``). The note is shown above every question of
those two measures; the questions themselves keep the WHO wording.

Definitions:

- WHO standard drink: 10 g of pure alcohol [V] (WHO AUDIT manual, Babor et al.
  2001, WHO/MSD/MSB/01.6a, as quoted at
  https://counselingchennai.com/the-alcohol-use-disorders-identification-test:
  "a standard drink equivalent is 10 grams of alcohol").
- UK unit: 10 ml or 8 g of pure alcohol [S] (NHS, "Alcohol units",
  https://www.nhs.uk/live-well/alcohol-advice/calculating-alcohol-units/; not
  read for this release).
- US standard drink: 14 g (0.6 fl oz) of pure alcohol, e.g. 12 fl oz of 5 %
  beer, 5 fl oz of 12 % wine, 1.5 fl oz of 40 % spirits [S] (NIAAA, "What is a
  standard drink?", https://www.niaaa.nih.gov/alcohols-effects-health/what-standard-drink;
  not read for this release).

The WHO and UK examples are Alliance's arithmetic: volume × strength × 0.789
g/ml (the density of ethanol). 10 g is 12.7 ml of pure alcohol: about 250 ml
of 5 % beer (12.5 ml), 100 ml of 12 % wine (12 ml) or 30 ml of 40 % spirits
(12 ml). A UK unit (10 ml): half a pint (284 ml) of 3.6 % beer (10.2 ml), 76
ml of 13 % wine (9.9 ml), a 25 ml single of 40 % spirits (10 ml).
"""

from __future__ import annotations

from alliance.accounts.models import Practice

DRINK_MEASURES = ("audit", "auditc")

NOTES: dict[str, str] = {
    Practice.DrinkMeasure.WHO: (
        "In these questions “a drink” means a standard drink with 10 grams of "
        "pure alcohol: about 250 ml of 5% beer, 100 ml of 12% wine, or 30 ml of "
        "40% spirits."
    ),
    Practice.DrinkMeasure.UK: (
        "In these questions count one UK unit as “a drink”. A unit is 10 ml (8 "
        "grams) of pure alcohol: half a pint of 3.6% beer, a small (76 ml) glass "
        "of 13% wine, or a single 25 ml measure of 40% spirits."
    ),
    Practice.DrinkMeasure.US: (
        "In these questions “a drink” means a US standard drink with 14 grams "
        "of pure alcohol: 12 fl oz of 5% beer, 5 fl oz of 12% wine, or 1.5 fl oz "
        "of 40% (80-proof) spirits."
    ),
}


def drink_note(instrument_code: str, practice: Practice | None) -> str:
    """The definition of a drink to show with the AUDIT or AUDIT-C; "" for
    any other measure."""
    if instrument_code not in DRINK_MEASURES:
        return ""
    measure = practice.drink_measure if practice else Practice.DrinkMeasure.WHO
    return NOTES.get(measure, NOTES[Practice.DrinkMeasure.WHO])
