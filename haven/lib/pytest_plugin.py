"""Loaded by pytest with ``-p`` before Django starts: test values for the
HAVEN_ variables that production must set explicitly. Fixed, fake keys: they
protect nothing but synthetic test data."""

from __future__ import annotations

import base64
import os

TEST_ENV = {
    "HAVEN_SECRET_KEY": "haven-test-secret-key-not-for-production-" + "t" * 20,
    "HAVEN_MASTER_KEY": base64.b64encode(b"m" * 32).decode(),
    "HAVEN_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
    "HAVEN_AUDIT_KEY": base64.b64encode(b"a" * 32).decode(),
    "HAVEN_HTTPS": "0",
    "HAVEN_DEMO_MODE": "0",
    # Playwright's sync API keeps an asyncio loop running in the test thread;
    # without this, ORM calls in a test that uses `page` raise SynchronousOnlyOperation.
    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
}

for _name, _value in TEST_ENV.items():
    os.environ.setdefault(_name, _value)
