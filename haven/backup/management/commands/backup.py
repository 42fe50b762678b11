"""``haven backup --out FILE``: the whole database, sealed under the backup key."""

from __future__ import annotations

import os
import tempfile
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from haven.backup import services
from haven.lib.errors import HavenError
from haven.lib.files import OWNER_ONLY

HELP = """Write an encrypted, authenticated backup of the whole database to FILE.

The file (owner-only, mode 0600) holds every table's rows in a portable form,
sealed with AES-256-GCM under HAVEN_BACKUP_KEY (or HAVEN_BACKUP_KEY_FILE). Its
header names the format, the time, the database vendor and the schema's
migrations. It is written beside FILE first and moved into place only when
complete, so FILE is never a partial backup. Personal data in it stays
encrypted under each person's data key; keep the master key, the backup key
and the erasure ledger apart from the backups (docs/operations.md).
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(
            prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, help="the backup file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["out"])
        try:
            descriptor, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        except OSError as exc:
            raise CommandError(_("No backup written: %(problem)s") % {"problem": exc}) from exc
        try:
            os.fchmod(descriptor, OWNER_ONLY)
            with os.fdopen(descriptor, "wb") as out:
                result = services.backup_write(out=out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except HavenError as exc:
            raise CommandError(_("No backup written: %(problem)s") % {"problem": exc}) from exc
        finally:
            Path(partial).unlink(missing_ok=True)
        self.stdout.write(
            _(
                "Backup written to %(file)s: %(rows)d rows of %(tables)d tables, "
                "made at %(created)s, sealed with backup key %(key)s."
            )
            % {
                "file": target,
                "rows": sum(result.counts.values()),
                "tables": len(result.counts),
                "created": result.header["created_at"],
                "key": result.header["key_id"],
            }
        )
