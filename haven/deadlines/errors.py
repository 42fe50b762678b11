"""Deadline errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from haven.lib.errors import Conflict, NotFound


class TaskNotFound(NotFound):
    # Same answer for a missing deadline and one of another team.
    default_code = "task_not_found"


class TaskClosedByDecision(Conflict):
    """A decision deadline closes when the decision is recorded, never by hand."""

    default_code = "task_closed_by_decision"
