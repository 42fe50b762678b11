"""Assistance errors with stable codes (tests assert the codes, never the words).

Other parts of the assistance app append their own classes at the end.
"""

from __future__ import annotations

from enum import StrEnum

from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, InvalidInput, NotAllowed


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    AMOUNT_NOT_ALLOWED = "amount_not_allowed"
    AMOUNT_PERIOD_REQUIRED = "amount_period_required"
    AMOUNT_REQUIRED = "amount_required"
    ASSESSMENT_NOT_FOUND = "assessment_not_found"
    ASSESSMENT_NOT_NEEDS = "assessment_not_needs"
    ASSISTANCE_CLOSED = "assistance_closed"
    ASSISTANCE_NOT_CLOSED = "assistance_not_closed"
    CLOSURE_GROUND_INVALID = "closure_ground_invalid"
    CLOSURE_GROUND_NOT_PERMITTED = "closure_ground_not_permitted"
    CONSENT_DATE_REQUIRED = "consent_date_required"
    CONSENT_REQUIRED = "consent_required"
    CURRENCY_INVALID = "currency_invalid"
    EARLY_END_GROUND_NOT_PERMITTED = "early_end_ground_not_permitted"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"
    ITEMS_REQUIRED = "items_required"
    LANGUAGE_INVALID = "language_invalid"
    LEGAL_BASIS_REQUIRED = "legal_basis_required"
    NO_REFLECTION_PERIOD = "no_reflection_period"
    OUTCOME_REQUIRED = "outcome_required"
    PERMIT_GROUND_REQUIRED = "permit_ground_required"
    PERSON_VIEW_REQUIRED = "person_view_required"
    PLAN_UNKNOWN = "plan_unknown"
    PROVIDER_UNKNOWN = "provider_unknown"
    REASONS_REQUIRED = "reasons_required"
    REFLECTION_BELOW_FLOOR = "reflection_below_floor"
    REFLECTION_EXISTS = "reflection_exists"
    REFLECTION_PERIOD_NOT_RUNNING = "reflection_period_not_running"
    REFLECTION_PERIOD_RUNNING = "reflection_period_running"
    REMOVAL_PROTECTED = "removal_protected"
    REQUIRED = "required"
    SECTION_NOT_APPLICABLE = "section_not_applicable"
    SERVICE_TRANSITION_NOT_ALLOWED = "service_transition_not_allowed"
    SERVICES_REQUIRED = "services_required"
    SUPERVISOR_REQUIRED = "supervisor_required"
    UNKNOWN_SERVICE_TYPE = "unknown_service_type"


# --- the recovery and reflection period (R-15) ----------------------------------------


class ReflectionBelowFloor(InvalidInput):
    """CETS Art. 13: a reflection period is never shorter than 30 days."""

    default_code = ErrorCode.REFLECTION_BELOW_FLOOR


class ReflectionExists(Conflict):
    default_code = ErrorCode.REFLECTION_EXISTS


class NoReflectionPeriod(Conflict):
    """The case has no reflection period (no positive reasonable-grounds decision yet)."""

    default_code = ErrorCode.NO_REFLECTION_PERIOD


class ReflectionNotRunning(Conflict):
    """The period ended (or ended early): it can no longer be extended or ended."""

    default_code = ErrorCode.REFLECTION_PERIOD_NOT_RUNNING


class EarlyEndGroundNotPermitted(InvalidInput):
    """CETS Art. 13(3): only public order, or victim status claimed improperly."""

    default_code = ErrorCode.EARLY_END_GROUND_NOT_PERMITTED


class SupervisorRequired(NotAllowed):
    default_code = ErrorCode.SUPERVISOR_REQUIRED


class ReasonsRequired(InvalidInput):
    default_code = ErrorCode.REASONS_REQUIRED


class LegalBasisRequired(InvalidInput):
    default_code = ErrorCode.LEGAL_BASIS_REQUIRED


PersonErased = case_errors.PersonErased  # one error for every app: the case gate raises it


class ReflectionInputInvalid(InvalidInput):
    default_code = ErrorCode.INVALID


class RemovalProtected(Conflict):
    """R-03, R-15: no removal (expulsion enforcement) of this person now.

    Codes: ``reflection_period_running`` (CETS Art. 13(1)) and
    ``removal_protected`` (reasonable grounds, CETS Art. 10(2)).
    """

    default_code = ErrorCode.REMOVAL_PROTECTED
