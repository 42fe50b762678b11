"""``haven audit verify``: check the hash chain of the audit trail."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.audit import services


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' reports the first broken link of the hash chain."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.audit_verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__))
        elif result.ok:
            self.stdout.write(f"audit trail intact: {result.checked} events verified")
        if not result.ok:
            where = f"event {result.broken_at}" if result.broken_at else "the end of the trail"
            raise CommandError(f"audit trail broken at {where}: {result.problem}")
