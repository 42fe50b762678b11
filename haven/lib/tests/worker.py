"""Tests of background tasks on the real database task backend, run by the real
worker (``db_worker --batch --no-reload``) as production runs them: the worker
commits and closes connections, so such tests use
``pytest.mark.django_db(transaction=True)``. Time is moved with time-machine;
nothing sleeps (``--no-startup-delay``)."""

from __future__ import annotations

import signal
from io import StringIO
from typing import Any

from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

WORKER = ("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")


def run_worker() -> None:
    """Run every task that is due, once, then stop. The worker installs its own
    SIGINT/SIGTERM handlers for a graceful stop; the test's are put back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(*WORKER, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def queued(task: Any) -> list[DBTaskResult[Any, Any]]:
    """The runs of ``task`` waiting for the worker."""
    return list(
        DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    )


def done(
    task: Any, status: TaskResultStatus = TaskResultStatus.SUCCESSFUL
) -> DBTaskResult[Any, Any]:
    """The one run of ``task`` the worker finished with ``status``."""
    return DBTaskResult.objects.get(task_path=task.module_path, status=status)


def scheduled_twice(*command: str) -> list[str]:
    """What ``haven <command>`` (a ``schedule`` subcommand) says when run twice in a row."""
    out = StringIO()
    call_command(*command, stdout=out)
    call_command(*command, stdout=out)
    return out.getvalue().splitlines()
