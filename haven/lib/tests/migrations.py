"""Tests of data migrations: move the test database to named migrations, and back
to the latest ones (the ``migrations_restored`` fixture in conftest.py does that
whatever the test does)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

Targets = list[tuple[str, str | None]]
Plan = list[tuple[Migration, bool]]


class _Executor(MigrationExecutor):
    """Django's executor, except on the way back: Django renders the state before the
    first migration to unapply and then mutates that rendered state through every
    later applied migration of the whole plan (about 0.08 CPU seconds each, a few
    hundred of them to go back a dozen migrations); here the states are built
    unrendered, and each is rendered once, from scratch (about 0.16 CPU seconds),
    just before its migration is unapplied. The states, the migrations unapplied, their
    order and the state returned are Django's (``_migrate_all_backwards`` of 5.2)."""

    def _migrate_all_backwards(self, plan: Plan, full_plan: Plan, fake: bool) -> ProjectState:
        to_unapply = {migration for migration, _ in plan}
        states: dict[Migration, ProjectState] = {}
        state = ProjectState(real_apps=self.loader.unmigrated_apps)
        applied = {
            self.loader.graph.nodes[key]
            for key in self.loader.applied_migrations
            if key in self.loader.graph.nodes
        }
        for migration, _ in full_plan:
            if not to_unapply:
                break
            if migration in to_unapply:
                states[migration] = state
                state = migration.mutate_state(state, preserve=True)
                to_unapply.remove(migration)
            elif migration in applied:
                migration.mutate_state(state, preserve=False)
        for migration, _ in plan:
            states[migration].apps  # noqa: B018 rendered once, then kept up to date
            self.unapply_migration(states[migration], migration, fake=fake)
            applied.remove(migration)
        last = plan[-1][0]
        state = states[last]
        del state.apps
        index = next(i for i, (migration, _) in enumerate(full_plan) if migration == last)
        for migration, _ in full_plan[index:]:
            if migration in applied:
                migration.mutate_state(state, preserve=False)
        return state


def migrate(targets: Targets) -> MigrationExecutor:
    """Migrate the test database to ``targets``; the executor's loader then knows the
    historical models (``executor.loader.project_state(...).apps``)."""
    executor = _Executor(connection)
    executor.migrate(targets)
    return executor


def latest() -> Targets:
    """The latest migration of every app."""
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())
