"""The SQLite database file and key files Haven creates are the owner's alone (issue
12: the database file was world-readable)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from haven.lib import files

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual default: new files readable by everyone
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_file_and_its_directory_are_created_owner_only(
    tmp_path: Path, open_umask: None
) -> None:
    # given
    database = tmp_path / "var" / "haven.sqlite3"
    # when
    files.private_sqlite_file(str(database))
    # then
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700


def test_an_existing_readable_database_and_its_companions_are_tightened(
    tmp_path: Path, open_umask: None
) -> None:
    # given
    database = tmp_path / "haven.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").write_text("")
        Path(f"{database}{suffix}").chmod(0o644)
    # when
    files.private_sqlite_file(str(database))
    # then
    assert [mode(Path(f"{database}{s}")) for s in ("", "-wal", "-shm")] == [0o600] * 3


def test_an_in_memory_database_is_left_alone(tmp_path: Path) -> None:
    # when / then: nothing to create, nothing raised
    files.private_sqlite_file(":memory:")
    files.private_sqlite_file("file:memorydb_default?mode=memory&cache=shared")
    assert list(tmp_path.iterdir()) == []


def test_a_key_file_is_written_owner_only(tmp_path: Path, open_umask: None) -> None:
    # given: an existing file others could read
    key = tmp_path / "master.key"
    key.write_text("old")
    key.chmod(0o644)
    # when
    files.write_private(key, "a-new-key\n")
    # then
    assert (key.read_text(), mode(key)) == ("a-new-key\n", 0o600)


def test_the_settings_create_the_database_owner_only_before_django_opens_it(
    tmp_path: Path,
) -> None:
    # given: a fresh path and the usual umask in a new process
    database = tmp_path / "fresh" / "haven.sqlite3"
    env = {**os.environ, "HAVEN_SQLITE_PATH": str(database), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    code = (
        "import os; os.umask(0o022); import django; "
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'haven.settings'; django.setup(); "
        "from django.db import connection; "
        "connection.cursor().execute('CREATE TABLE t (x INTEGER)')"
    )
    # when
    subprocess.run(  # noqa: S603 - this interpreter with fixed code
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=60
    )
    # then
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700
    assert all(mode(p) == 0o600 for p in database.parent.iterdir())


def test_a_new_key_file_is_created_owner_only(tmp_path: Path, open_umask: None) -> None:
    # when
    files.create_private(tmp_path / "index.key", "a-new-key\n")
    # then
    assert mode(tmp_path / "index.key") == 0o600


def test_an_existing_key_file_is_never_replaced(tmp_path: Path) -> None:
    # given
    key = tmp_path / "master.key"
    key.write_text("the only copy")
    # when / then
    with pytest.raises(FileExistsError):
        files.create_private(key, "a-new-key\n")
    assert key.read_text() == "the only copy"
