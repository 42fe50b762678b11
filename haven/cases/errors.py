"""Case errors with stable codes."""

from enum import StrEnum

from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    AGE_ASSESSMENT_REQUIRED = "age_assessment_required"
    ALREADY_ERASED = "already_erased"
    BARNAHUS_ROUTE_FOR_CHILDREN = "barnahus_route_for_children"
    BREAK_GLASS_READ_ONLY = "break_glass_read_only"
    CASE_MERGED = "case_merged"
    CASE_NOT_FOUND = "case_not_found"
    DECISION_REQUIRED = "decision_required"
    DRAFT_KIND_UNKNOWN = "draft_kind_unknown"
    DRAFT_NOT_FOUND = "draft_not_found"
    ERASURE_ANSWERED = "erasure_answered"
    ERASURE_NOT_FOUND = "erasure_not_found"
    ERASURE_PENDING = "erasure_pending"
    FIELD_GROUP_NOT_ALLOWED = "field_group_not_allowed"
    INTERVIEW_NOT_FOUND = "interview_not_found"
    JUSTIFICATION_REQUIRED = "justification_required"
    LANGUAGE_NOT_OFFERED = "language_not_offered"
    LEGAL_BASIS_REQUIRED = "legal_basis_required"
    LEGAL_HOLD = "legal_hold"
    LEGAL_HOLD_NOT_FOUND = "legal_hold_not_found"
    PERSON_ERASED = "person_erased"
    READER_NOT_ON_TEAM = "reader_not_on_team"
    REASONS_REQUIRED = "reasons_required"
    REFERENCE_EXHAUSTED = "reference_exhausted"
    REPORTED_ON_REQUIRED = "reported_on_required"
    REPRESENTATIVE_ABSENCE_REASON_REQUIRED = "representative_absence_reason_required"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    SECOND_APPROVER_REQUIRED = "second_approver_required"
    SUMMARY_REQUIRED = "summary_required"
    TRAINING_EVIDENCE_REQUIRED = "training_evidence_required"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"


class CaseNotFound(NotFound):
    # Same code and words for a missing case and a hidden one.
    default_code = ErrorCode.CASE_NOT_FOUND


class DraftNotFound(NotFound):
    # Another user's draft is as good as missing: drafts are their owner's alone.
    default_code = ErrorCode.DRAFT_NOT_FOUND


class DraftNotSaved(InvalidInput):
    # Only the forms Haven knows, resumed on one of its own pages.
    default_code = ErrorCode.DRAFT_KIND_UNKNOWN


class TransitionNotAllowed(Conflict):
    default_code = ErrorCode.TRANSITION_NOT_ALLOWED


class DecisionRequired(Conflict):
    # Presumed, identified and not identified are set by identification decisions only.
    default_code = ErrorCode.DECISION_REQUIRED


class ReasonsRequired(InvalidInput):
    default_code = ErrorCode.REASONS_REQUIRED


class LegalBasisRequired(InvalidInput):
    # every status change records the legal basis it rests on.
    default_code = ErrorCode.LEGAL_BASIS_REQUIRED


class GroupNotAllowed(NotAllowed):
    default_code = ErrorCode.FIELD_GROUP_NOT_ALLOWED


class BreakGlassReadOnly(NotAllowed):
    default_code = ErrorCode.BREAK_GLASS_READ_ONLY


class RoleNotAllowed(NotAllowed):
    default_code = ErrorCode.ROLE_NOT_ALLOWED


class AgeAssessmentRequired(Conflict):
    # only a recorded age assessment takes a person out of child protections.
    default_code = ErrorCode.AGE_ASSESSMENT_REQUIRED


class PersonErased(Conflict):
    # The person's data was erased (crypto-shredded): nothing more is written about them.
    default_code = ErrorCode.PERSON_ERASED


class AlreadyErased(Conflict):
    # Erasing twice would overwrite when the data was really destroyed.
    default_code = ErrorCode.ALREADY_ERASED


class ErasureNotFound(NotFound):
    default_code = ErrorCode.ERASURE_NOT_FOUND


class ErasureAnswered(Conflict):
    # An erasure request is answered once: approved (and done) or refused.
    default_code = ErrorCode.ERASURE_ANSWERED


class ErasurePending(Conflict):
    # One open erasure request per case at a time.
    default_code = ErrorCode.ERASURE_PENDING


class SecondApproverRequired(NotAllowed):
    # Four eyes: whoever asked for an erasure cannot approve it.
    default_code = ErrorCode.SECOND_APPROVER_REQUIRED


class UnderLegalHold(Conflict):
    # A legal hold keeps the person's data from erasure and from retention.
    default_code = ErrorCode.LEGAL_HOLD


class LegalHoldNotFound(NotFound):
    default_code = ErrorCode.LEGAL_HOLD_NOT_FOUND


__all__ = [
    "AgeAssessmentRequired",
    "AlreadyErased",
    "BreakGlassReadOnly",
    "CaseNotFound",
    "DecisionRequired",
    "ErasureAnswered",
    "ErasureNotFound",
    "ErasurePending",
    "GroupNotAllowed",
    "InvalidInput",
    "LegalBasisRequired",
    "LegalHoldNotFound",
    "PersonErased",
    "ReasonsRequired",
    "RoleNotAllowed",
    "SecondApproverRequired",
    "TransitionNotAllowed",
    "UnderLegalHold",
]


class CaseMerged(Conflict):
    # The case was merged into another (its surviving case): it takes no new writes.
    default_code = ErrorCode.CASE_MERGED
