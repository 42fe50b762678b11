"""Linkage errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import ClassVar

from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    CHECK_RATE_LIMITED = "check_rate_limited"
    SEARCH_REQUIRED = "search_required"
    NOT_COORDINATOR = "not_coordinator"
    NOT_COORDINATOR_SUPERVISOR = "not_coordinator_supervisor"
    OWN_PROPOSAL = "own_proposal"
    RUN_NOT_FOUND = "run_not_found"
    RUN_IN_PROGRESS = "run_in_progress"
    PAIR_NOT_FOUND = "pair_not_found"
    PAIR_DECIDED = "pair_decided"
    MERGE_NOT_FOUND = "merge_not_found"
    MERGE_DECIDED = "merge_decided"
    CASE_NOT_MERGEABLE = "case_not_mergeable"
    REASON_REQUIRED = "reason_required"


class CheckRateLimited(HavenError):
    """Too many checks by one user in the window: a guard against probing the
    register name by name."""

    http_status: ClassVar[int] = HTTPStatus.TOO_MANY_REQUESTS
    default_code: ClassVar[str] = ErrorCode.CHECK_RATE_LIMITED


class SearchRequired(InvalidInput):
    """HAVEN_LINKAGE_REQUIRE_SEARCH is on and intake posted no check of this identity."""

    default_code: ClassVar[str] = ErrorCode.SEARCH_REQUIRED


class NotCoordinator(NotAllowed):
    """Only the caseworkers and supervisors of a national coordinator review duplicates."""

    default_code: ClassVar[str] = ErrorCode.NOT_COORDINATOR


class NotCoordinatorSupervisor(NotAllowed):
    """Only a supervisor of the national coordinator approves, refuses or reverses a merge."""

    default_code: ClassVar[str] = ErrorCode.NOT_COORDINATOR_SUPERVISOR


class OwnProposal(NotAllowed):
    """Four eyes: whoever proposed a merge never approves or refuses it."""

    default_code: ClassVar[str] = ErrorCode.OWN_PROPOSAL


class RunNotFound(NotFound):
    default_code: ClassVar[str] = ErrorCode.RUN_NOT_FOUND


class RunInProgress(Conflict):
    """A run of the same register is queued or running: one at a time."""

    default_code: ClassVar[str] = ErrorCode.RUN_IN_PROGRESS


class PairNotFound(NotFound):
    # The same answer for a missing pair and another country's.
    default_code: ClassVar[str] = ErrorCode.PAIR_NOT_FOUND


class PairDecided(Conflict):
    default_code: ClassVar[str] = ErrorCode.PAIR_DECIDED


class MergeNotFound(NotFound):
    default_code: ClassVar[str] = ErrorCode.MERGE_NOT_FOUND


class MergeDecided(Conflict):
    default_code: ClassVar[str] = ErrorCode.MERGE_DECIDED


class CaseNotMergeable(Conflict):
    """One of the cases was merged, or its person erased, since the pair was found."""

    default_code: ClassVar[str] = ErrorCode.CASE_NOT_MERGEABLE


class ReasonRequired(InvalidInput):
    default_code: ClassVar[str] = ErrorCode.REASON_REQUIRED
