"""``haven linkage_index``: write the blocking keys of every live person (persons
recorded before the search before create existed, or after a key change)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from haven.linkage import services


class Command(BaseCommand):
    help = (
        "Index every live person for the search before create: each identity is "
        "decrypted in memory, its keyed blocking keys written, the read audited."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.index_rebuild()
        self.stdout.write(f"{count} persons indexed.")
