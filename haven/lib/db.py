"""Database upkeep: the statistics the query planner chooses indexes by.

Without statistics SQLite guesses, and guesses wrong on large tables (a case's
open deadlines of one kind read through the index of every open deadline in the
country). ``optimize`` gathers them: on SQLite a bounded ``ANALYZE`` (a sample of
each index, so it costs about the same on a large database) and ``PRAGMA
optimize``; on PostgreSQL ``ANALYZE`` (sampled too; autovacuum does it as well,
this makes it current after a migration or a bulk load). It runs after every
``migrate`` (``apps.py``), every few hours in the worker (``tasks.py``) and on
demand (``haven db optimize``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

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
