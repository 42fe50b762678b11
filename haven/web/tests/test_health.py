"""Health and readiness probes (issue 12, operations): each readiness check's passing
and failing side, and what the probes must never do (need a sign-in, redirect,
refuse a probe's Host header, record an audit event, say more than check names)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.urls import resolve
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.audit.models import AuditEvent
from haven.deadlines import tasks
from haven.web import health

if TYPE_CHECKING:  # the test client's response type exists only in django-stubs
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

TEST_MASTER_KEY = base64.b64encode(b"m" * 32).decode()


@pytest.fixture(autouse=True)
def _fresh_migration_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test decides for itself whether every migration is applied.
    monkeypatch.setattr(health, "_migrations_applied", False)


def _ready() -> tuple[int, dict[str, Any]]:
    response: TestResponse = Client().get("/health/ready")
    return response.status_code, json.loads(response.content)


def _overdue_sweep(*, seconds: int) -> None:
    queued = tasks.deadline_sweep_schedule()
    assert queued is not None
    past = timezone.now() - timedelta(seconds=seconds)
    DBTaskResult.objects.filter(pk=queued.id).update(run_after=past, enqueued_at=past)


# --- liveness -------------------------------------------------------------------------------


def test_it_answers_live_without_touching_the_database() -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = Client().get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "live"}


# --- readiness: each check, passing and failing ---------------------------------------------


def test_it_is_ready_when_every_check_passes() -> None:
    status, body = _ready()

    assert status == 200
    assert body == {"status": "ready", "skipped": []}


def test_it_is_unready_when_the_database_cannot_be_reached() -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("secret host")):
        status, body = _ready()

    assert status == 503
    assert body == {"status": "unready", "failed": ["database"]}


def test_it_is_unready_when_the_database_fails_between_checks() -> None:
    with mock.patch.object(health, "migrations_applied", side_effect=OperationalError("gone")):
        status, body = _ready()

    assert (status, body["failed"]) == (503, ["database"])


def test_it_is_unready_while_a_migration_is_not_applied() -> None:
    # given: the newest vault migration is recorded as not applied (rolled back after)
    recorder = MigrationRecorder(connection)
    newest = max(name for app, name in recorder.applied_migrations() if app == "vault")
    recorder.record_unapplied("vault", newest)

    status, body = _ready()

    assert (status, body) == (503, {"status": "unready", "failed": ["migrations"]})


def test_it_remembers_that_migrations_are_applied() -> None:
    assert health.migrations_applied()

    with mock.patch.object(health, "MigrationExecutor") as executor:
        assert health.migrations_applied()

    executor.assert_not_called()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("HAVEN_MASTER_KEY", ""),
        ("HAVEN_MASTER_KEY", "not base64!"),
        ("HAVEN_INDEX_KEY", None),
        ("HAVEN_INDEX_KEY", base64.b64encode(b"short").decode()),
        ("HAVEN_MASTER_KEYS_PREVIOUS", ["not base64!"]),
        ("HAVEN_AUDIT_KEY", ""),
        ("HAVEN_AUDIT_KEY", base64.b64encode(b"short").decode()),
    ],
)
def test_it_is_unready_without_well_formed_keys(setting: str, value: object) -> None:
    with override_settings(**{setting: value}):
        response = Client().get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unready", "failed": ["keys"]}
    # The answer names the check, never the key or what is wrong with it.
    assert TEST_MASTER_KEY not in response.content.decode()
    assert b"HAVEN_" not in response.content


def test_it_names_every_failed_check_together() -> None:
    with (
        override_settings(HAVEN_INDEX_KEY=""),
        mock.patch.object(connection, "cursor", side_effect=OperationalError("down")),
    ):
        status, body = _ready()

    assert (status, body["failed"]) == (503, ["database", "keys"])


def test_it_is_unready_when_a_due_task_waits_too_long_for_the_worker() -> None:
    # given: the deadline sweep has been due for longer than the stale limit
    _overdue_sweep(seconds=700)

    with override_settings(HAVEN_HEALTH_WORKER_STALE_SECONDS=600):
        status, body = _ready()

    assert (status, body) == (503, {"status": "unready", "failed": ["worker"]})


def test_it_is_ready_while_the_worker_keeps_up() -> None:
    # given: the sweep is waiting, but not yet for longer than the stale limit
    _overdue_sweep(seconds=500)

    with override_settings(HAVEN_HEALTH_WORKER_STALE_SECONDS=600):
        status, _body = _ready()

    assert status == 200


def test_it_counts_a_task_queued_to_run_at_once_from_when_it_was_queued() -> None:
    # given: a task with no run_after (stored as the far future), queued long ago
    queued = tasks.deadline_sweep.enqueue()
    past = timezone.now() - timedelta(seconds=700)
    DBTaskResult.objects.filter(pk=queued.id).update(enqueued_at=past)

    with override_settings(HAVEN_HEALTH_WORKER_STALE_SECONDS=600):
        status, body = _ready()

    assert (status, body["failed"]) == (503, ["worker"])


def test_it_skips_the_worker_check_when_it_is_turned_off() -> None:
    _overdue_sweep(seconds=7000)

    with override_settings(HAVEN_HEALTH_WORKER_STALE_SECONDS=0):
        status, body = _ready()

    assert (status, body) == (200, {"status": "ready", "skipped": ["worker"]})


# --- what the probes never do ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_it_answers_probes_over_plain_http_for_any_host(path: str) -> None:
    # given: production settings that redirect to HTTPS and accept one host name
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["haven.example.org"]):
        probe = Client().get(path, HTTP_HOST="127.0.0.1:8000")
        page = Client().get("/report/", HTTP_HOST="127.0.0.1:8000")
        page_on_its_host = Client().get("/report/", HTTP_HOST="haven.example.org")

    assert probe.status_code == 200
    assert page.status_code == 400  # the same request to a page: refused for its host
    assert page_on_its_host.status_code == 301  # and redirected to HTTPS on the right one


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_it_needs_no_sign_in_and_records_nothing(path: str) -> None:
    before = AuditEvent.objects.count()

    responses = [Client().get(path) for _ in range(30)]

    assert {r.status_code for r in responses} == {200}  # no rate limit either
    assert AuditEvent.objects.count() == before
    assert all(not r.cookies for r in responses)
    assert "no-store" in responses[0]["Cache-Control"]


def test_it_refuses_writes_to_the_probes() -> None:
    assert Client().post("/health/ready").status_code == 405


@pytest.mark.parametrize(("path", "view"), [("/health/live", "live"), ("/health/ready", "ready")])
def test_it_routes_the_probes_like_any_other_path(path: str, view: str) -> None:
    assert resolve(path).func is getattr(health, view)
