"""Deadline errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum

from haven.lib.errors import Conflict, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    TASK_CLOSED_BY_RECORD = "task_closed_by_record"
    TASK_NOT_FOUND = "task_not_found"


class TaskNotFound(NotFound):
    # Same answer for a missing deadline and one of another team.
    default_code = ErrorCode.TASK_NOT_FOUND


class TaskClosedByRecord(Conflict):
    """A task its owner closes only by a record (a decision, a guardian appointed, an
    assessment recorded), never by a tick (R-11, R-17, R-21)."""

    default_code = ErrorCode.TASK_CLOSED_BY_RECORD
