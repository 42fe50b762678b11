"""Master, index and backup keys from settings (environment variables or files)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from django.conf import settings

from haven.vault.errors import ErrorCode, VaultMisconfigured

KEY_BYTES = 32


@dataclass(frozen=True)
class MasterKey:
    id: str
    secret: bytes


def _decode(raw: str, *, name: str) -> bytes:
    # Messages name the setting, never its value: a key must not reach a log.
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VaultMisconfigured(
            f"{name} is not valid base64", code=ErrorCode.KEY_NOT_BASE64
        ) from exc
    if len(key) != KEY_BYTES:
        raise VaultMisconfigured(
            f"{name} must decode to {KEY_BYTES} bytes", code=ErrorCode.KEY_WRONG_LENGTH
        )
    return key


def key_id(secret: bytes) -> str:
    """A short, non-secret fingerprint naming a master key."""
    return hashlib.sha256(b"haven-master-key-id" + secret).hexdigest()[:16]


def current_master_key() -> MasterKey:
    raw = settings.HAVEN_MASTER_KEY
    if not raw:
        raise VaultMisconfigured(
            "HAVEN_MASTER_KEY (or HAVEN_MASTER_KEY_FILE) is not set", code=ErrorCode.KEY_MISSING
        )
    secret = _decode(raw, name="HAVEN_MASTER_KEY")
    return MasterKey(id=key_id(secret), secret=secret)


def master_keys() -> dict[str, MasterKey]:
    """The current key and the previous ones still needed to unwrap old data keys."""
    current = current_master_key()
    keys = {current.id: current}
    for index, raw in enumerate(settings.HAVEN_MASTER_KEYS_PREVIOUS):
        secret = _decode(raw, name=f"HAVEN_MASTER_KEYS_PREVIOUS[{index}]")
        keys.setdefault(key_id(secret), MasterKey(id=key_id(secret), secret=secret))
    return keys


def index_key() -> bytes:
    raw = settings.HAVEN_INDEX_KEY
    if not raw:
        raise VaultMisconfigured(
            "HAVEN_INDEX_KEY (or HAVEN_INDEX_KEY_FILE) is not set", code=ErrorCode.KEY_MISSING
        )
    return _decode(raw, name="HAVEN_INDEX_KEY")


def backup_key() -> bytes:
    """The key that seals ``haven backup`` files; kept apart from the master key, so
    that a backup and the key to a person's data are never in one place."""
    raw = settings.HAVEN_BACKUP_KEY
    if not raw:
        raise VaultMisconfigured(
            "HAVEN_BACKUP_KEY (or HAVEN_BACKUP_KEY_FILE) is not set", code=ErrorCode.KEY_MISSING
        )
    return _decode(raw, name="HAVEN_BACKUP_KEY")


def backup_key_id(secret: bytes) -> str:
    """A short, non-secret fingerprint naming a backup key (written in a backup's header)."""
    return hashlib.sha256(b"haven-backup-key-id" + secret).hexdigest()[:16]
