"""``haven placement solve --input FILE.json [--time-limit S]``: the group placement of
a set of people over a set of places, for integration and evaluation (issue 16).

The input and output are JSON as ``docs/placement.md`` describes (``-`` reads the
input from stdin). The solution goes to stdout; exit 0. Input that does not follow
the contract stops the command with a non-zero exit and, on stderr, the path of the
first field at fault (``people[3].risk_level: must be 1, 2 or 3``). Runs in memory:
no database, no server, nothing logged.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.shelters import contract, solver


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 3600:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Group placement: 'solve --input FILE.json' prints where each person goes, "
        "who cannot be placed and why (JSON)."
    )
    requires_system_checks: list[str] = []  # no database, no checks: runs anywhere

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["solve"])
        parser.add_argument("--input", required=True, help="places and people (JSON; - is stdin)")
        parser.add_argument(
            "--time-limit",
            type=_seconds,
            default=10.0,
            help="seconds CP-SAT may search (default 10); the best found is printed",
        )
        parser.add_argument("--workers", type=int, default=2, help="search workers (default 2)")

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["input"])
        try:
            places, people = contract.parse(data)
        except contract.ContractError as exc:
            raise CommandError(exc.message) from exc
        solution = solver.solve(
            places, people, time_limit=options["time_limit"], workers=max(1, options["workers"])
        )
        self.stdout.write(json.dumps(contract.render(solution, people), ensure_ascii=False))

    @staticmethod
    def _read(name: str) -> object:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError("input file not found") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError("input file cannot be read as UTF-8 text") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"$: not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from exc
