"""``haven restore --in FILE``: a sealed backup back into an empty database."""

from __future__ import annotations

from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from haven.backup import services
from haven.lib.errors import HavenError

HELP = """Restore a backup written by 'haven backup' into this database.

The database must be empty and migrated to the backup's schema ('haven migrate'
with the release that made the backup); --force replaces the rows of a database
that is not empty. Before anything is written, every part of the file is
authenticated under HAVEN_BACKUP_KEY: a changed, cut or reordered file, or
another key, is refused. The restore is one transaction: all of it or nothing.

Before it commits, the erasure ledger (HAVEN_ERASURE_LEDGER_FILE, or --ledger)
is replayed: every person erased since the backup was made is erased again.
Persons whose data keys are wrapped under a master key that is no longer
configured stay unreadable (a backup older than a retired master key).
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(
            prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--in", dest="source", required=True, help="the backup file")
        parser.add_argument(
            "--force", action="store_true", help="replace the rows of a database that has some"
        )
        parser.add_argument("--ledger", help="the erasure ledger to replay (default: the setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        ledger = Path(options["ledger"]) if options["ledger"] else None
        try:
            with Path(options["source"]).open("rb") as source:
                result = services.backup_restore(
                    source=source, force=options["force"], ledger_file=ledger
                )
        except (HavenError, OSError) as exc:
            raise CommandError(_("Nothing restored: %(problem)s") % {"problem": exc}) from exc
        if result.replaced:
            self.stdout.write(
                _("Replaced the rows of: %(tables)s.") % {"tables": ", ".join(result.replaced)}
            )
        if not result.ledger_found:
            self.stdout.write(
                _("No erasure ledger found: no erasure was replayed. Check %(setting)s.")
                % {"setting": "HAVEN_ERASURE_LEDGER_FILE"}
            )
        if result.keys_unreadable:
            self.stdout.write(
                _(
                    "%(count)d data keys are wrapped under a master key that is not "
                    "configured: the persons' data they protect cannot be read."
                )
                % {"count": result.keys_unreadable}
            )
        self.stdout.write(
            _(
                "Restored %(rows)d rows from the backup made at %(created)s; "
                "%(erased)d erasures made since were replayed."
            )
            % {
                "rows": sum(result.counts.values()),
                "created": result.header["created_at"],
                "erased": result.erasures_replayed,
            }
        )
