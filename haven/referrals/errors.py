"""Referral errors with stable codes (tests assert codes, never words)."""

from enum import StrEnum

from haven.lib.errors import InvalidInput, NotAllowed, NotFound


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    ALREADY_LEAD = "already_lead"
    ALREADY_LINKED = "already_linked"
    ALREADY_MEMBER = "already_member"
    ALREADY_REFERRED = "already_referred"
    CONSENT_NOT_COVERING = "consent_not_covering"
    CROSSBORDER_NOT_CONFIGURED = "crossborder_not_configured"
    DIRECTORY_ENTRY_NOT_FOUND = "directory_entry_not_found"
    DIRECTORY_INVALID = "directory_invalid"
    DIRECTORY_NOT_ALLOWED = "directory_not_allowed"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"
    LEAD_CHANGED = "lead_changed"
    LEAD_TRANSFER_OPEN = "lead_transfer_open"
    NOT_ALLOWED = "not_allowed"
    NOT_CASE_LEAD = "not_case_lead"
    NOT_ON_TEAM = "not_on_team"
    OTHER_COUNTRY = "other_country"
    PACKAGE_EXPIRED = "package_expired"
    PACKAGE_INVALID = "package_invalid"
    PACKAGE_MISADDRESSED = "package_misaddressed"
    PACKAGE_REPLAYED = "package_replayed"
    PACKAGE_TAMPERED = "package_tampered"
    PACKAGE_UNKNOWN_SENDER = "package_unknown_sender"
    PARTNER_EXISTS = "partner_exists"
    PARTNER_NOT_FOUND = "partner_not_found"
    PERSON_ERASED = "person_erased"
    RATE_LIMITED = "rate_limited"
    REPORT_DONE = "report_done"
    REQUIRED = "required"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    TOO_LONG = "too_long"
    TRANSFER_NOT_FOUND = "transfer_not_found"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"


class DirectoryInvalid(InvalidInput):
    default_code = ErrorCode.DIRECTORY_INVALID


class DirectoryNotAllowed(NotAllowed):
    default_code = ErrorCode.DIRECTORY_NOT_ALLOWED


class DirectoryEntryNotFound(NotFound):
    default_code = ErrorCode.DIRECTORY_ENTRY_NOT_FOUND


class PersonRowInvalid(InvalidInput):
    """One person of several is refused: ``field`` is ``people.<row>.<field>`` (rows
    from 0, as the API numbers list items); ``row`` and ``row_field`` say the same
    for the page's formset."""

    def __init__(self, message: str, *, row: int, row_field: str | None, code: str) -> None:
        super().__init__(message, code=code, field=f"people.{row}.{row_field or ''}".rstrip("."))
        self.row = row
        self.row_field = row_field
