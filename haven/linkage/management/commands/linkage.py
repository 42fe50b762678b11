"""``haven linkage dedupe INPUT.csv --out PAIRS.csv``: the duplicates of a register of
persons, for integration and evaluation (issue 14).

The input is UTF-8 CSV with the header
``record_id,given_name,family_name,sex,date_of_birth,nationality`` (names in any
script; ``sex`` F, M, X or empty; ``date_of_birth`` YYYY-MM-DD, YYYY or empty;
``nationality`` ISO 3166-1 alpha-3 or alpha-2 or empty). The output is CSV with the
header ``record_id_a,record_id_b,score``, one line a predicted match (score in 0-1, at
or above ``--threshold``; with ``--threshold auto``, the model's own threshold). Runs in
memory: no database, no server. Progress goes to stderr. A row that cannot be read stops
the command with its row number and field, and nothing is written.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.linkage import dedupe


def _threshold(text: str) -> float | None:
    """A probability, or ``auto``: the model's own threshold (``dedupe.calibrated_threshold``)."""
    if text.strip().lower() == "auto":
        return None
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Linkage tools: 'dedupe INPUT.csv --out PAIRS.csv' writes the pairs of records "
        "that are likely one person, with their probability."
    )
    requires_system_checks: list[str] = []  # no database, no checks: runs anywhere

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["dedupe"])
        parser.add_argument("input", type=Path, help="CSV of persons (see the help text)")
        parser.add_argument("--out", type=Path, required=True, help="CSV of pairs to write")
        parser.add_argument(
            "--threshold",
            type=_threshold,
            default=0.5,
            help=(
                "lowest probability written (default 0.5), or 'auto': the threshold at which "
                "the model's own probabilities expect the highest F1"
            ),
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="processes (default: the cores)"
        )
        parser.add_argument(
            "--fitted-model",
            action="store_true",
            help="score with the fitted model only, without re-estimating it on this register",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def say(message: str) -> None:
            self.stderr.write(f"[{time.monotonic() - started:7.1f}s] {message}")

        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"input file not found: {source}")
        say("reading and normalising the records")
        try:
            ids, records = dedupe.read_records(source)
        except dedupe.InputError as exc:
            raise CommandError(f"{source}: {exc}; nothing written") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{source}: not UTF-8; nothing written") from exc
        workers = options["workers"] or dedupe.default_workers()
        pairs = dedupe.dedupe(
            ids,
            records,
            threshold=options["threshold"],
            workers=max(1, workers),
            adapt=not options["fitted_model"],
            progress=say,
        )
        written = dedupe.write_pairs(options["out"], pairs)
        say(f"{written} pairs written to {options['out']}")
