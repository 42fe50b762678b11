"""Deadline errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum

from haven.lib.errors import Conflict, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    TASK_CLOSED_BY_DECISION = "task_closed_by_decision"
    TASK_NOT_FOUND = "task_not_found"


class TaskNotFound(NotFound):
    # Same answer for a missing deadline and one of another team.
    default_code = ErrorCode.TASK_NOT_FOUND


class TaskClosedByDecision(Conflict):
    """A decision deadline closes when the decision is recorded, never by hand."""

    default_code = ErrorCode.TASK_CLOSED_BY_DECISION
