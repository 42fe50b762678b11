"""Deadline writes: open and close tasks, remind and escalate them, mark
notifications read. No personal data: a case id, a kind, dates, user ids.

The sweep (``deadlines_sweep``) is run by the background worker
(``haven.deadlines.tasks.deadline_sweep``) or by ``haven deadlines sweep``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import TeamMembership
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, Role, User
from haven.deadlines import clock, errors, selectors
from haven.deadlines import kinds as deadline_kinds
from haven.deadlines import notify as referral_notify
from haven.deadlines.models import Notification, Task

logger = logging.getLogger(__name__)

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
def task_complete(*, actor: User, task_id: Any) -> Task:
    """Mark one open deadline done: a member of the case team whose organisation
    holds it, or its assignee. A kind its owner closes only by a record (a decision
    deadline closes with the decision) is refused."""
    # The deadlines "my deadlines" lists: on the user's cases, or of a kind the
    # assigned organisation acts on off the team.
    seen = selectors.open_tasks_seen_by(actor).filter(pk=task_id).values("pk")
    task = (
        Task.objects.select_for_update()
        .filter(pk__in=seen)
        .filter(Q(assigned_organisation_id=actor.organisation_id) | Q(assigned_user_id=actor.pk))
        .first()
    )
    if task is None:
        raise errors.TaskNotFound(_("No open deadline with this reference is available to you."))
    closes_with = deadline_kinds.closed_by_record(task.kind)
    if closes_with is not None:
        raise errors.TaskClosedByRecord(str(closes_with))
    task.status = Task.Status.DONE
    task.closed_at = timezone.now()
    task.closed_by = actor
    task.save(update_fields=["status", "closed_at", "closed_by"])
    return task


# --- task_reschedule: added by the reflection-period helper (issue 3) ------------------


@transaction.atomic
def task_reschedule(*, case_id: Any, kind: str, due_on: date, **detail: Any) -> int:
    """Move the open tasks of one kind on a case to a new due date (an extended
    reflection period, R-15), keeping how long before it they are reminded. A task
    whose new dates lie ahead is reminded and escalated afresh."""
    tasks = Task.objects.select_for_update().filter(
        case_id=case_id, kind=kind, status=Task.Status.OPEN
    )
    for key, value in detail.items():
        tasks = tasks.filter(**{f"detail__{key}": value})
    now = timezone.now()
    moved = list(tasks)
    for task in moved:
        due_at = clock.end_of_day(due_on)
        task.remind_at = due_at - (task.due_at - task.remind_at)
        task.due_at = due_at
        task.reminded_at = task.reminded_at if task.remind_at <= now else None
        task.escalated_at = task.escalated_at if task.due_at < now else None
        task.save(update_fields=["due_at", "remind_at", "reminded_at", "escalated_at"])
    return len(moved)


# --- end of task_reschedule ------------------------------------------------------------


# --- the sweep: reminders before, escalation after -------------------------------------

SWEEP_BATCH_SIZE = 500


@dataclass(frozen=True)
class SweepResult:
    reminded: int  # tasks reminded in this sweep
    escalated: int  # tasks escalated in this sweep


def deadlines_sweep(
    *, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE
) -> SweepResult:
    """Remind open deadlines once when their reminder date comes, and escalate them
    once to supervisors when they are overdue, so nobody falls through a missed
    deadline (issue 3, "Clocks and reminders").

    Each batch is one transaction; rows are locked with ``SKIP LOCKED`` where the
    database has it, so two workers never notify twice (and the unique constraint
    on notifications catches anything else). A task past its due date that was
    never reminded (the worker was down) gets both: the reminder tells the people
    doing the work, the escalation tells their supervisors.
    """
    moment = now or timezone.now()
    reminded = _sweep(kind=Notification.Kind.REMINDER, now=moment, batch_size=batch_size)
    escalated = _sweep(kind=Notification.Kind.ESCALATION, now=moment, batch_size=batch_size)
    if reminded or escalated:
        logger.info("deadline sweep: %d reminded, %d escalated", reminded, escalated)
    return SweepResult(reminded=reminded, escalated=escalated)


def _sweep(*, kind: str, now: datetime, batch_size: int) -> int:
    total = 0
    while True:
        swept = _sweep_batch(kind=kind, now=now, batch_size=batch_size)
        total += swept
        # A short batch means nothing is left, or the rest is locked by another worker.
        if swept < batch_size:
            return total


@transaction.atomic
def _sweep_batch(*, kind: str, now: datetime, batch_size: int) -> int:
    if kind == Notification.Kind.REMINDER:
        due, stamp = Q(remind_at__lte=now, reminded_at__isnull=True), "reminded_at"
    else:
        due, stamp = Q(due_at__lt=now, escalated_at__isnull=True), "escalated_at"
    tasks = list(
        Task.objects.select_for_update(skip_locked=True)
        .filter(due, status=Task.Status.OPEN)
        .only("id", "case_id", "assigned_organisation_id", "assigned_user_id")
        .order_by("due_at", "id")[:batch_size]
    )
    if not tasks:
        return 0
    recipients = _recipients(tasks, kind=kind)
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient_id=user_id, task_id=task.id, kind=kind, created_at=now)
            for task in tasks
            for user_id in recipients[task.id]
        ],
        ignore_conflicts=True,  # notification_once: never the same message twice
    )
    referral_notify.notify_by_email(notifications)  # after commit, when e-mail is on
    # Stamped even when nobody could be told, or the batch would come back forever.
    Task.objects.filter(id__in=[task.id for task in tasks]).update(**{stamp: now})
    return len(tasks)


def _recipients(tasks: Sequence[Task], *, kind: str) -> dict[UUID, list[int]]:
    """Who hears about each task: two queries for the whole batch.

    Only active caseworkers and supervisors of the assigned organisation, and only
    while that organisation is on the case team (others never see the case).
    A reminder goes to the assigned user if they still qualify, else to all of
    them; an escalation goes to the supervisors, or to the caseworkers of an
    organisation that has no supervisor (someone must hear of a missed deadline).
    """
    organisations = {task.assigned_organisation_id for task in tasks}
    on_team = set(
        TeamMembership.objects.filter(
            case_id__in={task.case_id for task in tasks}, organisation_id__in=organisations
        ).values_list("case_id", "organisation_id")
    )
    staff: dict[UUID, dict[str, list[int]]] = {}
    for user_id, organisation_id, role in (
        User.objects.filter(
            organisation_id__in=organisations,
            is_active=True,
            role__in=account_policy.CASE_ROLES,
        )
        .order_by("id")
        .values_list("id", "organisation_id", "role")
    ):
        staff.setdefault(organisation_id, {}).setdefault(role, []).append(user_id)
    who: dict[UUID, list[int]] = {}
    for task in tasks:
        roles = staff.get(task.assigned_organisation_id, {})
        if (task.case_id, task.assigned_organisation_id) not in on_team:
            who[task.id] = []
        elif kind == Notification.Kind.ESCALATION:
            who[task.id] = roles.get(Role.SUPERVISOR) or roles.get(Role.CASEWORKER, [])
        else:
            everyone = roles.get(Role.CASEWORKER, []) + roles.get(Role.SUPERVISOR, [])
            assigned = task.assigned_user_id
            who[task.id] = [assigned] if assigned in everyone else everyone
    return who


# --- notifications ---------------------------------------------------------------------


@transaction.atomic
def notifications_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own unread notifications read: all of them, or those listed
    (ids of other users' notifications are ignored)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(id__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
