"""``haven deadlines schedule|sweep``: start the worker's sweep, or sweep once now.

- ``schedule`` queues the first deadline sweep for ``haven db_worker`` (nothing
  if one is already waiting); each sweep then queues the next.
- ``sweep`` runs one sweep in this process, for cron instead of a worker.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from haven.assistance import tasks
from haven.assistance.services import deadlines as deadline_services
from haven.referrals.services import crossborder as crossborder_services
from haven.referrals.services import referrals as referral_services


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
        result = deadline_services.deadlines_sweep()
        referrals = referral_services.referrals_sweep(now=timezone.now())
        self.stdout.write(f"reminded: {result.reminded}, escalated: {result.escalated}")
        if referrals:
            self.stdout.write(f"overdue referrals escalated: {referrals}")
        alerted = crossborder_services.crossborder_sweep(now=timezone.now())
        if alerted:
            self.stdout.write(f"cross-border acknowledgements missing: {alerted}")
