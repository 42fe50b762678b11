"""The planner's statistics kept current in the background (django-tasks, run by
``haven db_worker``), in the manner of the audit sealer: each run optimizes the
database and queues the next ``OPTIMIZE_EVERY`` later, unless one is already
waiting. ``haven db schedule`` queues the first one.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from haven.lib import db

OPTIMIZE_EVERY = timedelta(hours=6)


@task()
def db_optimize_run() -> dict[str, float]:
    """Optimize, then queue the next run (even after a failure)."""
    try:
        done = db.optimize()
    finally:
        db_optimize_schedule(delay=OPTIMIZE_EVERY)
    return {"seconds": round(done.seconds, 3), "statements": len(done.statements)}


def db_optimize_queued() -> bool:
    """Whether a run is waiting (a running one does not count: it is the one asking)."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=db_optimize_run.module_path
    ).exists()


def db_optimize_schedule(*, delay: timedelta = timedelta(0)) -> TaskResult[dict[str, float]] | None:
    """Queue a run ``delay`` from now, unless one is already waiting."""
    if db_optimize_queued():
        return None
    return db_optimize_run.using(run_after=timezone.now() + delay).enqueue()
