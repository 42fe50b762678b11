"""Writes for deadlines and reflection periods. One transaction each, audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, User
from haven.assistance import clock
from haven.assistance.models import ReflectionPeriod, Task
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib.errors import Conflict, InvalidInput

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


@transaction.atomic
def reflection_period_start(
    *, actor: User, case_id: Any, person_id: Any, starts_on: date, days: int, decision_id: str
) -> ReflectionPeriod:
    """Start the recovery and reflection period on the positive reasonable-grounds
    decision date (R-15): never fewer than 30 days."""
    if days < REFLECTION_FLOOR_DAYS:
        raise InvalidInput(
            "A reflection period cannot be shorter than 30 days.", code="reflection_below_floor"
        )
    if ReflectionPeriod.objects.filter(case_id=case_id).exists():
        raise Conflict("This case already has a reflection period.", code="reflection_exists")
    period = ReflectionPeriod(
        case_id=case_id,
        starts_on=starts_on,
        granted_days=days,
        ends_on=starts_on + timedelta(days=days),
        started_by_decision=decision_id,
    )
    period.full_clean(exclude=["case"])
    period.save()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="assistance.ReflectionPeriod",
        object_id=period.pk,
        person_id=person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
        detail={"days": days},
    )
    return period
