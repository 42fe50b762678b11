"""Vault errors with stable codes."""

from enum import StrEnum

from haven.lib.errors import Conflict, HavenError


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the API and the tests rely on."""

    DECRYPTION_FAILED = "decryption_failed"
    ERASURE_LEDGER_MISSING = "erasure_ledger_missing"
    ERASURE_LEDGER_UNREADABLE = "erasure_ledger_unreadable"
    ERASURE_LEDGER_UNWRITABLE = "erasure_ledger_unwritable"
    KEY_DESTROYED = "key_destroyed"
    KEY_MISSING = "key_missing"
    KEY_NOT_BASE64 = "key_not_base64"
    KEY_WRONG_LENGTH = "key_wrong_length"
    MASTER_KEY_UNKNOWN = "master_key_unknown"
    VAULT_MISCONFIGURED = "vault_misconfigured"


class KeyDestroyed(Conflict):
    # The person was erased: their data can no longer be read by anyone.
    default_code = ErrorCode.KEY_DESTROYED


class VaultMisconfigured(HavenError):
    http_status = 500
    default_code = ErrorCode.VAULT_MISCONFIGURED


class DecryptionFailed(HavenError):
    http_status = 500
    default_code = ErrorCode.DECRYPTION_FAILED
