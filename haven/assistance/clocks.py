"""Assistance's statutory clocks: the deadline kinds it owns (reflection period,
residence permits, re-assessments, follow-up after closing) and the re-assessment
clock that every stage change restarts (R-21). Registered with
``haven.deadlines`` and ``haven.cases.hooks`` by ``AssistanceConfig.ready``."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy

from haven.access.models import TeamMembership
from haven.cases import hooks
from haven.deadlines import kinds
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task

REFLECTION_PERIOD_END = kinds.register(
    "reflection_period_end", gettext_lazy("Reflection period ends"), owner="assistance"
)
PERMIT_EXPIRY = kinds.register(
    "permit_expiry", gettext_lazy("Residence permit expires"), owner="assistance"
)
# after every stage change; detail: {"assessment": "needs"|"risk", "stage": status}
REASSESSMENT_DUE = kinds.register(
    "reassessment_due",
    gettext_lazy("Re-assessment due"),
    owner="assistance",
    closed_by_record=gettext_lazy("This task closes when the assessment is recorded."),
)
# the exit plan's follow-up after assistance was closed
CLOSURE_FOLLOW_UP = kinds.register(
    "closure_follow_up", gettext_lazy("Follow up after assistance closed"), owner="assistance"
)


def reassessments_due(event: hooks.StatusChanged) -> None:
    """Every stage change makes both assessments due again (R-21): one task per
    assessment for the case lead, due in HAVEN_REASSESSMENT_DAYS, replacing any
    that the previous stage left open. Recording the assessment closes it."""
    case = event.case
    lead = TeamMembership.objects.select_related("organisation").get(case_id=case.id, is_lead=True)
    deadline_services.tasks_close(
        case_id=case.id, kind=REASSESSMENT_DUE, by=event.by, status=Task.Status.CANCELLED
    )
    for assessment in ("needs", "risk"):
        deadline_services.task_open(
            case_id=case.id,
            kind=REASSESSMENT_DUE,
            due_on=event.today + timedelta(days=settings.HAVEN_REASSESSMENT_DAYS),
            organisation=lead.organisation,
            reminder_days_before=2,
            detail={"assessment": assessment, "stage": event.to_status},
        )


def register() -> None:
    hooks.on_status_changed(reassessments_due)
