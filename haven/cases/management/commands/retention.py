"""``haven retention run [--dry-run]``: anonymise (crypto-shred) the people whose
record class ended longer ago than its retention period (R-40; settings
``HAVEN_RETENTION_YEARS_*``), except those under a legal hold, and print what was
done and what was held. The deadline sweep runs the same retention on its own."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from haven.cases import services


class Command(BaseCommand):
    help = "Retention: anonymise people whose records are past their retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")

    def handle(self, *args: Any, action: str, dry_run: bool, **options: Any) -> None:
        report = services.retention_run(dry_run=dry_run)
        for row in report.rows:
            self.stdout.write(
                f"{row.record_class}  {row.reference}  ended {row.ended_at:%Y-%m-%d}  {row.outcome}"
            )
        counts = ", ".join(f"{o.value}: {report.count(o)}" for o in services.RetentionOutcome)
        self.stdout.write(("Dry run. " if dry_run else "") + counts)
