"""The sealer on the real database task backend, run by the real worker
(``db_worker --batch --no-reload``), and ``haven audit schedule``. Time is moved
with time-machine; nothing sleeps."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django_tasks import TaskResultStatus
from pytest_django import Settings

from haven.audit import services, tasks
from haven.audit.models import Action, AuditEvent
from haven.audit.services import Actor
from haven.lib.tests.worker import done, queued, run_worker, scheduled_twice

# The worker commits and closes connections as it would in production.
pytestmark = pytest.mark.django_db(transaction=True)

SEAL = tasks.audit_seal_run
ACTOR = Actor(id=1, username="caseworker", organisation_id="", organisation_name="")
MOMENT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _write(count: int) -> None:
    for _ in range(count):
        services.audit_record(
            actor=ACTOR, action=Action.READ, object_type="cases.Case", object_id=uuid.uuid4()
        )


def test_it_seals_and_anchors_in_the_worker_and_queues_the_next_run(
    settings: Settings, tmp_path: Path
) -> None:
    # given
    anchors = tmp_path / "anchors.jsonl"
    settings.HAVEN_AUDIT_ANCHOR_FILE = str(anchors)
    _write(3)

    # when
    with time_machine.travel(MOMENT, tick=False):
        call_command("audit", "schedule", stdout=StringIO())
        run_worker()

    # then
    assert done(SEAL).return_value == {"sealed": 3, "gap_ids": 0, "seq": 3, "anchored": 1}
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert json.loads(anchors.read_text())["seq"] == 3
    [following] = queued(SEAL)
    assert following.run_after == MOMENT + timedelta(seconds=10)
    assert services.audit_verify(anchor_file=anchors).ok


def test_it_seals_without_anchoring_when_no_anchor_file_is_set(settings: Settings) -> None:
    # given
    settings.HAVEN_AUDIT_ANCHOR_FILE = ""
    _write(1)

    # when
    figures = tasks.seal_and_anchor()

    # then
    assert figures == {"sealed": 1, "gap_ids": 0, "seq": 1}


def test_it_queues_one_run_however_often_it_is_scheduled() -> None:
    # when
    said = scheduled_twice("audit", "schedule")

    # then
    assert len(queued(SEAL)) == 1
    assert said == [
        "Audit sealer queued for the worker.",
        "The audit sealer is already queued.",
    ]


def test_it_keeps_the_sealer_going_after_a_failed_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    def broken(**kwargs: object) -> services.SealResult:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(services, "audit_seal", broken)

    # when
    with time_machine.travel(MOMENT, tick=False):
        tasks.audit_seal_schedule()
        run_worker()

    # then
    failed = done(SEAL, TaskResultStatus.FAILED)
    assert failed.exception_class_path == "builtins.RuntimeError"
    [following] = queued(SEAL)
    assert following.run_after == MOMENT + timedelta(seconds=10)
