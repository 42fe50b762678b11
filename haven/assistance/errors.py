"""Assistance errors with stable codes (tests assert the codes, never the words).

Other parts of the assistance app append their own classes at the end.
"""

from __future__ import annotations

from haven.cases import errors as case_errors
from haven.lib.errors import Conflict, InvalidInput, NotAllowed

# --- the recovery and reflection period (R-15) ----------------------------------------


class ReflectionBelowFloor(InvalidInput):
    """CETS Art. 13: a reflection period is never shorter than 30 days."""

    default_code = "reflection_below_floor"


class ReflectionExists(Conflict):
    default_code = "reflection_exists"


class NoReflectionPeriod(Conflict):
    """The case has no reflection period (no positive reasonable-grounds decision yet)."""

    default_code = "no_reflection_period"


class ReflectionNotRunning(Conflict):
    """The period ended (or ended early): it can no longer be extended or ended."""

    default_code = "reflection_period_not_running"


class EarlyEndGroundNotPermitted(InvalidInput):
    """CETS Art. 13(3): only public order, or victim status claimed improperly."""

    default_code = "early_end_ground_not_permitted"


class SupervisorRequired(NotAllowed):
    default_code = "supervisor_required"


class ReasonsRequired(InvalidInput):
    default_code = "reasons_required"


class LegalBasisRequired(InvalidInput):
    default_code = "legal_basis_required"


PersonErased = case_errors.PersonErased  # one error for every app: the case gate raises it


class ReflectionInputInvalid(InvalidInput):
    default_code = "invalid"


class RemovalProtected(Conflict):
    """R-03, R-15: no removal (expulsion enforcement) of this person now.

    Codes: ``reflection_period_running`` (CETS Art. 13(1)) and
    ``removal_protected`` (reasonable grounds, CETS Art. 10(2)).
    """

    default_code = "removal_protected"
