"""Children errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, InvalidInput


class NotAChild(Conflict):
    """R-11 applies to children and presumed children only (R-10)."""

    default_code = "not_a_child"


class GuardianInputInvalid(InvalidInput):
    default_code = "guardian_input_invalid"


PersonErased = case_errors.PersonErased  # one error for every app: the case gate raises it


class BestInterestsInputInvalid(InvalidInput):
    default_code = "best_interests_input_invalid"


class AssessmentRequired(Conflict):
    """A best-interests determination follows an assessment of the same matter (R-25)."""

    default_code = "assessment_required"


class TracingInputInvalid(InvalidInput):
    default_code = "tracing_input_invalid"


class TracingUnderWay(Conflict):
    """Only one family tracing is under way at a time (R-11)."""

    default_code = "tracing_under_way"


class TracingClosed(Conflict):
    default_code = "tracing_closed"


class DependantInputInvalid(InvalidInput):
    default_code = "dependant_input_invalid"
