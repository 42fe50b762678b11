"""The tests' database: migrated once, then copied (``conftest.py``).

Creating a test database runs every migration: 25 to 30 CPU seconds, nearly all of
it Django rendering the migration state, in each xdist worker of each suite. On
SQLite (an in-memory database a worker) the first worker to need the database
migrates it as before and keeps a copy, ``var/test-db-<key>.sqlite3``; the other
worker, and a later run of the same code (``make test``'s browser suite, or the copy
``make test`` makes while the static checks run), load that copy into their
in-memory database with SQLite's backup API instead of migrating again. What the
tests run on is what migrating produces, table for table and row for row.

The key is a digest of what can change what migrating produces: Haven's files
outside its tests, templates, static files and message catalogues (the migrations,
the code and data they import, the models whose content types and permissions
``post_migrate`` writes), the installed distributions, and the ``HAVEN_``
environment. Anything else changed: another key, a fresh migration. A worker holds
a file lock while it migrates, so the other waits for the copy rather than
migrating too.

On PostgreSQL the first worker migrates its test database as before and copies it
into a template database on the same server, ``haven_test_template_<key>``; the
other worker (and a later run against the same server) creates its test database
with ``CREATE DATABASE ... TEMPLATE`` instead of migrating: one migration a run, not
one a worker. The same key, the same file lock (the server's address in its name).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.core.management.base import BaseCommand

HAVEN_DIR = Path(__file__).resolve().parent.parent
# What never changes what migrating writes.
IGNORED_DIRS = frozenset({"tests", "__pycache__", "locale", "static", "templates"})
IGNORED_SUFFIXES = frozenset({".pyc", ".mo"})
# Differs from run to run (the test ledger is named for the process) and is not read
# by migrating.
IGNORED_ENVIRONMENT = frozenset({"HAVEN_ERASURE_LEDGER_FILE"})
PREFIX = "test-db-"
# PostgreSQL: the template databases' names (a key appended; 63 characters at most).
TEMPLATE_PREFIX = "haven_test_template_"


def key(haven_dir: Path = HAVEN_DIR) -> str:
    """A digest of everything that can change what migrating produces (above)."""
    digest = hashlib.sha256()
    for path in sorted(haven_dir.rglob("*")):
        relative = path.relative_to(haven_dir)
        if IGNORED_DIRS & set(relative.parts[:-1]) or path.suffix in IGNORED_SUFFIXES:
            continue
        if path.is_file():
            digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for distribution in sorted(
        f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()
    ):
        digest.update(distribution.encode() + b"\0")
    for name in sorted(os.environ):
        if name.startswith("HAVEN_") and name not in IGNORED_ENVIRONMENT:
            digest.update(f"{name}={os.environ[name]}".encode() + b"\0")
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(template: Path, name: str = f"{PREFIX}lock") -> Iterator[None]:
    template.parent.mkdir(parents=True, exist_ok=True)
    with open(template.parent / name, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def migrate_or_copy(
    raw: Callable[[], sqlite3.Connection], migrate: Callable[[], Any], template: Path
) -> bool:
    """Load ``template`` into the database ``raw()`` connects to, or ``migrate`` it
    and keep the copy. Returns whether it was copied."""
    with _locked(template):
        if template.exists():
            source = sqlite3.connect(template)
            try:
                source.backup(raw())
            finally:
                source.close()
            return True
        migrate()
        partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        try:
            raw().backup(target)
        finally:
            target.close()
        os.replace(partial, template)
        for old in template.parent.glob(f"{PREFIX}*.sqlite3"):
            if old != template:
                old.unlink(missing_ok=True)
        return False


def _raw_connection(alias: str) -> sqlite3.Connection:
    from django.db import connections

    connection = connections[alias]
    connection.ensure_connection()
    raw: sqlite3.Connection = connection.connection
    return raw


def templated(
    *,
    exists: Callable[[], bool],
    create_migrated: Callable[[], str],
    create_from_template: Callable[[], str],
    keep_template: Callable[[str], None],
    lock: Callable[[], contextlib.AbstractContextManager[None]],
) -> tuple[str, bool]:
    """PostgreSQL: create the test database from the template if the server has
    one, else migrate it and keep it as the template (``keep_template`` gets the
    test database's name). Returns the test database's name and whether it was
    copied from the template."""
    with lock():
        if exists():
            return create_from_template(), True
        name = create_migrated()
        keep_template(name)
        return name, False


def _postgresql(connection: Any, template_name: str, lock_file: Path) -> Iterator[None]:
    """``copied_migrations`` on PostgreSQL: ``templated`` wired into Django's
    ``create_test_db`` (a test database kept with ``--reuse-db`` is left alone)."""
    from django.core import management
    from django.db import DatabaseError

    creation = connection.creation
    real_create_test_db = creation.create_test_db
    real_call_command = management.call_command
    test_settings = connection.settings_dict["TEST"]
    quote = connection.ops.quote_name

    def exists() -> bool:
        with creation._nodb_cursor() as cursor:
            found: bool = creation._database_exists(cursor, template_name)
        return found

    def keep_template(name: str) -> None:
        # CREATE DATABASE ... TEMPLATE needs the source without connections. Another
        # checkout's run on the same server may be copying an older template, or have
        # just made this one: then it stays, and this worker's database is migrated.
        connection.close()
        with creation._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE %s",
                [f"{TEMPLATE_PREFIX}%"],
            )
            for (old,) in cursor.fetchall():
                with contextlib.suppress(DatabaseError):
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
            with contextlib.suppress(DatabaseError):
                cursor.execute(f"CREATE DATABASE {quote(template_name)} TEMPLATE {quote(name)}")

    def create_test_db(*args: Any, **kwargs: Any) -> str:
        if kwargs.get("keepdb"):
            name: str = real_create_test_db(*args, **kwargs)
            return name

        def create_from_template() -> str:
            def call_command(command_name: Any, *c_args: Any, **options: Any) -> str:
                if command_name == "migrate" and options.get("database") == connection.alias:
                    return ""  # the template is this key's migrated database
                return real_call_command(command_name, *c_args, **options)

            test_settings["TEMPLATE"] = template_name
            management.call_command = call_command
            try:
                created: str = real_create_test_db(*args, **kwargs)
            finally:
                management.call_command = real_call_command
                del test_settings["TEMPLATE"]
            return created

        name, _copied = templated(
            exists=exists,
            create_migrated=lambda: real_create_test_db(*args, **kwargs),
            create_from_template=create_from_template,
            keep_template=keep_template,
            lock=lambda: _locked(lock_file, lock_file.name),
        )
        return name

    creation.create_test_db = create_test_db
    try:
        yield
    finally:
        del creation.create_test_db


@contextlib.contextmanager
def copied_migrations(alias: str = "default") -> Iterator[None]:
    """While Django creates the test databases: the database of ``alias`` is
    migrated once and copied (above): an in-memory SQLite database, or a
    PostgreSQL database through a template. Other databases are untouched."""
    from django.conf import settings
    from django.core import management
    from django.db import connections
    from django.db.backends.sqlite3.creation import DatabaseCreation

    connection = connections[alias]
    if connection.vendor == "postgresql":
        server = connection.settings_dict
        lock_file = Path(settings.VAR_DIR) / (
            f"{PREFIX}pg-{server['HOST'] or 'local'}-{server['PORT'] or 5432}.lock"
        )
        yield from _postgresql(connection, f"{TEMPLATE_PREFIX}{key()}", lock_file)
        return
    test_name = connection.settings_dict["TEST"]["NAME"] or ":memory:"
    if connection.vendor != "sqlite" or not DatabaseCreation.is_in_memory_db(test_name):
        yield
        return
    template = Path(settings.VAR_DIR) / f"{PREFIX}{key()}.sqlite3"
    real_call_command = management.call_command
    real_create_test_db = connection.creation.create_test_db

    def call_command(command_name: BaseCommand | str, *args: Any, **options: Any) -> str:
        if command_name != "migrate" or options.get("database") != alias:
            return real_call_command(command_name, *args, **options)
        migrate_or_copy(
            lambda: _raw_connection(alias),
            lambda: real_call_command(command_name, *args, **options),
            template,
        )
        return ""

    def create_test_db(*args: Any, **kwargs: Any) -> str:
        # Django imports call_command from django.core.management as it creates.
        management.call_command = call_command
        try:
            name: str = real_create_test_db(*args, **kwargs)
        finally:
            management.call_command = real_call_command
        return name

    connection.creation.create_test_db = create_test_db  # type: ignore[method-assign]
    try:
        yield
    finally:
        del connection.creation.create_test_db
