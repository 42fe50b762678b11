"""Children errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from enum import StrEnum

from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, InvalidInput


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    AGE_APPEAL_INVALID = "age_appeal_invalid"
    AGE_ASSESSMENT_INPUT_INVALID = "age_assessment_input_invalid"
    ALREADY_TREATED_AS_CHILD = "already_treated_as_child"
    ASSESSMENT_REQUIRED = "assessment_required"
    BEST_INTERESTS_INPUT_INVALID = "best_interests_input_invalid"
    DEPENDANT_INPUT_INVALID = "dependant_input_invalid"
    GUARDIAN_INPUT_INVALID = "guardian_input_invalid"
    NOT_A_CHILD = "not_a_child"
    TRACING_CLOSED = "tracing_closed"
    TRACING_INPUT_INVALID = "tracing_input_invalid"
    TRACING_UNDER_WAY = "tracing_under_way"


class NotAChild(Conflict):
    """R-11 applies to children and presumed children only (R-10)."""

    default_code = ErrorCode.NOT_A_CHILD


class GuardianInputInvalid(InvalidInput):
    default_code = ErrorCode.GUARDIAN_INPUT_INVALID


PersonErased = case_errors.PersonErased  # one error for every app: the case gate raises it


class BestInterestsInputInvalid(InvalidInput):
    default_code = ErrorCode.BEST_INTERESTS_INPUT_INVALID


class AssessmentRequired(Conflict):
    """A best-interests determination follows an assessment of the same matter (R-25)."""

    default_code = ErrorCode.ASSESSMENT_REQUIRED


class TracingInputInvalid(InvalidInput):
    default_code = ErrorCode.TRACING_INPUT_INVALID


class TracingUnderWay(Conflict):
    """Only one family tracing is under way at a time (R-11)."""

    default_code = ErrorCode.TRACING_UNDER_WAY


class TracingClosed(Conflict):
    default_code = ErrorCode.TRACING_CLOSED


class DependantInputInvalid(InvalidInput):
    default_code = ErrorCode.DEPENDANT_INPUT_INVALID


class AgeAssessmentInputInvalid(InvalidInput):
    default_code = ErrorCode.AGE_ASSESSMENT_INPUT_INVALID


class AlreadyTreatedAsChild(Conflict):
    """New information moves a person into child protections; one who is treated as a
    child already needs an age assessment to change anything (R-10)."""

    default_code = ErrorCode.ALREADY_TREATED_AS_CHILD


class AgeAppealInvalid(Conflict):
    """An appeal is against an age assessment, and its outcome is recorded once."""

    default_code = ErrorCode.AGE_APPEAL_INVALID
