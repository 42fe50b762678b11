"""``haven demo-accounts [--json]``: the demo accounts and their public passwords."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from haven.demo import services as demo


class Command(BaseCommand):
    help = (
        "Print the demo accounts that 'haven seed_demo' creates, with their demo passwords. "
        "They work only on a demo instance (HAVEN_DEMO_MODE=1, loopback only)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            help="a JSON list of {username, password, organisation, org_type, role, country}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo.demo_accounts()
        if options["json"]:
            body = [account.public() for account in accounts]
            self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(demo.accounts_table(accounts))
