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

from haven.assistance.services import deadlines as deadline_services
from haven.referrals.services import crossborder as crossborder_services
from haven.referrals.services import referrals as referral_services


@task()
def deadline_sweep() -> dict[str, int]:
    """Send due reminders and escalations, escalate overdue referrals, alert on missing
    cross-border acknowledgements, then queue the next sweep."""
    try:
        result = deadline_services.deadlines_sweep()
        referrals_escalated = referral_services.referrals_sweep(now=timezone.now())
        crossborder_alerted = crossborder_services.crossborder_sweep(now=timezone.now())
    finally:
        # Even after a failure: a passing database hiccup must not stop the clock.
        deadline_sweep_schedule(delay_seconds=settings.HAVEN_DEADLINE_SWEEP_SECONDS)
    return {
        "reminded": result.reminded,
        "escalated": result.escalated,
        "referrals_escalated": referrals_escalated,
        "crossborder_alerted": crossborder_alerted,
    }


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
