"""Identification errors with stable codes (tests assert the codes, never the words).

Other parts of the identification app append their own classes at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    ADULT_SET_REQUIRED = "adult_set_required"
    CHILD_POLICY_INVALID = "child_policy_invalid"
    CHILD_SERVED_DIRECTLY = "child_served_directly"
    CHILD_SET_REQUIRED = "child_set_required"
    DECISION_ALREADY_RECORDED = "decision_already_recorded"
    DECISION_BEFORE_CASE_OPENED = "decision_before_case_opened"
    DECISION_DATE_INVALID = "decision_date_invalid"
    DECISION_IN_EARLIER_ROUND = "decision_in_earlier_round"
    DECISION_NOT_FOUND = "decision_not_found"
    DECISION_SUPERSEDED = "decision_superseded"
    DECISION_TYPE_UNKNOWN = "decision_type_unknown"
    GROUNDS_REQUIRED = "grounds_required"
    INDICATOR_FILE_INVALID = "indicator_file_invalid"
    INDICATOR_SET_EMPTY = "indicator_set_empty"
    INDICATOR_SET_LOAD_NOT_ALLOWED = "indicator_set_load_not_allowed"
    INDICATOR_SET_NOT_FOUND = "indicator_set_not_found"
    INDICATOR_SET_UNKNOWN = "indicator_set_unknown"
    LANGUAGE_NOT_OFFERED = "language_not_offered"
    LEGAL_BASIS_REQUIRED = "legal_basis_required"
    MINIMUM_GAP_NOT_REACHED = "minimum_gap_not_reached"
    OBSERVATION_INVALID = "observation_invalid"
    ORG_TYPE_MAY_NOT_DECIDE = "org_type_may_not_decide"
    OUTCOME_INVALID = "outcome_invalid"
    PREVIOUS_DECISION_REQUIRED = "previous_decision_required"
    REASONS_REQUIRED = "reasons_required"
    RECONSIDERATION_NOT_ALLOWED = "reconsideration_not_allowed"
    RECONSIDERATION_OF_POSITIVE_DECISION = "reconsideration_of_positive_decision"
    RECONSIDERATION_OPEN = "reconsideration_open"
    SCREENING_NOT_FOUND = "screening_not_found"
    SERVED_TO_INVALID = "served_to_invalid"
    UNKNOWN_INDICATORS = "unknown_indicators"


# --- indicator sets -------------------------------------------------------------------


class IndicatorFileError(InvalidInput):
    """A malformed indicator file: ``problems`` lists every problem with its path."""

    default_code = ErrorCode.INDICATOR_FILE_INVALID

    def __init__(self, problems: Sequence[str], *, field: str | None = "file"):
        count = len(problems)
        message = ngettext(
            "The indicator file has %(count)d problem; nothing was loaded.",
            "The indicator file has %(count)d problems; nothing was loaded.",
            count,
        ) % {"count": count}
        super().__init__(message, field=field)
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"- {p}" for p in self.problems)])


class IndicatorSetLoadNotAllowed(NotAllowed):
    default_code = ErrorCode.INDICATOR_SET_LOAD_NOT_ALLOWED


class IndicatorSetNotFound(NotFound):
    default_code = ErrorCode.INDICATOR_SET_NOT_FOUND


class IndicatorSetUnknown(InvalidInput):
    """A set named in a request that no loaded file defines (a 400, unlike a missing page)."""

    default_code = ErrorCode.INDICATOR_SET_UNKNOWN


# --- screening ------------------------------------------------------------------------


class IndicatorSetEmpty(InvalidInput):
    default_code = ErrorCode.INDICATOR_SET_EMPTY


class SetAudienceMismatch(InvalidInput):
    """R-10: a person treated as a child gets a child set; an adult gets an adult set."""

    default_code = ErrorCode.CHILD_SET_REQUIRED


class UnknownIndicators(InvalidInput):
    default_code = ErrorCode.UNKNOWN_INDICATORS

    def __init__(self, ids: Sequence[str], *, field: str | None = "observations"):
        super().__init__(
            _("These indicators are not in the set: %(ids)s.") % {"ids": ", ".join(ids)},
            field=field,
        )
        self.ids = list(ids)


class ObservationInvalid(InvalidInput):
    default_code = ErrorCode.OBSERVATION_INVALID


PersonErased = case_errors.PersonErased  # one error for every app: the case gate raises it


class ScreeningNotFound(NotFound):
    # The same answer for a missing screening and one on a case hidden from the user.
    default_code = ErrorCode.SCREENING_NOT_FOUND


class ChildPolicyInvalid(HavenError, ImproperlyConfigured):
    """HAVEN_CHILD_VICTIM_POLICY names no policy of the set (R-08): an operator's error."""

    http_status = 500
    default_code = ErrorCode.CHILD_POLICY_INVALID


# --- decisions and reconsiderations (R-17) --------------------------------------------


class DecisionTypeUnknown(InvalidInput):
    """A decision type the case's national pathway does not have."""

    default_code = ErrorCode.DECISION_TYPE_UNKNOWN


class DecisionOrgTypeNotAllowed(NotAllowed):
    """The pathway names which organisation types may take each decision."""

    default_code = ErrorCode.ORG_TYPE_MAY_NOT_DECIDE


class PreviousDecisionRequired(Conflict):
    """R-17: a conclusive decision needs a positive reasonable-grounds decision first."""

    default_code = ErrorCode.PREVIOUS_DECISION_REQUIRED


class MinimumGapNotReached(Conflict):
    """R-17: no earlier than the pathway's minimum gap; ``earliest`` is the first allowed day."""

    default_code = ErrorCode.MINIMUM_GAP_NOT_REACHED

    def __init__(self, message: str, *, earliest: date, field: str | None = "decided_on"):
        super().__init__(message, field=field)
        self.earliest = earliest


class DecisionAlreadyRecorded(Conflict):
    """A positive decision of this type stands; the pathway's next decision follows it."""

    default_code = ErrorCode.DECISION_ALREADY_RECORDED


class DecisionDateInvalid(InvalidInput):
    default_code = ErrorCode.DECISION_DATE_INVALID


class DecisionBeforeCaseOpened(InvalidInput):
    """R-17: a decision cannot be dated before the case it decides was opened."""

    default_code = ErrorCode.DECISION_BEFORE_CASE_OPENED


class LegalBasisRequired(InvalidInput):
    """R-01: every decision records the legal basis it rests on."""

    default_code = ErrorCode.LEGAL_BASIS_REQUIRED


class ReasonsRequired(InvalidInput):
    """R-01, R-17: every decision carries reasons that can be given to the person."""

    default_code = ErrorCode.REASONS_REQUIRED


class ServedToInvalid(InvalidInput):
    """R-10, R-17: decision papers are never served on a child directly."""

    default_code = ErrorCode.CHILD_SERVED_DIRECTLY


class DecisionNotFound(NotFound):
    # The same answer for a missing decision and one on a case hidden from the user.
    default_code = ErrorCode.DECISION_NOT_FOUND


class ReconsiderationNotAllowed(Conflict):
    """Codes: reconsideration_of_positive_decision, decision_superseded,
    decision_in_earlier_round, reconsideration_open."""

    default_code = ErrorCode.RECONSIDERATION_NOT_ALLOWED


class GroundsRequired(InvalidInput):
    default_code = ErrorCode.GROUNDS_REQUIRED


# --- the decision letter (issue 11) ------------------------------------------------------


class LetterLanguageNotOffered(InvalidInput):
    """A letter asked for in a language Haven does not ship."""

    default_code = ErrorCode.LANGUAGE_NOT_OFFERED
