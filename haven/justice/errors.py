"""Justice errors with stable codes (tests assert codes, never words)."""

from __future__ import annotations

from enum import StrEnum

from haven.lib.errors import Conflict, InvalidInput, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    INVALID = "invalid"
    REMEDY_INPUT_INVALID = "remedy_input_invalid"
    REMEDY_NOT_FOUND = "remedy_not_found"
    PROCEEDING_ENDED = "proceeding_ended"
    MEASURE_DECIDED = "measure_decided"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"


class RemedyInputInvalid(InvalidInput):
    default_code = ErrorCode.REMEDY_INPUT_INVALID


class RemedyNotFound(NotFound):
    """No such proceeding, measure, claim, asset or legal aid on this case."""

    default_code = ErrorCode.REMEDY_NOT_FOUND


class ProceedingEnded(Conflict):
    default_code = ErrorCode.PROCEEDING_ENDED


class MeasureDecided(Conflict):
    default_code = ErrorCode.MEASURE_DECIDED


class TransitionNotAllowed(Conflict):
    default_code = ErrorCode.TRANSITION_NOT_ALLOWED
