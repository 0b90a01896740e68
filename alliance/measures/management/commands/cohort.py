"""``alliance cohort FILE.csv --instrument I | --reliability R``: per-client
clinical-significance categories and their counts (Jacobson & Truax), to
reproduce a published analysis or compare with the R package clinicalsignificance.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from alliance.measures.change import classify_cohort
from alliance.measures.engine import Instrument, get_instrument
from alliance.measures.management import JsonCommand
from alliance.measures.management.commands.change import add_norm_options

MAX_ROWS = 1_000_000


class Command(JsonCommand):
    help = "Classify a cohort's pre/post scores: recovered, improved, unchanged, deteriorated, harmed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV with a header row: id,pre,post")
        parser.add_argument(
            "--instrument", help="Instrument code (published norms and range)."
        )
        add_norm_options(parser)

    def run(self, *args: Any, **options: Any) -> dict[str, Any]:
        if not options["instrument"] and options["reliability"] is None:
            raise ValueError("Give --instrument or --reliability (or both).")
        instrument = (
            get_instrument(options["instrument"]) if options["instrument"] else None
        )
        rows = read_rows(Path(options["file"]), instrument)
        return classify_cohort(
            rows,
            instrument=instrument,
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


def read_rows(
    path: Path, instrument: Instrument | None
) -> list[tuple[str, float, float]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        if not {"id", "pre", "post"} <= set(header):
            raise ValueError(
                f"{path}: the first row must name the columns id,pre,post."
            )
        reader.fieldnames = header
        rows: list[tuple[str, float, float]] = []
        seen: set[str] = set()
        for record in reader:
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                raise ValueError(f"{path}: more than {MAX_ROWS} rows.")
            client = (record.get("id") or "").strip()
            if not client:
                raise ValueError(f"{path}, row {line}: the id is empty.")
            if client in seen:
                raise ValueError(f"{path}, row {line}: id {client!r} appears twice.")
            seen.add(client)
            pair = []
            for column in ("pre", "post"):
                raw = (record.get(column) or "").strip()
                try:
                    value = float(raw)
                except ValueError:
                    value = math.nan
                if not math.isfinite(value):
                    raise ValueError(
                        f"{path}, row {line}: {column} {raw!r} is not a number."
                    )
                if instrument and not instrument.minimum <= value <= instrument.maximum:
                    raise ValueError(
                        f"{path}, row {line}: {column} {value:g} is outside the "
                        f"{instrument.short_name} range {instrument.minimum:g}–{instrument.maximum:g}."
                    )
                pair.append(value)
            rows.append((client, pair[0], pair[1]))
    if not rows:
        raise ValueError(f"{path}: no data rows after the header.")
    return rows
