"""Test-wide set-up: a fast hasher, Debian's Chromium. Environment values for
tests come from ``haven.lib.pytest_plugin`` (loaded before Django starts).

Test-only overrides live here, not in a second settings file.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# CI must be reproducible: one red run means nothing lands. There Hypothesis
# draws from a fixed seed; elsewhere every run explores new examples.
# No per-example deadline either way: timings are measured in bench/, never asserted in
# tests, and a shared machine may take longer than Hypothesis's 200 ms for one example.
hypothesis_settings.register_profile("haven", deadline=None)
hypothesis_settings.register_profile(
    "ci", hypothesis_settings.get_profile("haven"), derandomize=True, print_blob=True
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "haven")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


_real_connect = socket.socket.connect


def _loopback_only_connect(self: socket.socket, address: Any) -> None:
    """Tests may only talk to this machine: the test database, the live server, Chromium."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise OSError(f"tests must not reach the network (tried {host})")
    _real_connect(self, address)


# Fixtures through which a test reaches the database. A test that uses none of
# them (nor the django_db mark) cannot touch it: pytest-django refuses.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only tests that use the database (a second database runs what "
        "differs between databases; the rest proved itself on the first)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked long start first (the order is otherwise kept): under
    # `--dist loadgroup` each worker starts on one and the short ones fill in around.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
    if not config.getoption("--database-tests-only"):
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_database = item.get_closest_marker("django_db") or fixtures & DATABASE_FIXTURES
        (kept if uses_database else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _loopback_only_connect  # type: ignore[method-assign,assignment]  # network guard

    from django.conf import settings

    # Argon2 is deliberately slow; tests need speed, not password strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings: None, django_db_use_migrations: bool
) -> Iterator[None]:
    """pytest-django runs this just before it creates the test databases: the schema
    is migrated once and copied to the other workers and later runs of the same code
    (``haven.lib.testdb``: on SQLite a file in var/, on PostgreSQL a template database
    on the server)."""
    if not django_db_use_migrations:
        yield
        return
    from haven.lib import testdb

    with testdb.copied_migrations():
        yield


@pytest.fixture
def csp_violations(page: Any) -> Iterator[list[str]]:
    """Browser tests: console errors Chromium reports for blocked inline script or style."""
    seen: list[str] = []

    def record(message: Any) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", record)
    yield seen


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # pytest-playwright hook: use Debian's chromium, never a downloaded browser.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def migrations_restored() -> Iterator[None]:
    """Tests of data migrations: whatever happens, the database ends at the latest
    migrations."""
    from haven.lib.tests.migrations import latest, migrate

    targets = latest()
    yield
    migrate(targets)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in the default language: a request answered in
    another language (the switch, a profile, a browser's Accept-Language) leaves its
    translation active in the thread, which would leak into the next test's words."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
