"""``haven deadlines schedule|sweep``: start the worker's sweep, or sweep once now.

- ``schedule`` queues the first deadline sweep for ``haven db_worker`` (nothing
  if one is already waiting); each sweep then queues the next.
- ``sweep`` runs one sweep in this process, for cron instead of a worker.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from haven.deadlines import kinds, tasks


class Command(BaseCommand):
    help = "Deadline reminders and escalations: schedule the worker's sweep, or sweep once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["schedule", "sweep"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "schedule":
            queued = tasks.deadline_sweep_schedule()
            if queued is None:
                self.stdout.write("A deadline sweep is already queued.")
            else:
                self.stdout.write(self.style.SUCCESS("Deadline sweep queued for the worker."))
            return
        figures = tasks.sweep_all()
        self.stdout.write(
            f"reminded: {figures.pop('reminded')}, escalated: {figures.pop('escalated')}"
        )
        for sweep in kinds.sweeps():
            if figures[sweep.name]:
                self.stdout.write(f"{sweep.label}: {figures[sweep.name]}")
