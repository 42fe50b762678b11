"""Erasure requests (issue 12), answered by a second person of the case lead.

``cases`` sits below this app: it tells of each request and answer through
``haven.cases.hooks`` and this app keeps the approver's task, registered by
``DeadlinesConfig.ready``. The task goes to the case lead's organisation, due a
month after the request (GDPR Art. 12(3)); only the answer closes it. Retention
runs with the deadline sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy

from haven.cases import hooks as case_hooks
from haven.cases import services as case_services
from haven.deadlines import kinds, services
from haven.deadlines.models import Task

ERASURE_APPROVAL = kinds.register(
    "erasure_approval",
    gettext_lazy("Approve or refuse an erasure request"),
    owner="deadlines",
    closed_by_record=gettext_lazy(
        "This task closes when a supervisor other than the one who asked approves or "
        "refuses the request on the case's erasure page."
    ),
)


def erasure_task_open(event: case_hooks.ErasureRequested) -> None:
    services.task_open(
        case_id=event.case.pk,
        kind=ERASURE_APPROVAL,
        due_on=event.today + timedelta(days=case_services.ERASURE_ANSWER_DAYS),
        organisation=event.lead,
        reminder_days_before=7,
        detail={"request": str(event.request_id)},
    )


def erasure_task_close(event: case_hooks.ErasureAnswered) -> None:
    services.tasks_close(
        case_id=event.case.pk,
        kind=ERASURE_APPROVAL,
        by=event.by,
        status=Task.Status.DONE if event.erased else Task.Status.CANCELLED,
        request=str(event.request_id),
    )


def _retention(now: datetime) -> int:
    report = case_services.retention_run(now=now)
    return report.count(case_services.RetentionOutcome.ANONYMISED)


def register() -> None:
    case_hooks.on_erasure_requested(erasure_task_open)
    case_hooks.on_erasure_answered(erasure_task_close)
    # Retention runs with the deadline sweep: people due are anonymised as
    # soon as their period ends; `haven retention run` shows the full report.
    kinds.sweep_register("retention_anonymised", _retention, label="people anonymised by retention")
