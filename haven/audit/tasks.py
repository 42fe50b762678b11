"""The sealer in the background (django-tasks, database backend; run by
``haven db_worker``), in the manner of the deadline sweep: each run seals what
was written since the last, appends a signed anchor when HAVEN_AUDIT_ANCHOR_FILE
is set, and queues the next run ``HAVEN_AUDIT_SEAL_SECONDS`` later, unless one is
already waiting. ``haven audit schedule`` queues the first one.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from haven.audit import services


@task()
def audit_seal_run() -> dict[str, int]:
    """Seal, anchor when configured, then queue the next run."""
    try:
        figures = seal_and_anchor()
    finally:
        # Even after a failure: a passing database hiccup must not stop the sealer.
        audit_seal_schedule(delay_seconds=settings.HAVEN_AUDIT_SEAL_SECONDS)
    return figures


def seal_and_anchor() -> dict[str, int]:
    result = services.audit_seal()
    figures = {"sealed": result.sealed, "gap_ids": result.gap_ids, "seq": result.seq}
    if settings.HAVEN_AUDIT_ANCHOR_FILE:
        _, written = services.audit_anchor(path=Path(settings.HAVEN_AUDIT_ANCHOR_FILE))
        figures["anchored"] = int(written)
    return figures


def audit_seal_queued() -> bool:
    """Whether a run is waiting (a running one does not count: it is the one asking)."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=audit_seal_run.module_path
    ).exists()


def audit_seal_schedule(*, delay_seconds: int = 0) -> TaskResult[dict[str, int]] | None:
    """Queue a run ``delay_seconds`` from now, unless one is already waiting. Two
    runs queued by a race are harmless: sealing is one at a time and idempotent."""
    if audit_seal_queued():
        return None
    run_after = timezone.now() + timedelta(seconds=delay_seconds)
    return audit_seal_run.using(run_after=run_after).enqueue()
