"""Vault errors with stable codes."""

from haven.lib.errors import Conflict, HavenError


class KeyDestroyed(Conflict):
    # The person was erased: their data can no longer be read by anyone.
    default_code = "key_destroyed"


class VaultMisconfigured(HavenError):
    http_status = 500
    default_code = "vault_misconfigured"


class DecryptionFailed(HavenError):
    http_status = 500
    default_code = "decryption_failed"
