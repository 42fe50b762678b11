"""Sharing errors with stable codes (tests assert codes, never words)."""

from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound


class SharingInvalid(InvalidInput):
    default_code = "sharing_invalid"


class SharingNotAllowed(NotAllowed):
    default_code = "sharing_not_allowed"


class ConsentNotFound(NotFound):
    default_code = "consent_not_found"


class ConsentAlreadyWithdrawn(Conflict):
    default_code = "consent_already_withdrawn"


class AgreementNotFound(NotFound):
    default_code = "agreement_not_found"


class AgreementEnded(Conflict):
    default_code = "agreement_ended"


class JustificationRequired(InvalidInput):
    # Break-glass needs the emergency explained in writing.
    default_code = "justification_required"


class BreakGlassNotFound(NotFound):
    default_code = "break_glass_not_found"


class BreakGlassReviewed(Conflict):
    default_code = "break_glass_already_reviewed"
