"""Files Haven creates that hold personal data or secrets are the owner's alone.

The SQLite database (and its ``-wal``/``-shm`` companions, which SQLite creates
with the database file's permissions) is created with mode 0600 in a directory
created with mode 0700, before Django first opens it; a file this user owns that
others could read is tightened. Key files are written with ``umask 077`` (see
the Makefile), by ``write_private``, or by ``create_private`` when an existing file
must never be replaced (a key written over is lost for good).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new or existing file readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), OWNER_ONLY)
        handle.write(text)


def create_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file readable by its owner only; FileExistsError if
    ``path`` exists (nothing is replaced)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def private_sqlite_file(name: str) -> None:
    """Create the SQLite database file ``name`` owner-only before Django opens it,
    and tighten it and its companions when they exist, are ours and others could
    read them. In-memory and URI names are left alone."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=OWNER_ONLY_DIR)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
    for suffix in SQLITE_COMPANIONS:
        _tighten(Path(f"{path}{suffix}"))


def _tighten(path: Path) -> None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid == os.getuid() and stat.S_IMODE(status.st_mode) & 0o077:
        path.chmod(OWNER_ONLY)
