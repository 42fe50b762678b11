"""``haven audit verify|seal|anchor|schedule``: the audit trail's tools.

- ``verify`` checks every event's MAC, the sealed chain and its end, and with
  ``--anchor FILE`` the signed anchors; it names the first broken link and says
  how many events are not sealed yet. Exits non-zero when the trail is broken.
- ``seal`` chains what was written since the last seal (the worker does it every
  HAVEN_AUDIT_SEAL_SECONDS once ``schedule`` ran).
- ``anchor`` appends the signed head to ``--out FILE`` (or HAVEN_AUDIT_ANCHOR_FILE),
  a file kept outside the database.
- ``schedule`` queues the sealer for ``haven db_worker``.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from haven.audit import services, tasks
from haven.audit.errors import AuditMisconfigured


class Command(BaseCommand):
    help = (
        "Audit trail tools: 'verify' names the first broken link, 'seal' chains new "
        "events, 'anchor' exports the signed head, 'schedule' starts the worker's sealer."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "anchor", "schedule"])
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--anchor", type=Path, help="verify: a file of signed anchors")
        parser.add_argument("--out", type=Path, help="anchor: the file to append to")
        parser.add_argument("--workers", type=int, help="verify: processes (default: cores)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(options)
        except AuditMisconfigured as exc:
            raise CommandError(exc.message) from exc

    def _verify(self, options: dict[str, Any]) -> None:
        result = services.audit_verify(anchor_file=options["anchor"], workers=options["workers"])
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__))
        elif result.ok:
            self.stdout.write(
                f"audit trail intact: {result.checked} events verified, "
                f"{result.unsealed} not sealed yet, {result.gap_ids} ids never committed, "
                f"{result.anchors} anchors matched"
            )
        if not result.ok:
            where = f"event {result.broken_at}" if result.broken_at else "the end of the trail"
            raise CommandError(f"audit trail broken at {where}: {result.problem}")

    def _seal(self, options: dict[str, Any]) -> None:
        result = services.audit_seal()
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__))
        else:
            self.stdout.write(
                f"sealed {result.sealed} events, {result.gap_ids} ids recorded as never "
                f"committed; last seal {result.seq}"
            )

    def _anchor(self, options: dict[str, Any]) -> None:
        out = options["out"] or settings.HAVEN_AUDIT_ANCHOR_FILE
        if not out:
            raise CommandError("give --out FILE or set HAVEN_AUDIT_ANCHOR_FILE")
        anchor, written = services.audit_anchor(path=Path(out))
        state = "anchored" if written else "already anchored"
        self.stdout.write(f"{state}: seal {anchor.seq} ({anchor.digest[:16]}…) at {anchor.at}")

    def _schedule(self, options: dict[str, Any]) -> None:
        if tasks.audit_seal_schedule() is None:
            self.stdout.write("The audit sealer is already queued.")
        else:
            self.stdout.write(self.style.SUCCESS("Audit sealer queued for the worker."))
