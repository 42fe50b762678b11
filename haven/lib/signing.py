"""Ed25519 keys as Haven's signed exchange files write them: base64 text of the raw
bytes. The cross-border linkage files and the regional statistics releases are signed
with these; each module says what a bad key means to its own user."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_BYTES = 32
SIGNATURE_BYTES = 64
_RAW = serialization.Encoding.Raw


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, length: int) -> bytes | None:
    """The bytes of canonical base64 ``text`` of exactly ``length`` bytes, else None."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if len(raw) == length and b64(raw) == text else None


def keygen() -> tuple[str, str]:
    """A new Ed25519 signing key pair: (private, public), each base64 of 32 bytes."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    return b64(private), b64(public)


def private_key(text: str) -> Ed25519PrivateKey | None:
    """The private key written in ``text``; None when it is not one."""
    raw = unb64(text.strip(), KEY_BYTES)
    return None if raw is None else Ed25519PrivateKey.from_private_bytes(raw)


def public_key(text: str) -> Ed25519PublicKey | None:
    """The public key written in ``text``; None when it is not one."""
    raw = unb64(text.strip(), KEY_BYTES)
    return None if raw is None else Ed25519PublicKey.from_public_bytes(raw)
