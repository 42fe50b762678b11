"""The deadlines' parts: every deadline of the case on its timeline (every member
of the case team sees them), and in the report for the person.

A module of its own: the deadline models (``Task``, ``Notification``) are moving
to the ``haven.deadlines`` app, and these parts move with them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.cases import parts
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines.models import Task

# --- timeline -------------------------------------------------------------------------------


def _deadline_state(task: Task, now: datetime) -> tuple[str, str]:
    if task.status == Task.Status.DONE:
        return "done", _("done")
    if task.status == Task.Status.CANCELLED:
        return "cancelled", _("no longer needed")
    if task.due_at < now:
        return "overdue", _("overdue")
    return "open", _("open")


def _deadlines(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    entries = []
    for task in deadline_selectors.case_tasks(case_id=source.case.id):
        state, state_label = _deadline_state(task, source.now)
        what = deadline_selectors.what_is_due(task, country=source.case.country)
        entries.append(
            parts.TimelineEntry(
                on=timezone.localdate(task.due_at),
                kind="deadline",
                title=_("Due: %(what)s") % {"what": what},
                state=state,
                state_label=state_label,
                blocking=task.blocking,
            )
        )
    return entries


TIMELINE = [parts.TimelineProvider(None, ("deadline",), 110, _deadlines, Task)]


# --- report for the person ------------------------------------------------------------------


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    """The case's deadlines; the case lead is on the team (the report's gate)."""
    now = timezone.now()
    entries = []
    for task in deadline_selectors.case_tasks(case_id=request.case.id):
        _state, state_label = _deadline_state(task, now)
        entries.append(
            parts.ReportEntry(
                deadline_selectors.what_is_due(task, country=request.case.country),
                timezone.localdate(task.due_at),
                [
                    parts.fact(_("State"), state_label),
                    parts.fact(_("Done on"), task.closed_at),
                ],
            )
        )
    return [
        parts.ReportSection("deadlines", _("Deadlines on your case"), True, "", entries=entries)
    ]


REPORT = [
    parts.ReportPart(
        key="deadlines",
        covers=("deadlines.Task",),
        read=_report,
    ),
]
