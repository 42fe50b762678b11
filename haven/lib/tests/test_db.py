"""The query planner's statistics kept current (issue 13): after ``migrate``, by
``haven db optimize``, and every few hours by the worker (``haven db schedule``)."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate

from haven.lib import db, tasks
from haven.lib.tests.worker import done, queued, run_worker, scheduled_twice

MOMENT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_it_runs_analyze_on_sqlite_and_postgresql_and_nothing_elsewhere() -> None:
    assert db.statements_for("sqlite") == [
        f"PRAGMA analysis_limit={db.SQLITE_ANALYSIS_LIMIT}",
        "ANALYZE",
        "PRAGMA optimize",
    ]
    assert db.statements_for("postgresql") == ["ANALYZE"]
    assert db.statements_for("oracle") == []


@pytest.mark.django_db
def test_it_gathers_the_statistics_the_planner_reads() -> None:
    # given
    call_command("db", "optimize", stdout=StringIO())  # whatever was there before
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_stat1")
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES ('k', 'd', '2100-01-01')"
        )
    out = StringIO()

    # when
    call_command("db", "optimize", stdout=out)

    # then
    assert out.getvalue().startswith(f"{connection.vendor}: statistics updated in ")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'django_session'")
            assert cursor.fetchone()[0] > 0


@pytest.mark.django_db
def test_it_optimizes_after_every_migrate(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    done: list[str] = []
    monkeypatch.setattr(db, "optimize", lambda *, using: done.append(using))

    # when: the signal as migrate sends it, once per app
    for app_config in apps.get_app_configs():
        post_migrate.send(sender=app_config, app_config=app_config, using="default")

    # then: once, for the database migrated
    assert done == ["default"]


@pytest.mark.django_db(transaction=True)
def test_it_optimizes_in_the_worker_and_queues_the_next_run() -> None:
    # when
    with time_machine.travel(MOMENT, tick=False):
        call_command("db", "schedule", stdout=StringIO())
        run_worker()

    # then
    figures = done(tasks.db_optimize_run).return_value
    assert figures is not None and figures["statements"] >= 1
    [following] = queued(tasks.db_optimize_run)
    assert following.run_after == MOMENT + tasks.OPTIMIZE_EVERY


@pytest.mark.django_db
def test_it_queues_one_run_however_often_it_is_scheduled() -> None:
    # when
    said = scheduled_twice("db", "schedule")

    # then
    assert len(queued(tasks.db_optimize_run)) == 1
    assert said == [
        "Statistics update queued for the worker.",
        "The statistics update is already queued.",
    ]
