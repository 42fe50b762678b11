"""``haven indicators load FILE | load --shipped | list``: indicator sets as data (R-05)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.identification import errors, loader
from haven.identification.models import IndicatorSet
from haven.identification.selectors import indicator_sets as selectors
from haven.identification.services import indicator_sets as services

HELP = """Indicator sets.

load FILE      load a YAML indicator file, all or nothing; a changed set becomes a
               new version, an unchanged one is kept (its names and translations
               are updated in place if they changed). Every problem of a malformed
               file is listed with its path.
load --shipped load the ILO/EC 2009 file shipped with Haven (provisional).
list           the latest version of each set, with its number of indicators.
"""


OUTCOMES = {
    services.Outcome.NEW_VERSION: "loaded",
    services.Outcome.TRANSLATIONS_UPDATED: "translations updated",
    services.Outcome.UNCHANGED: "unchanged",
}


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["load", "list"])
        parser.add_argument("file", nargs="?", help="the YAML file to load")
        parser.add_argument(
            "--shipped", action="store_true", help="load the ILO/EC 2009 file shipped with Haven"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        if options["shipped"] == bool(options["file"]):
            raise CommandError("give either a FILE or --shipped")
        path = loader.SHIPPED_FILE if options["shipped"] else Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
            results = services.indicator_sets_load(actor=None, text=text, file_name=path.name)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        except errors.IndicatorFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for result in results:
            row = result.row
            self.stdout.write(f"{row.key} v{row.version} {OUTCOMES[result.outcome]}")

    def _list(self) -> None:
        rows = list(selectors.indicator_set_list_latest())
        if not rows:
            self.stdout.write("no indicator sets loaded; try: haven indicators load --shipped")
        for row in rows:
            self.stdout.write(_line(row, row.indicator_count))


def _line(row: IndicatorSet, count: int) -> str:
    indicators = f"{count} indicators" if count else "no indicators yet"
    flag = "provisional" if row.provisional else "confirmed"
    return f"{row.key} v{row.version}\t{row.audience}\t{indicators}\t{flag}\t{row.title}"
