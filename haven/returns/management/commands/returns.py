"""``haven returns load FILE | load --shipped | list``: country return profiles as
data (R-31)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.returns import errors, profiles, schedule
from haven.returns.models import CountryProfile
from haven.returns.services import profiles as services

HELP = """Country return profiles.

load FILE      load a YAML profiles file, all or nothing: new countries are created,
               a newer file version replaces the profiles an older one loaded.
load --shipped load the synthetic profiles shipped with Haven.
list           every profile, with its last review and whether it is stale.
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["load", "list"])
        parser.add_argument("file", nargs="?", help="the YAML file to load")
        parser.add_argument(
            "--shipped", action="store_true", help="load the profiles shipped with Haven"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        if options["shipped"] == bool(options["file"]):
            raise CommandError("give either a FILE or --shipped")
        path = profiles.SHIPPED_FILE if options["shipped"] else Path(options["file"])
        try:
            results = services.country_profiles_load(text=path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        except errors.ProfileFileInvalid as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        for row, outcome in results:
            self.stdout.write(f"{row.country} {outcome}")

    def _list(self) -> None:
        from django.utils import timezone

        today = timezone.localdate()
        for row in CountryProfile.objects.order_by("name"):
            stale = " (stale)" if schedule.profile_stale(row.last_reviewed_on, today) else ""
            self.stdout.write(f"{row.country} {row.name}: reviewed {row.last_reviewed_on}{stale}")
