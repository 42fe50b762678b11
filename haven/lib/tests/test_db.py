"""The query planner's statistics kept current (issue 13): after ``migrate``, by
``haven db optimize``, and every few hours by the worker (``haven db schedule``)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_migrate

from haven.lib import db, tasks
from haven.lib.tests.worker import done, queued, run_worker, scheduled_twice

MOMENT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


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


# --- statements prepared once per connection --------------------------------------------

ON_POSTGRES = connection.vendor == "postgresql"
NEEDS_POSTGRES = pytest.mark.skipif(
    not ON_POSTGRES, reason="prepared statements are PostgreSQL's (SQLite caches its own)"
)
INSERT = "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)"
EXPIRES = datetime(2100, 1, 1, tzinfo=UTC)


def _prepared() -> list[tuple[int, int]]:
    """The statements into the session table this connection has prepared: how often
    each was planned once for all (generic) and for its values (custom)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'INSERT INTO django_session%%'"
        )
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_a_prepared_cursor_writes_in_the_callers_transaction_and_is_counted(
    django_assert_num_queries: Any,
) -> None:
    # when: three statements in a transaction that is then rolled back
    with transaction.atomic():
        with django_assert_num_queries(3) as captured:
            for n in range(3):
                with db.prepared_cursor(connection) as cursor:
                    cursor.execute(INSERT, [f"k{n}", "d", EXPIRES])
        assert Session.objects.count() == 3
        transaction.set_rollback(True)

    # then: logged as Django's own queries are, and undone with the transaction
    assert all(q["sql"].startswith("INSERT") for q in captured.captured_queries)
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_a_prepared_cursor_raises_djangos_errors() -> None:
    # given
    with db.prepared_cursor(connection) as cursor:
        cursor.execute(INSERT, ["k", "d", EXPIRES])

    # when / then: the same error Django's own cursor raises
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        db.prepared_cursor(connection) as cursor,
    ):
        cursor.execute(INSERT, ["k", "d", EXPIRES])


@pytest.mark.skipif(ON_POSTGRES, reason="on PostgreSQL the cursor is psycopg's, prepared")
@pytest.mark.django_db
def test_a_prepared_cursor_is_the_ordinary_cursor_on_sqlite() -> None:
    with db.prepared_cursor(connection) as prepared, connection.cursor() as ordinary:
        assert type(prepared.cursor) is type(ordinary.cursor)


@NEEDS_POSTGRES
@pytest.mark.django_db
def test_it_prepares_the_statement_once_and_djangos_own_never() -> None:
    # when: the same statement three times through Django's cursor
    for n in range(3):
        with connection.cursor() as cursor:
            cursor.execute(INSERT, [f"d{n}", "d", EXPIRES])

    # then: not prepared
    assert _prepared() == []

    # when: three times through a prepared cursor
    for n in range(3):
        with db.prepared_cursor(connection) as cursor:
            cursor.execute(INSERT, [f"p{n}", "d", EXPIRES])

    # then: one statement, prepared once and run three times
    [(generic, custom)] = _prepared()
    assert generic + custom == 3
    assert Session.objects.count() == 6


@NEEDS_POSTGRES
@pytest.mark.django_db
def test_it_binds_on_the_server_but_prepares_nothing_when_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: HAVEN_DB_PREPARED off (Django's default: no prepare threshold)
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)

    # when
    for n in range(3):
        with db.prepared_cursor(connection) as cursor:
            cursor.execute(INSERT, [f"p{n}", "d", EXPIRES])

    # then: written, not prepared
    assert Session.objects.count() == 3
    assert _prepared() == []


POSTGRES_URL = "postgres://haven@127.0.0.1:1/haven"
SQLITE_URL = "sqlite:////tmp/haven-unused.sqlite3"


@pytest.mark.parametrize(
    ("url", "value", "threshold"),
    [
        (POSTGRES_URL, None, "5"),
        (POSTGRES_URL, "0", "None"),
        (POSTGRES_URL, "1", "5"),
        # a psycopg option: a SQLite database given by URL has none (sqlite3 refuses it)
        (SQLITE_URL, None, "None"),
        (SQLITE_URL, "1", "None"),
    ],
)
def test_prepared_statements_are_on_unless_turned_off(
    url: str, value: str | None, threshold: str
) -> None:
    # given: a database by URL (nothing connects to it)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("HAVEN_DB_PREPARED", None)
    if value is not None:
        env["HAVEN_DB_PREPARED"] = value
    code = (
        "import haven.settings as s; "
        "print(s.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )

    # when
    done = subprocess.run(  # noqa: S603 - this interpreter with fixed code
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )

    # then
    assert done.stdout.strip() == threshold


# --- the statement run most often, on a cursor kept with the connection -----------------

RETURNING = INSERT + " RETURNING session_key"


@pytest.mark.django_db
def test_fetch_one_prepared_returns_the_row_in_the_callers_transaction() -> None:
    # when: a statement in a transaction that is then rolled back
    with transaction.atomic():
        row = db.fetch_one_prepared(connection, RETURNING, ["k", "d", EXPIRES])
        assert Session.objects.count() == 1
        transaction.set_rollback(True)

    # then: its row returned, the write undone with the transaction
    assert tuple(row) == ("k",)
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_fetch_one_prepared_raises_djangos_errors_and_refuses_a_broken_transaction() -> None:
    # given
    db.fetch_one_prepared(connection, RETURNING, ["k", "d", EXPIRES])

    with transaction.atomic():
        # when: a duplicate key, in a block without a savepoint
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            db.fetch_one_prepared(connection, RETURNING, ["k", "d", EXPIRES])

        # then: the transaction must be rolled back before anything else runs in it,
        # as with Django's own cursor
        with pytest.raises(transaction.TransactionManagementError):
            db.fetch_one_prepared(connection, RETURNING, ["other", "d", EXPIRES])


@pytest.mark.django_db
def test_fetch_one_prepared_is_logged_and_wrapped_when_queries_are_watched(
    django_assert_num_queries: Any,
) -> None:
    # given
    seen: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    # when: under the query log, then under an execute wrapper
    with django_assert_num_queries(1) as captured:
        db.fetch_one_prepared(connection, RETURNING, ["logged", "d", EXPIRES])
    with connection.execute_wrapper(watch):
        db.fetch_one_prepared(connection, RETURNING, ["wrapped", "d", EXPIRES])

    # then: each saw its statement
    assert [q["sql"][:6] for q in captured.captured_queries] == ["INSERT"]
    assert seen == [RETURNING]
    assert Session.objects.count() == 2


@NEEDS_POSTGRES
@pytest.mark.django_db
def test_fetch_one_prepared_keeps_one_cursor_per_connection_and_prepares_once() -> None:
    # given: nothing watches the queries
    assert not connection.queries_logged and not connection.execute_wrappers

    # when: three statements
    for n in range(3):
        db.fetch_one_prepared(connection, RETURNING, [f"p{n}", "d", EXPIRES])

    # then: one cursor, kept with the connection it was made on; one statement,
    # prepared once and run three times
    raw, cursor = getattr(connection, db._KEPT)
    assert raw is connection.connection
    assert not cursor.closed
    [(generic, custom)] = _prepared()
    assert generic + custom == 3

    # when: the database connection is no longer the one the cursor was made on
    setattr(connection, db._KEPT, (object(), cursor))
    db.fetch_one_prepared(connection, RETURNING, ["again", "d", EXPIRES])

    # then: a new cursor on the connection in use
    raw, fresh = getattr(connection, db._KEPT)
    assert raw is connection.connection
    assert fresh is not cursor
    assert Session.objects.count() == 4
