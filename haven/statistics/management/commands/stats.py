"""``haven stats eurostat --year YYYY``: the Eurostat set of a reporting year as one long
CSV on stdout, with the header
``table,legal_status,sex,age_group,citizenship,exploitation,value``: one row per
published cell, a suppressed cell with an empty value (R-46).

The country is the one the national coordinator's organisations are in (``--country``
names another, or the only choice when there are several); ``--as USERNAME`` reads as
that user, under the same rule as the pages (the Rapporteur or the national
coordinator, their own country). ``--xlsx PATH`` also writes the tables as a workbook.
Every run is audited, as the named user or as the console.

``haven stats report --year YYYY --out FILE.pdf`` writes the year's annual report (the
Eurostat tables, the trend, the backlog, the dashboards and the method notes) as PDF,
for the same country and under the same rule.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.accounts.models import Organisation, OrgType, User
from haven.audit.services import Actor, actor_of
from haven.lib.errors import HavenError
from haven.statistics import exports, report, selectors

CONSOLE = Actor(id=None, username="console", organisation_id="", organisation_name="")


class Command(BaseCommand):
    help = (
        "Statistics: 'eurostat --year YYYY' prints the year's Eurostat tables as long CSV; "
        "'report --year YYYY --out FILE.pdf' writes the year's annual report."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["eurostat", "report"])
        parser.add_argument("--year", type=int, required=True, help="the reporting year")
        parser.add_argument("--country", default="", help="ISO 3166-1 alpha-2 (see the help)")
        parser.add_argument("--as", dest="username", default="", help="read as this user")
        parser.add_argument("--xlsx", type=Path, default=None, help="also write an XLSX here")
        parser.add_argument("--out", type=Path, default=None, help="report: the PDF to write")

    def handle(
        self, *args: Any, action: str, year: int, country: str, username: str, **options: Any
    ) -> None:
        if action == "report" and options["out"] is None:
            raise CommandError("Name the PDF to write with --out FILE.pdf.")
        try:
            actor, country = self._reader(username, country)
            if action == "report":
                options["out"].write_bytes(
                    report.report_pdf_for_country(actor=actor, country=country, year=year)
                )
                return
            published = selectors.eurostat_for_country(
                actor=actor, country=country, year=selectors.check_year(year), output="console"
            )
        except HavenError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(exports.eurostat_csv(published), ending="")
        if options["xlsx"] is not None:
            options["xlsx"].write_bytes(exports.eurostat_xlsx(published))

    def _reader(self, username: str, country: str) -> tuple[Actor, str]:
        """Who reads, and which country: the named user under the statistics rule, or
        the console for the national coordinator's (or the named) country."""
        if not username:
            return CONSOLE, country.upper() or _national_country()
        user = (
            User.objects.select_related("organisation")
            .filter(username=username, is_active=True)
            .first()
        )
        if user is None:
            raise CommandError("No active user with this username.")
        return actor_of(user), selectors.reader_country(user)


def _national_country() -> str:
    countries = set(
        Organisation.objects.filter(org_type=OrgType.NATIONAL_COORDINATOR).values_list(
            "country", flat=True
        )
    )
    if len(countries) != 1:
        raise CommandError("Name the country with --country (ISO 3166-1 alpha-2).")
    return countries.pop()
