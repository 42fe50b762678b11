"""The tests' SQLite database, migrated once and copied (``haven.lib.testdb``):
the copy is keyed by what can change what migrating produces, a worker migrates
only when no copy of this key exists, and what the tests run on is the copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from haven.lib import testdb


def _tree(root: Path) -> Path:
    for relative, text in {
        "cases/migrations/0001_initial.py": "operations = []",
        "cases/models.py": "class Case: ...",
        "cases/tests/test_cases.py": "def test(): ...",
        "cases/templates/cases/page.html": "<p>page</p>",
        "locale/fi/LC_MESSAGES/django.mo": "compiled",
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


@pytest.mark.parametrize(
    ("relative", "changes"),
    [
        ("cases/migrations/0001_initial.py", True),
        ("cases/models.py", True),
        ("cases/migrations/0002_new.py", True),
        ("cases/tests/test_cases.py", False),
        ("cases/templates/cases/page.html", False),
        ("locale/fi/LC_MESSAGES/django.mo", False),
    ],
)
def test_the_key_changes_with_what_migrating_reads_and_only_with_that(
    tmp_path: Path, relative: str, changes: bool
) -> None:
    # given
    root = _tree(tmp_path)
    before = testdb.key(root)

    # when
    (root / relative).write_text("changed = True")

    # then
    assert (testdb.key(root) != before) is changes


def test_the_key_changes_with_the_haven_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    root = _tree(tmp_path)
    before = testdb.key(root)

    # when: the test ledger (named for the process) moves: the same key
    monkeypatch.setenv("HAVEN_ERASURE_LEDGER_FILE", str(tmp_path / "another-ledger.jsonl"))
    same = testdb.key(root)
    monkeypatch.setenv("HAVEN_LINKAGE_MAX_CANDIDATES", "7")

    # then
    assert same == before
    assert testdb.key(root) != before


def _schema(database: sqlite3.Connection) -> list[tuple[str, str]]:
    return database.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ).fetchall()


def test_the_first_worker_migrates_and_keeps_a_copy_the_next_loads_it(tmp_path: Path) -> None:
    # given: a copy of an older key, and a migration that counts its runs
    (tmp_path / f"{testdb.PREFIX}0ld.sqlite3").write_text("old")
    template = tmp_path / f"{testdb.PREFIX}new.sqlite3"
    runs: list[sqlite3.Connection] = []
    first, second = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")

    def migrate(database: sqlite3.Connection) -> None:
        runs.append(database)
        database.execute("CREATE TABLE person (id INTEGER PRIMARY KEY)")
        database.execute("INSERT INTO person VALUES (1)")
        database.commit()

    # when
    copied_first = testdb.migrate_or_copy(lambda: first, lambda: migrate(first), template)
    copied_second = testdb.migrate_or_copy(lambda: second, lambda: migrate(second), template)

    # then: migrated once, the second database loaded from the copy, the old copy gone
    assert (copied_first, copied_second) == (False, True)
    assert runs == [first]
    assert _schema(second) == _schema(first)
    assert second.execute("SELECT id FROM person").fetchall() == [(1,)]
    assert sorted(p.name for p in tmp_path.glob(f"{testdb.PREFIX}*.sqlite3")) == [template.name]


@pytest.mark.django_db
def test_the_tests_run_on_the_copy_of_this_keys_migrations() -> None:
    # given: the test database of this run (SQLite here; PostgreSQL migrates each time)
    if connection.vendor != "sqlite":
        pytest.skip("only the SQLite test database is copied")
    template = Path(settings.VAR_DIR) / f"{testdb.PREFIX}{testdb.key()}.sqlite3"
    connection.ensure_connection()

    # when
    copy = sqlite3.connect(f"file:{template}?mode=ro", uri=True)

    # then: the same tables, indexes and triggers
    try:
        assert _schema(connection.connection) == _schema(copy)
        assert len(_schema(copy)) > 100
    finally:
        copy.close()


def test_on_postgresql_the_first_worker_migrates_and_keeps_a_template_the_next_copies_it(
    tmp_path: Path,
) -> None:
    # given: a server without the template, and workers that record what they do
    server: set[str] = set()
    done: list[str] = []

    def worker(name: str) -> tuple[str, bool]:
        def create_migrated() -> str:
            done.append(f"{name} migrated")
            return name

        def create_from_template() -> str:
            done.append(f"{name} copied")
            return name

        def keep_template(source: str) -> None:
            server.add("template")
            done.append(f"kept {source}")

        return testdb.templated(
            exists=lambda: "template" in server,
            create_migrated=create_migrated,
            create_from_template=create_from_template,
            keep_template=keep_template,
            lock=lambda: testdb._locked(tmp_path / "lock", "lock"),
        )

    # when
    first, second = worker("test_haven_gw0"), worker("test_haven_gw1")

    # then: one migration, kept as the template, which the second worker copies
    assert (first, second) == (("test_haven_gw0", False), ("test_haven_gw1", True))
    assert done == ["test_haven_gw0 migrated", "kept test_haven_gw0", "test_haven_gw1 copied"]


@pytest.mark.django_db
def test_on_postgresql_the_tests_run_on_a_copy_of_this_keys_migrations() -> None:
    # given: the test database of this run (PostgreSQL here)
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL template is made only there")
    from django.db.migrations.executor import MigrationExecutor

    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE %s",
            [f"{testdb.TEMPLATE_PREFIX}%"],
        )
        templates = [name for (name,) in cursor.fetchall()]
    executor = MigrationExecutor(connection)

    # then: this key's template (the only one) and nothing left to migrate
    assert templates == [f"{testdb.TEMPLATE_PREFIX}{testdb.key()}"]
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
