"""Children's statutory clock (R-11): a child, or a person presumed to be one,
needs a guardian at once. Registered with ``haven.deadlines`` and
``haven.cases.hooks`` by ``ChildrenConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from haven.cases import hooks
from haven.deadlines import kinds
from haven.deadlines import services as deadline_services

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


def register() -> None:
    hooks.on_case_opened(guardian_clock_start)
