"""Audit trail errors with stable codes."""

from enum import StrEnum

from haven.lib.errors import HavenError


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    ANCHOR_FILE_MISSING = "anchor_file_missing"
    AUDIT_MISCONFIGURED = "audit_misconfigured"
    KEY_MISSING = "key_missing"
    KEY_NOT_BASE64 = "key_not_base64"
    KEY_WRONG_LENGTH = "key_wrong_length"


class AuditMisconfigured(HavenError):
    # Without its key the trail can neither be written nor checked: a deployment fault.
    http_status = 500
    default_code = ErrorCode.AUDIT_MISCONFIGURED
