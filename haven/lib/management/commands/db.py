"""``haven db optimize|schedule``: the query planner's statistics.

- ``optimize`` brings them up to date now (SQLite: a bounded ``ANALYZE`` and
  ``PRAGMA optimize``; PostgreSQL: ``ANALYZE``). ``migrate`` does it too.
- ``schedule`` queues the worker's run, repeated every few hours.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from haven.lib import db, tasks


class Command(BaseCommand):
    help = "Database statistics: 'optimize' updates them now, 'schedule' queues the worker's run."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["optimize", "schedule"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "optimize":
            done = db.optimize()
            self.stdout.write(
                f"{done.vendor}: statistics updated in {done.seconds:.2f} s "
                f"({'; '.join(done.statements) or 'nothing to do'})"
            )
        elif tasks.db_optimize_schedule() is None:
            self.stdout.write("The statistics update is already queued.")
        else:
            self.stdout.write(self.style.SUCCESS("Statistics update queued for the worker."))
