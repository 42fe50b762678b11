"""Returns errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum

from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    PROFILE_INPUT_INVALID = "profile_input_invalid"
    PROFILE_FILE_INVALID = "profile_file_invalid"
    PROFILE_NOT_FOUND = "profile_not_found"
    PROFILES_NOT_ALLOWED = "profiles_not_allowed"
    PLAN_INPUT_INVALID = "plan_input_invalid"
    PLAN_NOT_FOUND = "plan_not_found"
    PLAN_ALREADY_OPEN = "plan_already_open"
    PLAN_NOT_EDITABLE = "plan_not_editable"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    RETURN_BLOCKED = "return_blocked"
    WARNING_UNACKNOWLEDGED = "warning_unacknowledged"
    WARNING_NOT_RAISED = "warning_not_raised"
    GOAL_INPUT_INVALID = "goal_input_invalid"
    FOLLOW_UP_INPUT_INVALID = "follow_up_input_invalid"
    FOLLOW_UP_DONE = "follow_up_done"
    FOLLOW_UP_NOT_HOLDER = "follow_up_not_holder"


PersonErased = case_errors.PersonErased  # one error for every app: the case gate raises it


class ProfileInputInvalid(InvalidInput):
    default_code = ErrorCode.PROFILE_INPUT_INVALID


class ProfileFileInvalid(InvalidInput):
    """The country profiles file is malformed: nothing of it was loaded."""

    default_code = ErrorCode.PROFILE_FILE_INVALID


class ProfileNotFound(NotFound):
    default_code = ErrorCode.PROFILE_NOT_FOUND


class ProfilesNotAllowed(NotAllowed):
    """Only the national coordinator keeps the country profiles."""

    default_code = ErrorCode.PROFILES_NOT_ALLOWED


class PlanInputInvalid(InvalidInput):
    default_code = ErrorCode.PLAN_INPUT_INVALID


class PlanNotFound(NotFound):
    default_code = ErrorCode.PLAN_NOT_FOUND


class PlanAlreadyOpen(Conflict):
    """One return plan is prepared at a time per case."""

    default_code = ErrorCode.PLAN_ALREADY_OPEN


class PlanNotEditable(Conflict):
    """Only a plan being prepared is edited; an approved one goes back to draft first."""

    default_code = ErrorCode.PLAN_NOT_EDITABLE


class TransitionRefused(Conflict):
    default_code = ErrorCode.TRANSITION_NOT_ALLOWED


class ReturnBlocked(Conflict):
    """A hard block: the pre-return risk assessment, or for a child the
    best-interests determination in favour of return (R-30, R-31)."""

    default_code = ErrorCode.RETURN_BLOCKED


class WarningUnacknowledged(Conflict):
    """A warning that cannot pass silently was not acknowledged with a reason."""

    default_code = ErrorCode.WARNING_UNACKNOWLEDGED


class WarningNotRaised(Conflict):
    """Only a warning the plan raises now is acknowledged."""

    default_code = ErrorCode.WARNING_NOT_RAISED


class GoalInputInvalid(InvalidInput):
    default_code = ErrorCode.GOAL_INPUT_INVALID


class FollowUpInputInvalid(InvalidInput):
    default_code = ErrorCode.FOLLOW_UP_INPUT_INVALID


class FollowUpDone(Conflict):
    """A follow-up contact is recorded once."""

    default_code = ErrorCode.FOLLOW_UP_DONE


class FollowUpNotHolder(NotAllowed):
    """Only the organisation holding a follow-up records it (R-32)."""

    default_code = ErrorCode.FOLLOW_UP_NOT_HOLDER
