"""SQLite under concurrent writers (issue 12): 20 threads, each with its own real
connection to a file-based database configured as the settings configure it,
write through the narrative service at once; none fails ("database is locked"
was a 500 at 40 clients). The database file stays the owner's alone."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import writes

ROOT = Path(__file__).resolve().parents[2]
WRITERS = [sys.executable, "-m", "bench.writers"]

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's file locking is what is tested; PostgreSQL has row locks and "
    "runs the same write load in `make bench` (bench.writes)",
)


def test_sqlite_is_configured_for_concurrent_writers() -> None:
    # then: immediate transactions, WAL, and a busy timeout, in the settings
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout=20000" in options["init_command"]


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_write_through_the_service_without_one_error(tmp_path: Path) -> None:
    # given: a file-based copy of the migrated test database (no migrations to rerun)
    database = tmp_path / "writers.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as target:
        connection.connection.backup(target)
    database.chmod(0o644)  # as a careless copy would leave it
    env = {
        **os.environ,
        "HAVEN_SQLITE_PATH": str(database),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "haven.settings",
    }
    env.pop("DATABASE_URL", None)

    # when: 20 threads, 5 writes each, each thread on its own connection
    done = subprocess.run(  # noqa: S603 - our own bench module, fixed arguments
        [*WRITERS, "--threads", "20", "--writes", "5", "--no-migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # then
    figure = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figure["database"], figure["writes"]) == ("sqlite", 100)
    assert (figure["ok"], figure["errors"], figure["first_errors"]) == (100, 0, [])
    assert done.returncode == 0
    # and the database and its write-ahead log are the owner's alone
    for name in (database, Path(f"{database}-wal")):
        if name.exists():
            assert stat.S_IMODE(name.stat().st_mode) == 0o600, name


def test_the_locust_figure_counts_errors_and_the_writes_p95() -> None:
    # given: locust's JSON statistics of a short run
    stats = [
        {"name": "/api/v1/auth/token/", "num_requests": 3, "num_failures": 0, "response_times": {}},
        {
            "name": writes.WRITE,
            "num_requests": 20,
            "num_failures": 1,
            "response_times": {"10": 18, "200": 1, "900": 1},
        },
    ]
    # when
    figure = writes._figure(stats, users=40, vendor="sqlite")
    # then
    assert figure == {
        "bench": "locust_writes",
        "database": "sqlite",
        "users": 40,
        "requests": 23,
        "writes": 20,
        "errors": 1,
        "write_p95_ms": 200,
    }
