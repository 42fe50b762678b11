"""Deadline writes: open and close tasks (no personal data: a case id, a kind, dates)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.assistance import clock
from haven.assistance.models import Task

REFLECTION_FLOOR_DAYS = 30  # CETS Art. 13


@transaction.atomic
def task_open(
    *,
    case_id: Any,
    kind: str,
    due_on: date,
    organisation: Organisation,
    reminder_days_before: int,
    detail: dict[str, Any] | None = None,
    blocking: bool = False,
    assigned_user: User | None = None,
) -> Task:
    """A deadline on a case, due at the end of ``due_on``, reminded before it."""
    due_at = clock.end_of_day(due_on)
    remind_at = clock.start_of_day(due_on - timedelta(days=reminder_days_before))
    task = Task(
        case_id=case_id,
        kind=kind,
        detail=detail or {},
        due_at=due_at,
        remind_at=min(remind_at, due_at),
        assigned_organisation=organisation,
        assigned_user=assigned_user,
        blocking=blocking,
        created_at=timezone.now(),
    )
    task.full_clean(exclude=["case"])
    task.save()
    return task


@transaction.atomic
def tasks_close(
    *, case_id: Any, kind: str, by: User | None, status: str = Task.Status.DONE, **detail: Any
) -> int:
    """Close the open tasks of one kind on a case (e.g. the decision was made)."""
    tasks = Task.objects.select_for_update().filter(
        case_id=case_id, kind=kind, status=Task.Status.OPEN
    )
    for key, value in detail.items():
        tasks = tasks.filter(**{f"detail__{key}": value})
    return tasks.update(status=status, closed_at=timezone.now(), closed_by=by)
