"""Identification errors with stable codes (tests assert the codes, never the words).

Other parts of the identification app append their own classes at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound

# --- indicator sets -------------------------------------------------------------------


class IndicatorFileError(InvalidInput):
    """A malformed indicator file: ``problems`` lists every problem with its path."""

    default_code = "indicator_file_invalid"

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
    default_code = "indicator_set_load_not_allowed"


class IndicatorSetNotFound(NotFound):
    default_code = "indicator_set_not_found"


class IndicatorSetUnknown(InvalidInput):
    """A set named in a request that no loaded file defines (a 400, unlike a missing page)."""

    default_code = "indicator_set_unknown"


# --- screening ------------------------------------------------------------------------


class IndicatorSetEmpty(InvalidInput):
    default_code = "indicator_set_empty"


class SetAudienceMismatch(InvalidInput):
    """R-10: a person treated as a child gets a child set; an adult gets an adult set."""

    default_code = "child_set_required"


class UnknownIndicators(InvalidInput):
    default_code = "unknown_indicators"

    def __init__(self, ids: Sequence[str], *, field: str | None = "observations"):
        super().__init__(
            _("These indicators are not in the set: %(ids)s.") % {"ids": ", ".join(ids)},
            field=field,
        )
        self.ids = list(ids)


class ObservationInvalid(InvalidInput):
    default_code = "observation_invalid"


PersonErased = case_errors.PersonErased  # one error for every app: the case gate raises it


class ScreeningNotFound(NotFound):
    # The same answer for a missing screening and one on a case hidden from the user.
    default_code = "screening_not_found"


class ChildPolicyInvalid(HavenError, ImproperlyConfigured):
    """HAVEN_CHILD_VICTIM_POLICY names no policy of the set (R-08): an operator's error."""

    http_status = 500
    default_code = "child_policy_invalid"


# --- decisions and reconsiderations (R-17) --------------------------------------------


class DecisionTypeUnknown(InvalidInput):
    """A decision type the case's national pathway does not have."""

    default_code = "decision_type_unknown"


class DecisionOrgTypeNotAllowed(NotAllowed):
    """The pathway names which organisation types may take each decision."""

    default_code = "org_type_may_not_decide"


class PreviousDecisionRequired(Conflict):
    """R-17: a conclusive decision needs a positive reasonable-grounds decision first."""

    default_code = "previous_decision_required"


class MinimumGapNotReached(Conflict):
    """R-17: no earlier than the pathway's minimum gap; ``earliest`` is the first allowed day."""

    default_code = "minimum_gap_not_reached"

    def __init__(self, message: str, *, earliest: date, field: str | None = "decided_on"):
        super().__init__(message, field=field)
        self.earliest = earliest


class DecisionAlreadyRecorded(Conflict):
    """A positive decision of this type stands; the pathway's next decision follows it."""

    default_code = "decision_already_recorded"


class DecisionDateInvalid(InvalidInput):
    default_code = "decision_date_invalid"


class ReasonsRequired(InvalidInput):
    """R-01, R-17: every decision carries reasons that can be given to the person."""

    default_code = "reasons_required"


class ServedToInvalid(InvalidInput):
    """R-10, R-17: decision papers are never served on a child directly."""

    default_code = "child_served_directly"


class DecisionNotFound(NotFound):
    # The same answer for a missing decision and one on a case hidden from the user.
    default_code = "decision_not_found"


class ReconsiderationNotAllowed(Conflict):
    """Codes: reconsideration_of_positive_decision, decision_superseded, reconsideration_open."""

    default_code = "reconsideration_not_allowed"


class GroundsRequired(InvalidInput):
    default_code = "grounds_required"
