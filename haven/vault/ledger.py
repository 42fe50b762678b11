"""The erasure ledger: which data keys were destroyed, and when, kept outside the database.

Restoring a backup taken before an erasure would bring the erased person's wrapped
data key back. ``haven restore`` therefore replays this ledger before it commits:
every key destroyed since is destroyed again. The ledger is a file of JSON lines,
appended to and never rewritten, readable by its owner only, and synced to disk
inside the erasure's transaction before the key is destroyed: when it cannot be
written the erasure fails, so no erasure is unknown to it. (An erasure whose
transaction fails afterwards stays listed; a restore then completes it.)

A line holds a data key's random id, the kind of row it belongs to and a time: no
personal data. Keep the file on storage that outlives the database, and out of
database backups (docs/operations.md).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from haven.vault.errors import ErrorCode, VaultMisconfigured

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700


@dataclass(frozen=True)
class Erasure:
    data_key_id: uuid.UUID
    subject: str  # the kind of row that owned the key, e.g. "cases.Person"
    destroyed_at: datetime


def ledger_path() -> Path:
    raw = settings.HAVEN_ERASURE_LEDGER_FILE
    if not raw:
        raise VaultMisconfigured(
            "HAVEN_ERASURE_LEDGER_FILE is not set: erasures could not survive a restore",
            code=ErrorCode.ERASURE_LEDGER_MISSING,
        )
    return Path(raw)


def ledger_append(erasure: Erasure) -> None:
    """Append one erasure and sync it to disk; fails loudly (and so fails the erasure)."""
    path = ledger_path()
    line = json.dumps(
        {
            "data_key_id": str(erasure.data_key_id),
            "subject": erasure.subject,
            "destroyed_at": erasure.destroyed_at.isoformat(),
        },
        sort_keys=True,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=OWNER_ONLY_DIR)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, OWNER_ONLY)
        try:
            os.fchmod(descriptor, OWNER_ONLY)
            os.write(descriptor, (line + "\n").encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise VaultMisconfigured(
            "The erasure ledger (HAVEN_ERASURE_LEDGER_FILE) could not be written",
            code=ErrorCode.ERASURE_LEDGER_UNWRITABLE,
        ) from exc


def ledger_read(path: Path | None = None) -> Iterator[Erasure]:
    """Every erasure in the ledger, oldest first. A ledger that does not exist yet is
    empty (no key was ever destroyed here); a line that cannot be read stops the
    reader, naming its number, so that no erasure is silently skipped."""
    path = path or ledger_path()
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _unreadable("the file cannot be opened") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                erasure = Erasure(
                    data_key_id=uuid.UUID(entry["data_key_id"]),
                    subject=str(entry["subject"]),
                    destroyed_at=datetime.fromisoformat(entry["destroyed_at"]),
                )
                if erasure.destroyed_at.tzinfo is None:
                    raise ValueError("a time without its offset")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise _unreadable(f"line {number} is not an erasure") from exc
            yield erasure


def _unreadable(problem: str) -> VaultMisconfigured:
    return VaultMisconfigured(
        f"The erasure ledger (HAVEN_ERASURE_LEDGER_FILE) cannot be read: {problem}",
        code=ErrorCode.ERASURE_LEDGER_UNREADABLE,
    )
