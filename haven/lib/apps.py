from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _optimize_after_migrate(*, using: str = "default", **_kwargs: Any) -> None:
    """New indexes and tables get their statistics as soon as they exist."""
    from haven.lib import db

    db.optimize(using=using)


class LibConfig(AppConfig):
    """Shared helpers; as an app it keeps the database's statistics current."""

    name = "haven.lib"
    label = "lib"
    verbose_name = "Haven library"

    def ready(self) -> None:
        # Sent once per app after ``migrate`` (and ``flush``): this app's is enough.
        post_migrate.connect(_optimize_after_migrate, sender=self, dispatch_uid="haven.lib.db")
