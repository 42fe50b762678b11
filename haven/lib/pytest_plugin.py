"""Loaded by pytest with ``-p`` before Django starts: test values for the
HAVEN_ variables that production must set explicitly. Fixed, fake keys: they
protect nothing but synthetic test data."""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

TEST_ENV = {
    "HAVEN_SECRET_KEY": "haven-test-secret-key-not-for-production-" + "t" * 20,
    "HAVEN_MASTER_KEY": base64.b64encode(b"m" * 32).decode(),
    "HAVEN_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
    "HAVEN_BACKUP_KEY": base64.b64encode(b"b" * 32).decode(),
    # Erasures in tests are written to a ledger of this run, never to var/.
    "HAVEN_ERASURE_LEDGER_FILE": str(
        Path(tempfile.gettempdir()) / f"haven-test-erasure-ledger-{os.getpid()}.jsonl"
    ),
    "HAVEN_AUDIT_KEY": base64.b64encode(b"a" * 32).decode(),
    "HAVEN_HTTPS": "0",
    "HAVEN_DEMO_MODE": "0",
    # Playwright's sync API keeps an asyncio loop running in the test thread;
    # without this, ORM calls in a test that uses `page` raise SynchronousOnlyOperation.
    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
}

_OWN_LEDGER = "HAVEN_ERASURE_LEDGER_FILE" not in os.environ

for _name, _value in TEST_ENV.items():
    os.environ.setdefault(_name, _value)


def pytest_unconfigure() -> None:
    # The process that chose the test ledger removes it (xdist workers share it).
    if _OWN_LEDGER and "PYTEST_XDIST_WORKER" not in os.environ:
        Path(os.environ["HAVEN_ERASURE_LEDGER_FILE"]).unlink(missing_ok=True)
