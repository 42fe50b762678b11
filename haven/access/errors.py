"""Sharing errors with stable codes (tests assert codes, never words)."""

from enum import StrEnum

from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    AGREEMENT_ALREADY_APPROVED = "agreement_already_approved"
    AGREEMENT_ENDED = "agreement_ended"
    AGREEMENT_NOT_FOUND = "agreement_not_found"
    # Ending needs an agreement in effect; a proposal is refused instead.
    AGREEMENT_NOT_IN_EFFECT = "agreement_not_in_effect"
    # Approving or refusing needs an agreement still waiting for its parties.
    AGREEMENT_NOT_PROPOSED = "agreement_not_proposed"
    ALREADY_LEAD = "already_lead"
    ALREADY_MEMBER = "already_member"
    BREAK_GLASS_ALREADY_REVIEWED = "break_glass_already_reviewed"
    BREAK_GLASS_NOT_FOUND = "break_glass_not_found"
    BREAK_GLASS_NOT_NEEDED = "break_glass_not_needed"
    # Audited only: the caller hears case_not_found, as for any case hidden from them.
    BREAK_GLASS_OTHER_COUNTRY = "break_glass_other_country"
    # A break-glass request names a case: missing and hidden answer alike (the
    # cases app's own code; access may not import it).
    CASE_NOT_FOUND = "case_not_found"
    CONSENT_ALREADY_WITHDRAWN = "consent_already_withdrawn"
    CONSENT_NOT_FOUND = "consent_not_found"
    # a child has no guardian or representative yet, so nobody can consent.
    GUARDIAN_NOT_APPOINTED = "guardian_not_appointed"
    JUSTIFICATION_REQUIRED = "justification_required"
    LEGAL_BASIS_NOT_FOUND = "legal_basis_not_found"
    # Sharing without consent, or location and health to police, border guards and
    # migration authorities, needs a basis from the national coordinator's list.
    LEGAL_BASIS_REQUIRED = "legal_basis_required"
    NOT_ON_TEAM = "not_on_team"
    # a consent names organisations of the lead's own country; abroad is a
    # cross-border referral package.
    OTHER_COUNTRY = "other_country"
    PERSON_ERASED = "person_erased"
    SHARING_INVALID = "sharing_invalid"
    SHARING_NOT_ALLOWED = "sharing_not_allowed"


class SharingInvalid(InvalidInput):
    default_code = ErrorCode.SHARING_INVALID


class SharingNotAllowed(NotAllowed):
    default_code = ErrorCode.SHARING_NOT_ALLOWED


class ConsentNotFound(NotFound):
    default_code = ErrorCode.CONSENT_NOT_FOUND


class ConsentAlreadyWithdrawn(Conflict):
    default_code = ErrorCode.CONSENT_ALREADY_WITHDRAWN


class GuardianNotAppointed(InvalidInput):
    default_code = ErrorCode.GUARDIAN_NOT_APPOINTED


class AgreementNotFound(NotFound):
    default_code = ErrorCode.AGREEMENT_NOT_FOUND


class AgreementEnded(Conflict):
    default_code = ErrorCode.AGREEMENT_ENDED


class JustificationRequired(InvalidInput):
    # Break-glass needs the emergency explained in writing.
    default_code = ErrorCode.JUSTIFICATION_REQUIRED


class BreakGlassNotFound(NotFound):
    default_code = ErrorCode.BREAK_GLASS_NOT_FOUND


class BreakGlassReviewed(Conflict):
    default_code = ErrorCode.BREAK_GLASS_ALREADY_REVIEWED


class AgreementNotProposed(Conflict):
    default_code = ErrorCode.AGREEMENT_NOT_PROPOSED


class AgreementAlreadyApproved(Conflict):
    default_code = ErrorCode.AGREEMENT_ALREADY_APPROVED


class AgreementNotInEffect(Conflict):
    default_code = ErrorCode.AGREEMENT_NOT_IN_EFFECT


class LegalBasisRequired(InvalidInput):
    default_code = ErrorCode.LEGAL_BASIS_REQUIRED


class LegalBasisNotFound(NotFound):
    default_code = ErrorCode.LEGAL_BASIS_NOT_FOUND
