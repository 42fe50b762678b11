"""Children's statutory clock (R-11): a child, or a person presumed to be one,
needs a guardian at once. Registered with ``haven.deadlines`` and
``haven.cases.hooks`` by ``ChildrenConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from haven.cases import hooks
from haven.cases.models import AgeStatus
from haven.deadlines import kinds
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task

# R-11, blocking: nothing else waits for it.
GUARDIAN_APPOINTMENT = kinds.register(
    "guardian_appointment",
    gettext_lazy("Appoint a guardian"),
    owner="children",
    closed_by_record=gettext_lazy("This task closes when a guardian is appointed."),
)


def guardian_clock_start(event: hooks.CaseOpened) -> None:
    """A child, or a person presumed to be one, needs a guardian or representative
    at once: a blocking task due at the end of today, escalated when late (R-11)."""
    if not event.case.person.treat_as_child:
        return
    deadline_services.task_open(
        case_id=event.case.id,
        kind=GUARDIAN_APPOINTMENT,
        due_on=event.today,
        organisation=event.lead,
        reminder_days_before=0,
        blocking=True,
        detail={},
    )


def guardian_clock_follow_age(event: hooks.AgeStatusChanged) -> None:
    """R-10, R-11: a person later found or suspected to be a child needs a guardian
    at once, as at intake; one no longer treated as a child (on a recorded age
    assessment) no longer has the task."""
    child_statuses = (AgeStatus.VERIFIED_CHILD, AgeStatus.UNCERTAIN_PRESUMED_CHILD)
    was_child = event.from_status in child_statuses
    now_child = event.to_status in child_statuses
    if now_child and not was_child:
        already = Task.objects.filter(
            case_id=event.case.id, kind=GUARDIAN_APPOINTMENT, status=Task.Status.OPEN
        ).exists()
        if not already:
            deadline_services.task_open(
                case_id=event.case.id,
                kind=GUARDIAN_APPOINTMENT,
                due_on=event.today,
                organisation=event.lead,
                reminder_days_before=0,
                blocking=True,
                detail={},
            )
    elif was_child and not now_child:
        deadline_services.tasks_close(
            case_id=event.case.id,
            kind=GUARDIAN_APPOINTMENT,
            by=event.by,
            status=Task.Status.CANCELLED,
        )


def register() -> None:
    hooks.on_case_opened(guardian_clock_start)
    hooks.on_age_status_changed(guardian_clock_follow_age)
