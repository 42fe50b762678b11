"""Background tasks (django-tasks, database backend; run by ``haven db_worker``).

The deadline sweep keeps itself going: each run queues the next one
``HAVEN_DEADLINE_SWEEP_SECONDS`` later, unless a sweep is already waiting.
``haven deadlines schedule`` queues the first one.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from haven.deadlines import kinds
from haven.deadlines import services as deadline_services


@task()
def deadline_sweep() -> dict[str, int]:
    """Send due reminders and escalations, run every sweep the apps registered
    (overdue referrals, missing cross-border acknowledgements), then queue the next
    sweep."""
    try:
        figures = sweep_all()
    finally:
        # Even after a failure: a passing database hiccup must not stop the clock.
        deadline_sweep_schedule(delay_seconds=settings.HAVEN_DEADLINE_SWEEP_SECONDS)
    return figures


def sweep_all() -> dict[str, int]:
    """One sweep: reminders and escalations first, then each registered sweep in
    the order the apps registered them; what each did, by name."""
    result = deadline_services.deadlines_sweep()
    figures = {"reminded": result.reminded, "escalated": result.escalated}
    for sweep in kinds.sweeps():
        figures[sweep.name] = sweep.run(timezone.now())
    return figures


def deadline_sweep_queued() -> bool:
    """Whether a sweep is waiting to run (a running sweep does not count: it is
    the one asking, when it queues its successor)."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=deadline_sweep.module_path
    ).exists()


def deadline_sweep_schedule(*, delay_seconds: int = 0) -> TaskResult[dict[str, int]] | None:
    """Queue a sweep ``delay_seconds`` from now, unless one is already waiting.

    Returns the queued result, or None. Two sweeps queued at the same moment by a
    race are harmless: the sweep is idempotent, and whichever runs first finds the
    other waiting and does not queue a third.
    """
    if deadline_sweep_queued():
        return None
    run_after = timezone.now() + timedelta(seconds=delay_seconds)
    return deadline_sweep.using(run_after=run_after).enqueue()
