"""Tests of data migrations: move the test database to named migrations, and back
to the latest ones (the ``migrations_restored`` fixture in conftest.py does that
whatever the test does)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Targets = list[tuple[str, str | None]]


def migrate(targets: Targets) -> MigrationExecutor:
    """Migrate the test database to ``targets``; the executor's loader then knows the
    historical models (``executor.loader.project_state(...).apps``)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest() -> Targets:
    """The latest migration of every app."""
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())
