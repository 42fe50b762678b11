"""Database upkeep: the statistics the query planner chooses indexes by.

Without statistics SQLite guesses, and guesses wrong on large tables (a case's
open deadlines of one kind read through the index of every open deadline in the
country). ``optimize`` gathers them: on SQLite a bounded ``ANALYZE`` (a sample of
each index, so it costs about the same on a large database) and ``PRAGMA
optimize``; on PostgreSQL ``ANALYZE`` (sampled too; autovacuum does it as well,
this makes it current after a migration or a bulk load). It runs after every
``migrate`` (``apps.py``), every few hours in the worker (``tasks.py``) and on
demand (``haven db optimize``).

And ``prepared_cursor``: a cursor for the few statements Haven runs very often with
the same text (the audit trail's INSERT), which PostgreSQL then parses and plans
once per connection; ``fetch_one_prepared`` runs such a statement on a cursor kept
with the connection.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

# Rows SQLite's ANALYZE reads per index: enough for the planner, bounded in time.
SQLITE_ANALYSIS_LIMIT = 2000


@dataclass(frozen=True)
class Optimized:
    vendor: str
    statements: list[str]
    seconds: float


def statements_for(vendor: str) -> list[str]:
    """What ``optimize`` runs on a database of this vendor (nothing on others)."""
    if vendor == "sqlite":
        return [f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}", "ANALYZE", "PRAGMA optimize"]
    if vendor == "postgresql":
        return ["ANALYZE"]
    return []


def optimize(*, using: str = DEFAULT_DB_ALIAS) -> Optimized:
    """Bring the planner's statistics up to date on database ``using``."""
    connection = connections[using]
    started = time.perf_counter()
    statements = statements_for(connection.vendor)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return Optimized(connection.vendor, statements, time.perf_counter() - started)


@functools.cache
def _prepared_cursor_class() -> type[Any]:
    """psycopg's cursor with server-side binding that prepares every statement it runs
    (imported here: only PostgreSQL needs psycopg)."""
    import psycopg

    class PreparedCursor(psycopg.Cursor[Any]):
        def execute(
            self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any
        ) -> PreparedCursor:
            return super().execute(query, params, prepare=prepare is not False, **kwargs)

        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            # Kept as an unprepared run keeps it, for Django's query log (which reads it).
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    return PreparedCursor


def prepared_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor of Django's ``connection`` (``connections[alias]``) for a statement run
    very often with the same text. On PostgreSQL its values are bound by the server
    and the statement is prepared: parsed and planned once per connection, then only
    executed (psycopg's prepared statements; Django's own cursors bind values on the
    client and prepare nothing). With ``prepare_threshold`` None in the database's
    options (Django's default; Haven's when ``HAVEN_DB_PREPARED`` is off, e.g. behind
    a pooler that does not keep prepared statements) it is bound by the server but
    not prepared. Elsewhere it is Django's ordinary cursor. Either way it is wrapped
    as Django's are: the same errors, query logging and execute wrappers, in the
    caller's transaction."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = _prepared_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


# The attribute of Django's connection that keeps ``fetch_one_prepared``'s cursor, with
# the database connection it was made on.
_KEPT = "_haven_prepared_cursor"


def fetch_one_prepared(connection: BaseDatabaseWrapper, sql: str, params: Any) -> Any:
    """Run ``sql`` as ``prepared_cursor`` does and return its first row, for the one
    statement a request runs most often (the audit trail's INSERT).

    On PostgreSQL, when nothing watches the queries (no query log, no execute
    wrapper), the statement runs on a psycopg cursor kept with the connection,
    checked and wrapped as Django's cursor checks and wraps it (a transaction that
    needs a rollback refused, Django's errors) without making and closing two cursor
    objects every time: that was a third of the client's time of an audit append
    besides the round trip. Otherwise (SQLite, ``django_assert_num_queries``,
    ``DEBUG``, an ``execute_wrapper``) it is ``prepared_cursor``, logged and wrapped
    as every query is."""
    watched = connection.queries_logged or connection.execute_wrappers
    if connection.vendor != "postgresql" or watched:
        with prepared_cursor(connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    kept = getattr(connection, _KEPT, None)
    with connection.wrap_database_errors:
        if kept is None or kept[0] is not raw:
            # A new database connection (the first statement, or after a reconnect).
            kept = (raw, _prepared_cursor_class()(raw))
            setattr(connection, _KEPT, kept)
        cursor = kept[1]
        cursor.execute(sql, params)
        return cursor.fetchone()
